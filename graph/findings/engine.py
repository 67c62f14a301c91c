"""Run the rules against a store: each rule isolated, so one failure never hides the others."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from graph.findings.catalog import RULE_TEXTS, RULES
from graph.findings.law import ControllerFacts, Law
from graph.findings.model import Finding, FindingsReport, sort_key
from graph.findings.registry import CHECKS, Row, RuleRun
from graph.stores import GraphStore

CONTROLLER_CYPHER = """
MATCH (c:Controller)
RETURN c.id AS id, c.name AS name, c.country AS country, c.ref AS ref
ORDER BY id
LIMIT 1
"""


_COLLECTED = re.compile(
    r"\bcollect\s*\(\s*(DISTINCT\s+)?(?:[^()]|\([^()]*\))*\)\s+AS\s+(\w+)", re.IGNORECASE
)


def collected_in_order(cypher: str, rows: list[Row]) -> list[Row]:
    """Rows with every list a ``collect(...)`` built put in a canonical order.

    Cypher leaves the order of collect() unspecified, and stores differ (ladybug keeps scan
    order, Neo4j its own), so a finding listing collected names would read differently on each.
    Plain collects of one RETURN gather the same rows in the same order, so when their lists are
    equally long (``collect(l.name) AS names, collect(l.id) AS ids``) they are sorted together
    and the i-th items still belong together; a DISTINCT collect is sorted on its own.
    """
    found = _COLLECTED.findall(cypher)
    if not found:
        return rows
    parallel = [column for distinct, column in found if not distinct]
    alone = [column for distinct, column in found if distinct]
    for row in rows:
        groups: dict[int, list[str]] = {}
        for column in parallel:
            if isinstance(row.get(column), list):
                groups.setdefault(len(row[column]), []).append(column)
        for column in alone:
            if isinstance(row.get(column), list):
                groups[-1 - len(groups)] = [column]
        for group in groups.values():
            together = sorted(zip(*(row[c] for c in group), strict=True), key=repr)
            for index, column in enumerate(group):
                row[column] = [items[index] for items in together]
    return rows


def select_rules(rules: Iterable[str] | None) -> list[str]:
    """Rule ids to run, in catalog order; ValueError names unknown ids and the closest known."""
    if rules is None:
        return list(RULES)
    wanted = list(dict.fromkeys(rules))
    unknown = [r for r in wanted if r not in RULES]
    if unknown:
        hints = []
        for rule_id in unknown:
            near = difflib.get_close_matches(rule_id.upper(), list(RULES), n=1, cutoff=0.5)
            hints.append(f"'{rule_id}'" + (f" (did you mean {near[0]}?)" if near else ""))
        raise ValueError(
            f"unknown rule(s): {', '.join(hints)} — see 'ropagraph rules' for the list"
        )
    return [r for r in RULES if r in wanted]


def controller_facts(store: GraphStore) -> ControllerFacts | None:
    records = store.query(CONTROLLER_CYPHER).records()
    if not records:
        return None
    row = records[0]
    return ControllerFacts(row["id"], row["name"] or row["id"], row["country"], row["ref"])


def run_findings(
    store: GraphStore,
    as_of: dt.date | None = None,
    rules: Iterable[str] | None = None,
) -> FindingsReport:
    """Apply the rules (all, or those named) to the graph in ``store``, as the law stood on
    ``as_of`` (default today). A rule that raises is reported in ``errors``; the rest still run.
    Failing to read the controller at all (no store, no connection) raises StoreError."""
    day = as_of or dt.date.today()
    selected = select_rules(rules)
    law = Law(day, controller_facts(store))
    findings: list[Finding] = []
    errors: dict[str, str] = {}
    not_applied: dict[str, str] = {}
    rows_by_query: dict[tuple[str, str], list[Row]] = {}
    for rule_id in selected:
        check = CHECKS[rule_id]
        reason = RULE_TEXTS[rule_id].not_applied(law)
        if reason is not None:
            not_applied[rule_id] = reason
            continue
        try:
            params: dict[str, Any] = check.params(law)
            key = (check.cypher, json.dumps(params, sort_keys=True, default=str))
            if key not in rows_by_query:
                rows = store.query(check.cypher, params).records()
                rows_by_query[key] = collected_in_order(check.cypher, rows)
            run = RuleRun(RULE_TEXTS[rule_id], law)
            findings.extend(check.judge(run, rows_by_query[key]))
        except Exception as exc:  # a failing rule must not stop the others
            errors[rule_id] = str(exc).strip() or type(exc).__name__
    findings.sort(key=sort_key)
    return FindingsReport(
        day, findings, errors, jurisdiction=law.regime_label, not_applied=not_applied
    )
