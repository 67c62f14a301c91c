"""The law the three questions need, read from data/reference/ for one controller on one date.

Which regime governs the controller (jurisdictions.yaml), which breach duties exist under it
(breach_duties.yaml), which rights follow from a lawful basis (rights_by_basis.yaml) and whether a
transfer tool could be relied on (transfer_mechanisms.yaml). Nothing here states a legal fact of
its own: change the reference files and every answer follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.model import country_name
from graph.reference import ReferenceEntry, entries_in_force, long_date, reference, reference_by_id


@dataclass(frozen=True)
class Regime:
    """The data protection regime governing a controller on a date ('UK' / 'EU')."""

    code: str
    label: str
    """How its articles are cited: 'UK GDPR', 'GDPR'."""
    countries: frozenset[str]
    """Countries under the same regime on the date: transfers there are not third-country."""


def regime_for(country: str | None, on: dt.date) -> Regime | None:
    """The regime for a controller established in ``country`` on ``on``; None if not modelled."""
    if not country:
        return None
    in_force = entries_in_force("jurisdictions", on)
    for entry in in_force:
        if country in entry.extra("countries", []):
            code = str(entry.extra("regime"))
            same = frozenset(
                c
                for other in in_force
                if other.extra("regime") == code
                for c in other.extra("countries", [])
            )
            return Regime(code, str(entry.extra("article_prefix")), same)
    return None


def duties_in_force(
    regime: Regime | None, on: dt.date, country: str | None = None
) -> list[ReferenceEntry]:
    """The breach duties (kind: duty) in force on ``on`` for a controller under ``regime``
    established in ``country``: an entry applies by its ``regimes``, or by its ``countries``
    (PECR is UK law whatever the GDPR regime of the day), never in its ``except_countries``."""
    found = []
    for entry in entries_in_force("breach_duties", on):
        if entry.extra("kind") != "duty" or country in entry.extra("except_countries", []):
            continue
        by_regime = regime is not None and regime.code in entry.extra("regimes", [])
        if by_regime or (country is not None and country in entry.extra("countries", [])):
            found.append(entry)
    return found


def breach_entry(entry_id: str) -> ReferenceEntry:
    """One entry of breach_duties.yaml (the form, the consequences)."""
    return reference_by_id("breach_duties")[entry_id]


def rights_for(bases: list[str], direct_marketing: bool) -> list[ReferenceEntry]:
    """The rights (rights_by_basis.yaml) a person has over an activity with these bases."""
    rights = []
    for entry in reference("rights_by_basis"):
        applies_to: list[str] = entry.extra("bases", [])
        if (
            "any" in applies_to
            or any(basis in applies_to for basis in bases)
            or (direct_marketing and entry.extra("direct_marketing"))
        ):
            rights.append(entry)
    return rights


def mechanism_status(mechanism: str | None, regime: Regime | None, on: dt.date) -> str | None:
    """'not valid since 16 July 2020 (…)' — whether the stated tool could be relied on.

    Only the tool's own dates and regimes are judged here; whether the recipient is certified or
    the destination covered is the findings rules' job (their findings are shown beside this).
    """
    if mechanism is None:
        return None
    entry = reference_by_id("transfer_mechanisms").get(mechanism)
    if entry is None:
        return None
    override: dict[str, Any] = (entry.extra("by_regime") or {}).get(
        regime.code if regime else "", {}
    )
    valid_from = _date(override.get("valid_from", entry.valid_from))
    invalid_from = _date(override.get("invalid_from", entry.invalid_from))
    if invalid_from is not None and on >= invalid_from:
        by = entry.extra("invalidated_by")
        return f"not valid since {long_date(invalid_from)}" + (f" ({by})" if by else "")
    if valid_from is not None and on < valid_from:
        return f"not yet in force (from {long_date(valid_from)})"
    if regime is not None:
        regimes = entry.extra("regimes", [])
        companion = (entry.extra("requires_with") or {}).get(regime.code)
        if companion:
            return f"valid under the {regime.label} only together with {companion}"
        if regime.code not in regimes:
            return f"not a transfer tool under the {regime.label}"
    return "in force"


def country_label(code: str | None) -> str:
    """'United States (US)'; '' when the record does not say."""
    return f"{country_name(code)} ({code})" if code else ""


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
