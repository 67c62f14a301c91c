"""Findings (graph/findings.py) as tables and filters: most severe first, linked to elements.

Severity order is the order the Severity enum declares (most severe first), so this module
needs no knowledge of the rules themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from graph.build import node_key
from graph.visual import label_short

if TYPE_CHECKING:
    from graph.findings import Finding, FindingsReport

SEVERITY_COLOUR = {"high": "red", "medium": "orange", "low": "blue", "info": "gray"}
"""Streamlit colour names per severity (badges, expander headers): red reads as urgent,
grey as informational."""


def severity_order(severity: Any) -> int:
    """Position in the Severity enum's declared order (0 = most severe)."""
    members: list[Any] = list(getattr(type(severity), "__members__", {}).values())
    return members.index(severity) if severity in members else len(members)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (severity_order(f.severity), f.rule, f.element_label, f.element_id),
    )


def element_key(finding: Finding) -> str:
    """The finding's element as a graph node key (what the explorer focuses on)."""
    return node_key(finding.element_label, finding.element_id)


def filter_findings(
    findings: Iterable[Finding],
    severities: Sequence[str] = (),
    rules: Sequence[str] = (),
    articles: Sequence[str] = (),
) -> list[Finding]:
    """Findings matching every non-empty filter (any of its values)."""
    return [
        f
        for f in findings
        if (not severities or str(f.severity) in severities)
        and (not rules or f.rule in rules)
        and (not articles or any(a in articles for a in f.articles))
    ]


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    columns = [
        "severity",
        "finding",
        "element",
        "why",
        "what to do",
        "articles",
        "rule",
        "where the source says it",
    ]
    return pd.DataFrame(
        [
            {
                "severity": str(f.severity),
                "finding": f.title,
                "element": f"{label_short(f.element_label)} · {f.element_name or f.element_id}",
                "why": f.why,
                "what to do": f.what_to_do,
                "articles": "; ".join(f.articles),
                "rule": f.rule,
                "where the source says it": f.ref or "",
            }
            for f in findings
        ],
        columns=columns,
    )


def describe(finding: Finding) -> str:
    """One line naming a finding, for select boxes."""
    return (
        f"[{finding.severity}] {finding.title} — "
        f"{label_short(finding.element_label)} · {finding.element_name or finding.element_id}"
    )


def business_functions_of(graph: Any, finding: Finding) -> set[str]:
    """The business functions a finding concerns: its activity's, or those of the activities
    linked to its element (a recipient's senders, a category's users, …)."""
    key = element_key(finding)
    if key not in graph:
        return set()
    data = graph.nodes[key]
    if data.get("label") == "Activity":
        function = data.get("businessFunction")
        return {str(function)} if function else set()
    found = set()
    for other in set(graph.predecessors(key)) | set(graph.successors(key)):
        other_data = graph.nodes[other]
        if other_data.get("label") == "Activity" and other_data.get("businessFunction"):
            found.add(str(other_data["businessFunction"]))
    return found


def severities_present(findings: Sequence[Finding]) -> list[str]:
    """Severities that occur, most severe first (never alphabetical)."""
    present = {str(f.severity): severity_order(f.severity) for f in findings}
    return sorted(present, key=present.__getitem__)


def rule_titles(findings: Iterable[Finding]) -> dict[str, str]:
    return {f.rule: f"{f.title} ({f.rule})" for f in findings}


def group_by_rule(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings per rule: most severe rules first, then the rules with most findings."""
    groups: dict[str, list[Finding]] = {}
    for finding in sort_findings(findings):
        groups.setdefault(finding.rule, []).append(finding)
    return sorted(
        groups.items(),
        key=lambda item: (severity_order(item[1][0].severity), -len(item[1]), item[0]),
    )


def top_by_rule(findings: Iterable[Finding], n: int) -> pd.DataFrame:
    """The ``n`` most severe rules with how many findings each has (an overview, not a list)."""
    rows = [
        {
            "severity": str(items[0].severity),
            "finding": items[0].title,
            "how many": len(items),
            "for example": f"{label_short(items[0].element_label)} · "
            f"{items[0].element_name or items[0].element_id}",
        }
        for _, items in group_by_rule(findings)[:n]
    ]
    return pd.DataFrame(rows, columns=["severity", "finding", "how many", "for example"])


@dataclass(frozen=True)
class Summary:
    """What the Overview shows of a findings report: counts per severity (high first), the
    top rules (``top_by_rule`` rows) and the total — kept beside the full report, so a new
    process reads a few hundred bytes instead of every finding."""

    as_of: dt.date
    total: int
    counts: dict[str, int]
    top: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "counts": self.counts,
            "top": self.top,
        }


def summary(report: FindingsReport, n: int) -> Summary:
    counts = {str(severity): count for severity, count in report.counts().items()}
    top = top_by_rule(report.findings, n).to_dict("records")
    rows = [{str(k): v for k, v in row.items()} for row in top]
    return Summary(report.as_of, len(report.findings), counts, rows)


def severity_metrics(report: FindingsReport) -> None:
    """One coloured count per severity, high first."""
    severity_counts({str(s): n for s, n in report.counts().items()})


def severity_counts(counts: dict[str, int]) -> None:
    """:func:`severity_metrics` from counts per severity (high first)."""
    columns = st.columns(4)
    for column, (severity, n) in zip(columns, counts.items(), strict=False):
        name = str(severity)
        with column:
            st.badge(name.upper(), color=SEVERITY_COLOUR.get(name, "gray"))  # type: ignore[arg-type]
            st.metric(f"{name} findings", n, label_visibility="collapsed")


def waiver_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["rule", "element", "reason", "owner", "review by"])
