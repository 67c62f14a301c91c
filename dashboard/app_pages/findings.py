"""Findings: what the compliance rules flag in this record, each linked to its element."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data, explorer_state, findings_view, widgets

EXPLORER_PAGE = "app_pages/explorer.py"


def main() -> None:
    current = widgets.page_header(
        "Findings",
        "What the rules flag in the record: most severe first, with why it matters, what to "
        "do, and where the source says it.",
    )
    as_of = st.date_input("Evaluate as of", value=dt.date.today(), key="findings_as_of")
    report = data.findings(current, as_of if isinstance(as_of, dt.date) else None)
    if isinstance(report, data.Unavailable):
        widgets.unavailable("Findings", report.reason)
        return

    counts = report.counts()
    for column, (severity, n) in zip(st.columns(max(len(counts), 1)), counts.items(), strict=False):
        column.metric(str(severity), n)
    for rule, message in sorted(report.errors.items()):
        st.warning(f"Rule '{rule}' could not run: {message}")

    ordered = findings_view.sort_findings(report.findings)
    left, middle, right = st.columns(3)
    severities = left.multiselect(
        "Severity",
        list(dict.fromkeys(str(f.severity) for f in ordered)),
        key="findings_severity",
        placeholder="any",
    )
    rules = middle.multiselect(
        "Rule", sorted({f.rule for f in ordered}), key="findings_rule", placeholder="any"
    )
    articles = right.multiselect(
        "Article",
        sorted({a for f in ordered for a in f.articles}),
        key="findings_article",
        placeholder="any",
    )
    shown = findings_view.filter_findings(ordered, severities, rules, articles)
    st.caption(f"{len(shown)} of {len(ordered)} finding(s) as of {report.as_of.isoformat()}")
    widgets.table(findings_view.findings_frame(shown))

    if shown:
        st.subheader("Show a finding's element in the graph")
        index = st.selectbox(
            "Finding",
            range(len(shown)),
            format_func=lambda i: findings_view.describe(shown[i]),
            key="findings_pick",
        )
        if st.button("Open in the graph explorer") and index is not None:
            explorer_state.request_focus(st.session_state, findings_view.element_key(shown[index]))
            st.switch_page(EXPLORER_PAGE)


main()
