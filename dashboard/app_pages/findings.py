"""Findings: what the compliance rules flag, grouped by rule, most severe first, one click from
each finding to its element in the graph explorer; accepted risks from the record's waivers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import data, explorer_state, findings_view, paged, widgets

if TYPE_CHECKING:
    from graph.findings import Finding, FindingsReport
    from graph.findings.waivers import WaiverOutcome

EXPLORER_PAGE = "app_pages/explorer.py"
THIS_PAGE = "app_pages/findings.py"
PER_PAGE = 10


def _show_in_graph(finding: Finding) -> None:
    about = (
        f"the finding “{finding.title}” on "
        f"{finding.element_label} · {finding.element_name or finding.element_id}"
    )
    explorer_state.request_focus(
        st.session_state,
        findings_view.element_key(finding),
        origin=(THIS_PAGE, "Findings", about),
    )


def _rule_group(rule: str, items: list[Finding], index: int) -> None:
    first = items[0]
    severity = str(first.severity)
    header = f"{first.title} — {len(items)}"
    with st.expander(
        f":{findings_view.SEVERITY_COLOUR[severity]}-background[{severity.upper()}] {header}",
        expanded=index < 3,
    ):
        st.markdown(f"**What to do:** {widgets.md(first.what_to_do)}")
        st.caption(
            f"Rule {widgets.md(rule)} · {widgets.md(', '.join(first.articles) or 'no article')}"
        )
        pages = max(1, -(-len(items) // PER_PAGE))
        page = 1
        if pages > 1:
            page = int(
                st.number_input(
                    f"Page (of {pages})", 1, pages, 1, key=f"findings_page_{rule}", width=160
                )
            )
        start = (page - 1) * PER_PAGE
        for offset, finding in enumerate(items[start : start + PER_PAGE]):
            left, right = st.columns([5, 1], vertical_alignment="center")
            with left:
                name = finding.element_name or finding.element_id
                st.markdown(
                    f"**{widgets.md(widgets.label_text(finding.element_label))}: "
                    f"{widgets.md(name)}**  \n*Why:* {widgets.md(finding.why)}"
                )
                if finding.ref:
                    st.caption(f"Where the source says it: {widgets.md(finding.ref)}")
            if right.button(
                "Show in graph",
                key=f"show_{rule}_{start + offset}",
                help="Open the graph explorer on this element, highlighted",
            ):
                _show_in_graph(finding)
                st.switch_page(EXPLORER_PAGE)


def _waivers(outcome: WaiverOutcome) -> None:
    from graph.findings.waivers import waiver_rows

    st.subheader("Accepted risks (waivers)")
    st.caption(
        "From waivers.yaml in the record's folder: each names a rule and an element, why the "
        "risk is accepted, who owns it and when to review it. A waived finding is hidden until "
        "its review date; after that it is shown again."
    )
    if outcome.waived:
        widgets.table(findings_view.waiver_frame(waiver_rows(outcome.waived)), key="waived")
    else:
        st.caption("No finding is waived on this date.")
    if outcome.expired:
        st.warning(
            f"{len(outcome.expired)} waiver(s) have passed their review date: those findings are "
            "shown again above."
        )
        widgets.table(findings_view.waiver_frame(waiver_rows(outcome.expired)), key="expired")
    if outcome.unused:
        st.info(
            "Waivers that match no finding (fixed since, or a typo in the rule or element): "
            + "; ".join(f"{w.rule} {w.element}" for w in outcome.unused)
        )


def main() -> None:
    current = widgets.page_header(
        "Findings",
        "What a regulator would question in this record, grouped by rule, most severe first: "
        "why, what to do, the articles, and where the source says it.",
    )
    as_of = st.date_input("Evaluate as of", value=dt.date.today(), key="findings_as_of")
    with st.spinner("Running the compliance rules…"):
        found = data.findings(current, as_of if isinstance(as_of, dt.date) else None)
    if isinstance(found, data.Unavailable):
        widgets.unavailable("Findings", found.reason)
        return
    outcome, broken = data.waived_findings(current, found)
    if broken is not None:
        st.error(f"The waiver file could not be read, so no waiver is applied: {broken.reason}")
    report: FindingsReport = outcome.report if outcome is not None else found

    findings_view.severity_metrics(report)
    for rule, message in sorted(report.errors.items()):
        st.warning(f"Rule '{rule}' could not run: {message}")

    ordered = findings_view.sort_findings(report.findings)
    left, middle, right = st.columns(3)
    severities = left.multiselect(
        "Severity",
        findings_view.severities_present(ordered),
        key="findings_severity",
        placeholder="any",
    )
    titles = findings_view.rule_titles(ordered)
    rules = middle.multiselect(
        "Rule",
        sorted({f.rule for f in ordered}),
        key="findings_rule",
        placeholder="any",
        format_func=lambda rule: titles.get(rule, rule),
    )
    articles = right.multiselect(
        "Article",
        sorted({a for f in ordered for a in f.articles}),
        key="findings_article",
        placeholder="any",
    )
    shown = findings_view.filter_findings(ordered, severities, rules, articles)
    functions = paged.business_functions(current)  # asked of the store, not the whole graph
    if functions:
        wanted = st.multiselect(
            "Business function", functions, key="findings_functions", placeholder="any"
        )
        if wanted:
            shown = paged.in_functions(current, shown, wanted)
    st.caption(f"{len(shown)} of {len(ordered)} finding(s) as of {report.as_of.isoformat()}")

    by_rule, as_table = st.tabs(["By rule", "As a table (prints, downloads)"])
    with by_rule:
        for index, (rule, items) in enumerate(findings_view.group_by_rule(shown)):
            _rule_group(rule, items, index)
    with as_table:
        st.download_button(
            "Download as CSV",
            lambda: widgets.csv_bytes(findings_view.findings_frame(shown)),  # built on a click
            file_name="findings.csv",
            mime="text/csv",
            key="findings_csv",
        )
        widgets.paged_static_rows(  # only the shown page made into a table
            len(shown),
            lambda start, stop: findings_view.findings_frame(shown[start:stop]),
            key="findings_table",
        )
    if outcome is not None:
        _waivers(outcome)


main()
