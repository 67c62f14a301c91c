"""How a rule is implemented: one read-only Cypher query, its parameters, and a judge of the rows.

The query selects what the rule looks at, in the portable Cypher subset every store accepts, so
a user can paste it into ``ropagraph cypher`` and see the same rows. Reference data reaches the
query only as ``$parameters``; the judge (Python) turns rows into findings and applies what the
reference data decides (is a tool in force on the date, does a country have adequacy).
Rule texts — title, severity, articles, explanation — are legal statements and live in
data/reference/finding_rules.yaml, joined to these implementations by rule id.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graph.findings.law import Law
from graph.findings.model import Finding, Rule, Severity
from graph.reference import long_date

Row = dict[str, Any]

NOT_PROCESSOR = "coalesce(a.role, 'controller') <> 'processor'"
"""Cypher condition: the activity ``a`` is performed as controller (or joint controller)."""

THIRD_PARTY_SOURCE_KINDS = ("purchased_from_third_party", "third_party")
"""Source kinds whose consent, if any, was collected by someone other than the controller."""


def _text(variant: Mapping[str, Any], key: str, current: str) -> str:
    return " ".join(str(variant[key]).split()) if key in variant else current


@dataclass(frozen=True)
class RuleText:
    """A rule's statement as written in finding_rules.yaml."""

    rule: Rule
    articles: tuple[str, ...]
    """Articles of the GDPR / UK GDPR ('Art 44'), cited per the controller's regime."""
    national_articles: Mapping[str, tuple[str, ...]]
    """Country code -> further citations that apply only there ('DPA 2018 s9' for GB)."""
    variants: tuple[Mapping[str, Any], ...] = ()
    """Wording that differs for a regime from a date (finding_rules.yaml ``variants``: regimes,
    valid_from, invalid_from and the title / explanation / what_to_do / articles it replaces)."""

    def for_law(self, law: Law) -> tuple[Rule, tuple[str, ...]]:
        """The rule as worded for this controller's regime on the date, and its articles."""
        rule, articles = self.rule, self.articles
        for variant in self.variants:
            if law.regime not in variant.get("regimes", [law.regime]):
                continue
            start, end = variant.get("valid_from"), variant.get("invalid_from")
            if (start is not None and law.as_of < start) or (end is not None and law.as_of >= end):
                continue

            rule = replace(
                rule,
                title=_text(variant, "title", rule.title),
                explanation=_text(variant, "explanation", rule.explanation),
                what_to_do=_text(variant, "what_to_do", rule.what_to_do),
            )
            if "articles" in variant:
                articles = tuple(str(a) for a in variant["articles"])
        return rule, articles

    def not_applied(self, law: Law) -> str | None:
        """Why the rule does not apply to this controller on the date, or None if it does."""
        rule = self.rule
        if rule.applies_from is not None and law.as_of < rule.applies_from:
            return f"applies from {long_date(rule.applies_from)}"
        if rule.applies_until is not None and law.as_of >= rule.applies_until:
            last = long_date(rule.applies_until - dt.timedelta(days=1))
            return f"applied until {last}"
        if not law.applies(list(rule.regimes), list(rule.countries)):
            scope = [*(r for r in rule.regimes if r in ("UK", "EU")), *rule.countries]
            return f"applies only to controllers under {' or '.join(scope) or 'no modelled regime'}"
        return None


