"""The public shapes of compliance findings: what a rule is, what it found, and the report.

The dashboard's Findings page, the ROPA findings annex and the CLI all consume these, so they are
plain frozen dataclasses that serialise to JSON without help, and a report is always sorted the
same way (most severe first) so every consumer shows the same order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

_RANKS = {"high": 3, "medium": 2, "low": 1, "info": 0}


class Severity(StrEnum):
    """How much a regulator would care: high (likely unlawful) down to info (worth a look)."""

    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        """high=3 … info=0, so severities compare and sort as numbers."""
        return _RANKS[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity named ``text`` (any case); ValueError names the choices and a near miss."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            import difflib

            choices = [s.value for s in cls]
            near = difflib.get_close_matches(text.strip().lower(), choices, n=1, cutoff=0.5)
            hint = f" — did you mean '{near[0]}'?" if near else ""
            raise ValueError(
                f"'{text}' is not a severity: use one of {', '.join(choices)}{hint}"
            ) from None


@dataclass(frozen=True)
class Rule:
    """A compliance rule as people read it; its implementation lives in the rule modules."""

    id: str
    title: str
    severity: Severity
    articles: tuple[str, ...]
    explanation: str
    what_to_do: str
    cypher: str | None
    applies_from: dt.date | None = None
    """First day the rule applies (the provision it rests on commenced); None: no limit."""
    applies_until: dt.date | None = None
    """First day the rule no longer applies; None: still applies."""
    regimes: tuple[str, ...] = ("UK", "EU")
    """Regimes whose controllers the rule applies to ('none': controllers under no modelled
    regime, as JURISDICTION-NOT-ASSESSED)."""
    countries: tuple[str, ...] = ()
    """Countries whose controllers the rule applies to whatever the regime (PECR: GB)."""


@dataclass(frozen=True)
class Finding:
    """One thing a regulator would question, pointing at the graph element it is about."""

    rule: str
    title: str
    severity: Severity
    articles: tuple[str, ...]
    element_label: str
    element_id: str
    element_name: str
    why: str
    what_to_do: str
    ref: str | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["articles"] = list(self.articles)
        return data


def sort_key(finding: Finding) -> tuple[int, str, str, str, str]:
    """Severity high→info, then rule, then element id (then text, so ties are stable too)."""
    return (
        -finding.severity.rank,
        finding.rule,
        finding.element_id,
        finding.element_label,
        finding.why,
    )


@dataclass
class FindingsReport:
    """The result of running the rules on one graph on one evaluation date."""

    as_of: dt.date
    findings: list[Finding]
    errors: dict[str, str] = field(default_factory=dict)
    """Rule id -> why that rule could not run; its findings are missing from the report."""
    jurisdiction: str | None = None
    """The regime the rules applied ('UK GDPR', 'GDPR'), None when the controller's is unknown."""
    not_applied: dict[str, str] = field(default_factory=dict)
    """Rule id -> why it was not applied on this date to this controller (the provision had not
    commenced, was repealed, or belongs to another regime)."""

    def counts(self) -> dict[Severity, int]:
        """Findings per severity, every severity present (zeros too), high first."""
        counts = {severity: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def at_or_above(self, severity: Severity) -> list[Finding]:
        """The findings a CI gate set at ``severity`` fails on."""
        return [f for f in self.findings if f.severity.rank >= severity.rank]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "jurisdiction": self.jurisdiction,
            "counts": {severity.value: n for severity, n in self.counts().items()},
            "findings": [finding.to_dict() for finding in self.findings],
            "errors": dict(self.errors),
            "not_applied": dict(self.not_applied),
        }
