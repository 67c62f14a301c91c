"""Findings (graph/findings.py) as tables and filters: most severe first, linked to elements.

Severity order is the order the Severity enum declares (most severe first), so this module
needs no knowledge of the rules themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph.build import node_key

if TYPE_CHECKING:
    from graph.findings import Finding


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
                "element": f"{f.element_label} · {f.element_name or f.element_id}",
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
        f"{finding.element_label} · {finding.element_name or finding.element_id}"
    )
