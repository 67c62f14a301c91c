"""RULES: each rule's statement (finding_rules.yaml) joined to its implementation (rules_*.py).

Keeping the legal text in reference data means an article number or an explanation is corrected
in one dated, sourced place; keeping the implementation in code means it is typed and tested.
A statement without an implementation, or the reverse, is refused at import so neither can ship
alone.
"""

from __future__ import annotations

from types import MappingProxyType

from graph.findings import (  # noqa: F401 - importing the modules registers their checks
    rules_controller,
    rules_lawfulness,
    rules_pecr,
    rules_processor,
    rules_record,
    rules_rights,
    rules_simple,
    rules_transfers,
)
from graph.findings.model import Rule, Severity
from graph.findings.registry import CHECKS, RuleText
from graph.reference import reference

RULES_FILE = "finding_rules"


def _load() -> dict[str, RuleText]:
    texts: dict[str, RuleText] = {}
    for entry in reference(RULES_FILE):
        articles = tuple(str(a) for a in entry.extra("articles", []) or [])
        national = {
            str(country): tuple(str(a) for a in citations)
            for country, citations in (entry.extra("national_articles") or {}).items()
        }
        check = CHECKS.get(entry.id)
        variants = tuple(MappingProxyType(dict(v)) for v in entry.extra("variants") or [])
        rule = Rule(
            id=entry.id,
            title=str(entry.extra("title")),
            severity=Severity.parse(str(entry.extra("severity"))),
            articles=articles + tuple(a for citations in national.values() for a in citations),
            explanation=" ".join(str(entry.extra("explanation")).split()),
            what_to_do=" ".join(str(entry.extra("what_to_do")).split()),
            cypher=check.cypher if check else None,
            applies_from=entry.valid_from,
            applies_until=entry.invalid_from,
            regimes=tuple(str(r) for r in entry.extra("regimes", ["UK", "EU"]) or ()),
            countries=tuple(str(c) for c in entry.extra("countries") or ()),
        )
        texts[entry.id] = RuleText(rule, articles, MappingProxyType(national), variants)
    unimplemented = sorted(set(texts) - set(CHECKS))
    unstated = sorted(set(CHECKS) - set(texts))
    if unimplemented or unstated:
        raise RuntimeError(
            f"findings rules out of step: {RULES_FILE}.yaml states {unimplemented or 'none'} "
            f"with no implementation; implemented but not stated: {unstated or 'none'}"
        )
    return texts


RULE_TEXTS: dict[str, RuleText] = _load()
RULES: dict[str, Rule] = {rule_id: text.rule for rule_id, text in RULE_TEXTS.items()}
