"""The law that applies to one controller on one date, read from data/reference/.

Rules never hard-code a legal fact: they ask this object which regime governs the controller
(UK GDPR or EU GDPR, from jurisdictions.yaml), whether a destination has adequacy, whether a
transfer tool is in force and usable for this exporter, which age a child can consent at, and
which laws are repealed. Changing a date in a reference file changes every rule that depends on
it, and ``--as-of`` replays the law as it stood on an earlier day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.model import country_name
from graph.reference import ReferenceEntry, entries_in_force, long_date, reference


@dataclass(frozen=True)
class ControllerFacts:
    """The controller as the graph records it (the rules need its country above all)."""

    id: str
    name: str
    country: str | None
    ref: str | None


@dataclass(frozen=True)
class ToolWindow:
    """When a transfer tool can be relied on under one regime, and where that is said."""

    valid_from: dt.date | None
    invalid_from: dt.date | None
    note: str | None
    no_new_from: dt.date | None = None
    """First day no new contract could be concluded on the tool (the legacy SCCs)."""

    def holds(self, on: dt.date) -> bool:
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.invalid_from is None or on < self.invalid_from


class Law:
    """Reference data resolved for ``controller`` on ``as_of``."""

    def __init__(self, as_of: dt.date, controller: ControllerFacts | None) -> None:
        self.as_of = as_of
        self.controller = controller
        self.jurisdiction = self._jurisdiction()
        # Answers depend only on the date and the controller, both fixed: a run at 100k
        # activities asks the same few questions tens of thousands of times.
        self._cited: dict[str, tuple[str, ...]] = {}
        self._same_regime: frozenset[str] | None = None

    # ------------------------------------------------------------------ regime

    def _jurisdiction(self) -> ReferenceEntry | None:
        if self.controller is None or self.controller.country is None:
            return None
        for entry in entries_in_force("jurisdictions", self.as_of):
            if entry.extra("transfers_only"):
                continue  # not a regime a controller is under (the 2021 EU-UK bridge)
            if self.controller.country in entry.extra("countries", []):
                return entry
        return None

    def modelled_from(self) -> ReferenceEntry | None:
        """The first regime modelled for the controller's country after the date, if the date
        predates every modelled regime there (a GB controller in 2015: the GDPR from 2018)."""
        country = self.controller.country if self.controller else None
        later = [
            entry
            for entry in reference("jurisdictions")
            if country in entry.extra("countries", [])
            and not entry.extra("transfers_only")
            and entry.valid_from is not None
            and entry.valid_from > self.as_of
        ]
        return min(later, key=lambda e: e.valid_from or self.as_of, default=None)

    @property
    def regime(self) -> str | None:
        """'UK' or 'EU' — the regime governing the controller on the date, if modelled."""
        return None if self.jurisdiction is None else str(self.jurisdiction.extra("regime"))

    @property
    def regime_label(self) -> str | None:
        """How the regime's articles are cited: 'UK GDPR', 'GDPR'."""
        if self.jurisdiction is None:
            return None
        return str(self.jurisdiction.extra("article_prefix"))

    def article(self, article: str) -> str:
        """'Art 44' -> 'UK GDPR Art 44' (or 'GDPR Art 44'); other citations are left alone."""
        if article.startswith("Art "):
            return f"{self.regime_label or 'GDPR'} {article}"
        return article

    def cite(self, article: str) -> list[str]:
        """The citations for ``article`` under this regime on this date: an article the Data
        (Use and Access) Act 2025 replaced is cited by its successor from the day that
        commenced (article_changes.yaml), with the regime's prefix ('UK GDPR Art 44A')."""
        cited = self._cited.get(article)
        if cited is None:
            cited = self._cited[article] = tuple(self._cite(article))
        return list(cited)

    def _cite(self, article: str) -> list[str]:
        for change in entries_in_force("article_changes", self.as_of):
            if change.article == article and self.regime in change.extra("regimes", []):
                return [self.article(str(a)) for a in change.extra("becomes", [])]
        return [self.article(article)]

    @property
    def adequacy_term(self) -> str:
        """How findings name adequacy for this regime on the date ('UK GDPR adequacy', after
        the DUAA 'approval by regulations under UK GDPR Art 45A'; jurisdictions.yaml)."""
        if self.jurisdiction is None:
            return "adequacy"
        term = self.jurisdiction.extra("adequacy_term")
        return str(term) if term else f"{self.regime_label} adequacy"

    @property
    def regime_or_gap(self) -> str:
        """'UK' or 'EU'; else 'predates' when the date is before the first regime modelled for
        the controller's country (GB in 2015), or 'none' when no regime is modelled there."""
        if self.regime is not None:
            return self.regime
        return "predates" if self.modelled_from() is not None else "none"

    def applies(self, regimes: list[str], countries: list[str]) -> bool:
        """Whether a rule written for ``regimes`` (UK, EU; 'none': a country with no modelled
        regime; 'predates': a date before the modelled regimes) or for controllers established
        in ``countries`` applies to this controller."""
        country = self.controller.country if self.controller else None
        if country is not None and country in countries:
            return True
        return self.regime_or_gap in regimes

    @property
    def dpa_schedule1(self) -> bool:
        """Whether DPA 2018 Schedule 1 conditions are required (per jurisdictions.yaml)."""
        return bool(self.jurisdiction is not None and self.jurisdiction.extra("dpa_schedule1"))

    def same_regime_countries(self) -> frozenset[str]:
        """Countries governed by the controller's regime on the date: not third countries."""
        if self._same_regime is None:
            self._same_regime = (
                frozenset()
                if self.regime is None
                else frozenset(
                    country
                    for entry in entries_in_force("jurisdictions", self.as_of)
                    if entry.extra("regime") == self.regime
                    for country in entry.extra("countries", [])
                )
            )
        return self._same_regime

    def is_third_country(self, country: str) -> bool:
        return country not in self.same_regime_countries()

    # ------------------------------------------------------------------ adequacy

    def _adequacy_list(self) -> tuple[ReferenceEntry, ...]:
        if self.jurisdiction is None:
            return ()
        return reference(str(self.jurisdiction.extra("adequacy_list")))

    def adequacy(self, country: str) -> ReferenceEntry | None:
        """The adequacy entry covering ``country`` for this controller on the date, if any."""
        for entry in self._adequacy_list():
            if entry.extra("country") == country and entry.in_force(self.as_of):
                return entry
        return None

    def adequacy_any_date(self, country: str) -> ReferenceEntry | None:
        """Adequacy for ``country`` whatever its dates, to explain 'not yet' or 'no longer'."""
        for entry in self._adequacy_list():
            if entry.extra("country") == country:
                return entry
        return None

    # ------------------------------------------------------------------ transfer tools

    def mechanism(self, mechanism_id: str) -> ReferenceEntry | None:
        for entry in reference("transfer_mechanisms"):
            if entry.id == mechanism_id:
                return entry
        return None

    def window(self, mechanism: ReferenceEntry) -> ToolWindow:
        """The tool's dates for this controller's regime (by_regime overrides the defaults)."""
        override: dict[str, Any] = (mechanism.extra("by_regime") or {}).get(self.regime or "", {})
        return ToolWindow(
            valid_from=_date(override.get("valid_from", mechanism.valid_from)),
            invalid_from=_date(override.get("invalid_from", mechanism.invalid_from)),
            note=override.get("note") or mechanism.note,
            no_new_from=_date(
                override.get("no_new_contracts_from", mechanism.extra("no_new_contracts_from"))
            ),
        )

    def in_force(self, mechanism: ReferenceEntry) -> bool:
        return self.window(mechanism).holds(self.as_of)

    def companion(self, mechanism: ReferenceEntry) -> str | None:
        """The tool this one needs alongside it under the controller's regime, if any."""
        required: dict[str, str] = mechanism.extra("requires_with") or {}
        return required.get(self.regime or "")

    def serves_regime(self, mechanism: ReferenceEntry) -> bool:
        """Whether the tool is a transfer tool for this regime (alone or with a companion)."""
        return (
            self.regime in mechanism.extra("regimes", []) or self.companion(mechanism) is not None
        )

    def covers_destination(self, mechanism: ReferenceEntry, country: str) -> bool:
        countries = mechanism.extra("countries")
        return countries is None or country in countries

    def describe_tool(self, mechanism: ReferenceEntry) -> str:
        """'UK Extension … (in force from 12 October 2023; only for certified recipients)'."""
        window = self.window(mechanism)
        parts = []
        if window.valid_from is not None:
            parts.append(f"in force from {long_date(window.valid_from)}")
        if mechanism.extra("requires_certification"):
            parts.append("only for recipients certified under it")
        name = mechanism.name or mechanism.id
        return f"{name} ({'; '.join(parts)})" if parts else name

    def alternatives(self, country: str) -> list[str]:
        """Transfer tools in force for this exporter and destination on the date."""
        tools = []
        for entry in reference("transfer_mechanisms"):
            if entry.id in ("adequacy", "not_stated", "art49_derogation"):
                continue
            if self.regime not in entry.extra("regimes", []):
                continue  # tools usable only with a companion are covered by the companion
            if self.covers_destination(entry, country) and self.in_force(entry):
                tools.append(self.describe_tool(entry))
        adequacy = self.adequacy(country)
        if adequacy is not None and adequacy.extra("via_mechanism") is None:
            scope = adequacy.extra("scope_note")
            tools.insert(0, "adequacy" + (f" ({scope})" if scope else ""))
        return tools

    # ------------------------------------------------------------------ other facts

    def child_consent_age(self) -> ReferenceEntry | None:
        if self.controller is None or self.controller.country is None:
            return None
        for entry in entries_in_force("child_consent_ages", self.as_of):
            if entry.extra("country") == self.controller.country:
                return entry
        return None

    def unavailable_bases(self) -> dict[str, str]:
        """Lawful basis id -> why it cannot be relied on by this controller on the date."""
        unavailable: dict[str, str] = {}
        if self.regime is None:
            return unavailable  # GDPR bases are meaningless outside a modelled regime
        for entry in reference("lawful_bases"):
            regimes = entry.extra("jurisdictions", [])
            if self.regime not in regimes:
                unavailable[entry.id] = (
                    f"{entry.name} ({entry.article}) exists only under {', '.join(regimes)} law, "
                    f"not under the {self.regime_label}"
                )
            elif entry.valid_from is not None and self.as_of < entry.valid_from:
                unavailable[entry.id] = (
                    f"{entry.name} ({entry.article}) can only be relied on from "
                    f"{long_date(entry.valid_from)}"
                )
            elif entry.invalid_from is not None and self.as_of >= entry.invalid_from:
                unavailable[entry.id] = (
                    f"{entry.name} ({entry.article}) could not be relied on after "
                    f"{long_date(entry.invalid_from - dt.timedelta(days=1))}"
                )
        return unavailable

    def expected_legislation(self) -> list[ReferenceEntry]:
        """Laws a controller under this regime, in this country, would be expected to cite."""
        expected = []
        for entry in entries_in_force("legislation", self.as_of):
            regimes = entry.extra("expected_for_regimes", [])
            countries = entry.extra("expected_for_countries", [])
            country = self.controller.country if self.controller else None
            if (self.regime is not None and self.regime in regimes) or (
                country is not None and country in countries
            ):
                expected.append(entry)
        return expected

    def country_label(self, code: str) -> str:
        return f"{country_name(code)} ({code})"


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def legislation_matches(entry: ReferenceEntry, text: str) -> bool:
    """Whether ``text`` (a Legislation name or id) names the law ``entry`` describes."""
    lowered = text.lower()
    if any(pattern in lowered for pattern in entry.extra("exclude_patterns", [])):
        return False
    return any(pattern in lowered for pattern in entry.extra("patterns", []))
