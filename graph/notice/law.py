"""The legal facts a privacy notice depends on, read from data/reference/ (never written here).

What a notice must contain (notice_items.yaml), which rights go with which lawful basis
(notice_rights.yaml), whether a transfer tool still holds on a date for the controller's regime
(transfer_mechanisms.yaml with jurisdictions.yaml), and which regulator hears complaints
(notice_aliases.yaml). The notice generator and the notice check both ask here, so the notice
they write and the notice they check follow the same law.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.model import (
    Activity,
    ActivityRole,
    LawfulBasisId,
    Record,
    TransferMechanismId,
    country_name,
)
from graph.reference import ReferenceEntry, entries_in_force, long_date, reference, reference_by_id


def notice_activities(record: Record) -> list[Activity]:
    """The activities a notice speaks for: where the organisation is (joint) controller.

    Where it acts as a processor the notice is the business customer's duty (Art 13 and 14 bind
    the controller), so those activities, and recipients and sources only they use, are left out.
    """
    return [a for a in record.activities if a.role is not ActivityRole.processor]


def notice_items() -> tuple[ReferenceEntry, ...]:
    return reference("notice_items")


def item(item_id: str) -> ReferenceEntry:
    return reference_by_id("notice_items")[item_id]


def articles(item_id: str) -> str:
    """'Art 13(1)(e), Art 14(1)(e)' for a notice item."""
    return ", ".join(str(a) for a in item(item_id).extra("articles", []))


def basis_entry(basis: LawfulBasisId) -> ReferenceEntry | None:
    return reference_by_id("lawful_bases").get(basis.value)


def mechanism_entry(mechanism: TransferMechanismId) -> ReferenceEntry | None:
    return reference_by_id("transfer_mechanisms").get(mechanism.value)


def aliases(kind: str) -> tuple[ReferenceEntry, ...]:
    return tuple(e for e in reference("notice_aliases") if e.extra("kind") == kind)


@dataclass(frozen=True)
class Right:
    id: str
    name: str
    article: str
    says: str
    aliases: tuple[str, ...]
    why: str
    """Which bases (or which recorded fact) bring the right in, in words."""


def rights_for(record: Record) -> tuple[list[Right], list[LawfulBasisId]]:
    """The rights the notice must state, and the relied-on bases the reference data lacks.

    A right applies when any notice activity relies on a basis it lists (or, for the rights
    tied to a fact — direct marketing, consent, automated decisions — when the record says so).
    """
    activities = notice_activities(record)
    bases = sorted({c.basis for a in activities for c in a.lawful_bases}, key=lambda b: b.value)
    marketing = any(a.direct_marketing for a in activities)
    automated = any(a.automated_decision_making for a in activities)
    known = {b for e in reference("notice_rights") for b in e.extra("bases", [])}
    unknown = [b for b in bases if b.value not in known]
    found: list[Right] = []
    for entry in reference("notice_rights"):
        when = entry.extra("when", "always")
        listed = set(entry.extra("bases", []))
        if when == "direct_marketing":
            applies, why = marketing, "applies because the record has direct marketing"
        elif when == "automated":
            applies, why = automated, "applies because the record has automated decision-making"
        elif when == "consent":
            applies = LawfulBasisId.consent in bases
            why = "applies because consent is relied on"
        elif "all" in listed:
            applies, why = True, "applies to every notice"
        else:
            hits = [b for b in bases if b.value in listed]
            applies = bool(hits)
            why = "applies on the relied-on basis: " + ", ".join(_basis_name(b) for b in hits)
        if applies:
            found.append(
                Right(
                    id=entry.id,
                    name=str(entry.name),
                    article=str(entry.article),
                    says=str(entry.extra("says", "")),
                    aliases=tuple(str(a) for a in entry.extra("aliases", [])),
                    why=why,
                )
            )
    return found, unknown


def _basis_name(basis: LawfulBasisId) -> str:
    entry = basis_entry(basis)
    return str(entry.name) if entry is not None and entry.name else basis.value


def basis_label(basis: LawfulBasisId) -> str:
    """'Contract (Art 6(1)(b))'."""
    entry = basis_entry(basis)
    if entry is None:
        return basis.value
    return f"{entry.name} ({entry.article})" if entry.article else str(entry.name)


def regime(country: str, on: dt.date) -> str | None:
    """'UK' or 'EU' for a controller established in ``country`` on ``on`` (jurisdictions.yaml)."""
    for entry in entries_in_force("jurisdictions", on):
        if country in entry.extra("countries", []):
            return str(entry.extra("regime"))
    return None


def same_regime_countries(country: str, on: dt.date) -> frozenset[str]:
    here = regime(country, on)
    return frozenset(
        code
        for entry in entries_in_force("jurisdictions", on)
        if here is not None and entry.extra("regime") == here
        for code in entry.extra("countries", [])
    )


@dataclass(frozen=True)
class MechanismStatus:
    valid: bool
    reason: str
    """Why not, in words ('no longer valid since 16 July 2020 (CJEU C-311/18 ...)'); '' if valid."""


def mechanism_status(mechanism: TransferMechanismId, country: str, on: dt.date) -> MechanismStatus:
    """Whether the transfer tool holds on ``on`` for a controller in ``country``."""
    if mechanism is TransferMechanismId.not_stated:
        return MechanismStatus(False, "no safeguard is recorded")
    entry = mechanism_entry(mechanism)
    if entry is None:
        return MechanismStatus(False, "the tool is not in data/reference/transfer_mechanisms.yaml")
    here = regime(country, on)
    window = (entry.extra("by_regime") or {}).get(here or "", {})
    valid_from = window.get("valid_from", entry.valid_from)
    invalid_from = window.get("invalid_from", entry.invalid_from)
    if here is not None and here not in entry.extra("regimes", []):
        return MechanismStatus(False, f"it is not a transfer tool under the {here} regime")
    if valid_from is not None and on < valid_from:
        return MechanismStatus(False, f"not available until {long_date(valid_from)}")
    if invalid_from is not None and on >= invalid_from:
        by = entry.extra("invalidated_by")
        return MechanismStatus(
            False, f"no longer valid since {long_date(invalid_from)}" + (f" ({by})" if by else "")
        )
    return MechanismStatus(True, "")


def article_for(entry: ReferenceEntry, country: str, on: dt.date) -> str | None:
    """The entry's article citation if it is written for the controller's regime, else None.

    transfer_mechanisms.yaml cites some tools by their UK GDPR article; an EU controller's
    notice must not cite the UK GDPR, and we do not rewrite citations in code.
    """
    if not entry.article:
        return None
    prefix = None
    for jurisdiction in entries_in_force("jurisdictions", on):
        if country in jurisdiction.extra("countries", []):
            prefix = str(jurisdiction.extra("article_prefix"))
    article = str(entry.article)
    labels = {"UK GDPR", "GDPR"}
    stated = next(
        (label for label in sorted(labels, key=len, reverse=True) if article.startswith(label)),
        None,
    )
    if stated is not None and stated != prefix:
        return None
    return article


def destination_status(
    mechanism: TransferMechanismId,
    home: str,
    destination: str | None,
    certified: bool | None,
    on: dt.date,
) -> tuple[MechanismStatus, str | None]:
    """The tool's status for this transfer, and a caveat a notice writer must check.

    On top of :func:`mechanism_status`: adequacy must cover the destination on the date (the
    regime's adequacy list), a tool limited to some countries must reach this one, and a
    certification framework needs the recipient's certification recorded.
    """
    status = mechanism_status(mechanism, home, on)
    if not status.valid or destination is None:
        return status, None
    entry = mechanism_entry(mechanism)
    assert entry is not None  # mechanism_status returned valid
    name = country_name(destination)
    if mechanism is TransferMechanismId.adequacy:
        found = _adequacy(home, destination, on)
        if found is None:
            return MechanismStatus(False, f"no adequacy covers {name} on {long_date(on)}"), None
        if found.extra("scope") == "partial":
            return status, f"adequacy for {name} is partial: {found.extra('scope_note')}"
        return status, None
    countries = entry.extra("countries") or []
    if countries and destination not in countries:
        return MechanismStatus(False, f"{entry.name} does not cover {name}"), None
    if entry.extra("requires_certification") and certified is not True:
        return (
            status,
            f"the record does not confirm the recipient's certification under {entry.name}",
        )
    return status, None


def _adequacy(home: str, destination: str, on: dt.date) -> ReferenceEntry | None:
    for jurisdiction in entries_in_force("jurisdictions", on):
        if home in jurisdiction.extra("countries", []):
            for entry in reference(str(jurisdiction.extra("adequacy_list"))):
                if entry.extra("country") == destination and entry.in_force(on):
                    return entry
    return None


def authority(country: str) -> ReferenceEntry | None:
    """The supervisory authority complaints go to, for a controller in ``country``."""
    for entry in aliases("authority"):
        if country in entry.extra("countries", []):
            return entry
    return None
