"""Compliance findings: general rules over the processing graph, backed by dated legal data.

Each rule is a readable Cypher query plus a judge that applies reference data (data/reference/)
for an evaluation date, so a DPO sees, with the article and the source, what a regulator would
question — and can replay the law as it stood on an earlier day.

    from graph.findings import RULES, Severity, run_findings
    report = run_findings(store)                      # today's law
    report = run_findings(store, as_of=date(2020, 1, 1), rules=["TRANSFER-INVALID-MECHANISM"])
"""

from graph.findings.catalog import RULES
from graph.findings.engine import run_findings, select_rules
from graph.findings.model import Finding, FindingsReport, Rule, Severity

__all__ = ["RULES", "Finding", "FindingsReport", "Rule", "Severity", "run_findings", "select_rules"]