@dataclass(frozen=True)
class RuleRun:
    """One rule applied to one graph on one date: what a judge needs to write findings."""

    text: RuleText
    law: Law
    _worded: list[tuple[Rule, tuple[str, ...]]] = field(
        default_factory=list, compare=False, repr=False
    )
    """The rule as worded for the law, worked out once: a rule can write tens of thousands of
    findings at 100k activities, and its wording and citations depend only on text and law."""
    _cited: dict[tuple[str, ...], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def _for_law(self) -> tuple[Rule, tuple[str, ...]]:
        if not self._worded:
            self._worded.append(self.text.for_law(self.law))
        return self._worded[0]

    @property
    def rule(self) -> Rule:
        return self._for_law()[0]

    def articles(self, *extra: str) -> tuple[str, ...]:
        cached = self._cited.get(extra)
        if cached is not None:
            return cached
        cited = [c for a in self._for_law()[1] for c in self.law.cite(a)]
        country = self.law.controller.country if self.law.controller else None
        if country is not None:
            cited += self.text.national_articles.get(country, ())
        cited += [c for a in extra for c in self.law.cite(a)]
        result = self._cited[extra] = tuple(dict.fromkeys(cited))
        return result

    def finding(
        self,
        label: str,
        element_id: str,
        name: str | None,
        why: str,
        ref: str | None,
        what_to_do: str | None = None,
        extra_articles: tuple[str, ...] = (),
        severity: Severity | None = None,
    ) -> Finding:
        rule = self.rule
        return Finding(
            rule=rule.id,
            title=rule.title,
            severity=severity or rule.severity,
            articles=self.articles(*extra_articles),
            element_label=label,
            element_id=element_id,
            element_name=name or element_id,
            why=why,
            what_to_do=what_to_do or rule.what_to_do,
            ref=ref,
        )


Judge = Callable[[RuleRun, list[Row]], Iterable[Finding]]
Params = Callable[[Law], dict[str, Any]]


def _no_params(law: Law) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Check:
    rule_id: str
    cypher: str
    judge: Judge
    params: Params = _no_params
    params_doc: dict[str, str] = field(default_factory=dict)
    """Parameter name -> what the rule passes (shown in docs/findings.md)."""


CHECKS: dict[str, Check] = {}


def check(
    rule_id: str,
    cypher: str,
    params: Params | None = None,
    params_doc: dict[str, str] | None = None,
) -> Callable[[Judge], Judge]:
    """Register the decorated judge as the implementation of ``rule_id``."""

    def register(judge: Judge) -> Judge:
        if rule_id in CHECKS:
            raise ValueError(f"rule {rule_id} is implemented twice")
        CHECKS[rule_id] = Check(
            rule_id, cypher.strip(), judge, params or _no_params, dict(params_doc or {})
        )
        return judge

    return register


def listing(items: Iterable[str], limit: int = 4) -> str:
    """'a, b and c' — or 'a, b, c, d and 3 more' so a why stays readable."""
    values = list(dict.fromkeys(i for i in items if i))
    if len(values) > limit:
        shown = values[:limit]
        return ", ".join(shown) + f" and {len(values) - limit} more"
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def plural(count: int, noun: str) -> str:
    """'1 month', '2 months'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def quoted(text: str | None, limit: int = 160) -> str:
    """User text quoted for a message, shortened so a finding stays one screenful."""
    if not text:
        return ""
    clean = " ".join(str(text).split())
    if len(clean) > 1 and clean[0] == clean[-1] == '"':
        clean = clean[1:-1].strip()  # the record quoted its source: one pair of quotes is enough
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return f"“{clean}”"


# --------------------------------------------------------------------------- table-driven rules


class _MessageFormatter(string.Formatter):
    """``{column}`` as is, or through a filter: ``{activities:used_by}``, ``{names:listing}``,
    ``{criteria:quoted}``, ``{activities:receives}`` — the few ways a message shows a column."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "quoted":
            return quoted(value)
        if format_spec == "listing":
            return listing(str(v) for v in value or [] if v)
        if format_spec == "used_by":
            names = [str(v) for v in value or [] if v]
            return f"used by {listing(names)}" if names else "used by no activity"
        if format_spec == "receives":
            names = [str(v) for v in value or [] if v]
            return (
                f"receives data from {listing(names)}"
                if names
                else "receives data from no activity"
            )
        return str(super().format_field(value, format_spec))


_FORMATTER = _MessageFormatter()


@dataclass(frozen=True)
class Simple:
    """A rule that is one query, one finding per row and a message template.

    The query returns ``id``, ``name`` and ``ref`` for the element (of ``label``) plus any
    columns the message names; ``message`` is formatted with the row (see _MessageFormatter).
    """

    rule_id: str
    label: str
    cypher: str
    message: str
    params: Params | None = None
    params_doc: dict[str, str] | None = None

    def judge(self, run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
        for row in rows:
            yield run.finding(
                self.label,
                row["id"],
                row["name"],
                _FORMATTER.format(self.message, **row),
                row["ref"],
            )


def register_simple(rules: Iterable[Simple]) -> None:
    """Register each table-driven rule as the implementation of its id."""
    for rule in rules:
        check(rule.rule_id, rule.cypher, rule.params, rule.params_doc)(rule.judge)
