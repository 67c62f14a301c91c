"""Overview: who the controller is, what the record holds, and what needs attention first."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import data, findings_view, page_queries, tables, widgets

TOP_FINDINGS = 5


def _controller(current: data.Loaded) -> None:
    controller = data.cypher_frame(current, page_queries.CONTROLLER)
    if controller.empty:
        st.warning("The record names no controller.")
        return
    row = controller.iloc[0]
    left, right = st.columns(2)
    with left:
        st.subheader("Controller")
        widgets.table(
            pd.DataFrame(
                [
                    ("name", row["name"]),
                    ("country", f"{tables.text(row['countryName'])} ({row['country']})"),
                    ("address", tables.text(row["address"])),
                    ("email", tables.text(row["email"])),
                    ("phone", tables.text(row["phone"])),
                    ("website", tables.text(row["website"])),
                    ("representative", tables.text(row["representativeName"])),
                    ("where the source says it", tables.text(row["ref"])),
                ],
                columns=["", "value"],
            )
        )
    with right:
        st.subheader("Data Protection Officer")
        widgets.table(
            pd.DataFrame(
                [
                    ("name", tables.text(row["dpoName"])),
                    ("role", tables.text(row["dpoRole"])),
                    ("email", tables.text(row["dpoEmail"])),
                    ("phone", tables.text(row["dpoPhone"])),
                    ("where the source says it", tables.text(row["dpoRef"])),
                ],
                columns=["", "value"],
            )
        )


def _findings(current: data.Loaded) -> None:
    st.subheader("Top findings")
    report = data.findings(current)
    if isinstance(report, data.Unavailable):
        widgets.unavailable("Findings", report.reason)
        return
    counts = report.counts()
    columns = st.columns(max(len(counts), 1))
    for column, (severity, n) in zip(columns, counts.items(), strict=False):
        column.metric(f"{severity}", n)
    top = findings_view.sort_findings(report.findings)[:TOP_FINDINGS]
    widgets.table(findings_view.findings_frame(top))
    st.caption(
        f"{len(report.findings)} finding(s) as of {report.as_of.isoformat()}; "
        "all of them, with filters, on the Findings page."
    )


def main() -> None:
    current = widgets.page_header(
        "Overview",
        "What the record of processing holds: who is responsible, what is processed and on "
        "which lawful basis, what leaves the country, and what needs attention.",
    )
    _controller(current)

    counts = data.label_counts(current)
    transfers = data.catalog(current, "third-country-transfers")
    n_transfers, countries = tables.count_transfers(transfers)
    metrics = st.columns(5)
    metrics[0].metric("Activities", counts.get("Activity", 0))
    metrics[1].metric("Data categories", counts.get("DataCategory", 0))
    metrics[2].metric("Recipients", counts.get("Recipient", 0))
    metrics[3].metric("Third-country transfers", n_transfers)
    metrics[4].metric("Destination countries", len(countries))
    if countries:
        st.caption("Transfers go to: " + ", ".join(countries) + " (details on Transfers).")

    _findings(current)

    left, right = st.columns(2)
    with left:
        st.subheader("Activities per lawful basis")
        bases = data.catalog(current, "basis-summary")
        bases["basis"] = [
            f"{n} ({a})" for n, a in zip(bases["name"], bases["article"], strict=True)
        ]
        chart = px.bar(bases, x="activities", y="basis", orientation="h", text="activities")
        chart.update_layout(height=320, margin={"l": 0, "r": 0, "t": 10, "b": 0}, yaxis_title="")
        st.plotly_chart(chart, config={"displaylogo": False})
    with right:
        st.subheader("Nodes per label")
        widgets.table(pd.DataFrame(sorted(counts.items()), columns=["label", "nodes"]), height=320)

    records = current.info.get("records")
    with st.expander("About the loaded records" if records else "About the loaded record"):
        if isinstance(records, list):
            widgets.table(pd.DataFrame(records, columns=["id", "name", "version", "contentHash"]))
        widgets.table(
            pd.DataFrame(
                [
                    (k, str(v))
                    for k, v in current.info.items()
                    if v is not None and not (records and k in ("records", "contentHash"))
                ],
                columns=["", "value"],
            )
        )


main()
