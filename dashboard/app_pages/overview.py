"""Overview: who the controller is, what the record holds, and what needs attention first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, findings_view, overview_data, page_queries, tables, widgets
from graph.visual import field_name, label_plural
from graph.visual.drawing import LABEL_ORDER

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
                    ("country", tables.text(row["countryName"])),
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
    with st.spinner("Running the compliance rules (once per loaded record)…"):
        summary = overview_data.findings_summary(current, TOP_FINDINGS)
    if isinstance(summary, data.Unavailable):
        widgets.unavailable("Findings", summary.reason)
        return
    findings_view.severity_counts(summary.counts)
    widgets.table(
        pd.DataFrame(summary.top, columns=["severity", "finding", "how many", "for example"])
    )
    st.caption(
        f"{summary.total} finding(s) as of {summary.as_of.isoformat()}; "
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
    # Counted in the store: the full transfers table is 10^5 rows at group scale (issue 15).
    n_transfers, countries = data.transfer_totals(current)
    metrics = st.columns(5)
    metrics[0].metric("Activities", counts.get("Activity", 0))
    metrics[1].metric("Data categories", counts.get("DataCategory", 0))
    metrics[2].metric("Recipients", counts.get("Recipient", 0))
    metrics[3].metric("Third-country transfers", n_transfers)
    metrics[4].metric("Destination countries", len(countries))
    if countries:
        st.caption(
            "Transfers go to: "
            + ", ".join(tables.country_names(countries))
            + " (details on Transfers)."
        )

    # The findings go here on the page but are filled in last: on a large record the rules
    # take seconds the first time, and the figures below need not wait for them.
    findings_slot = st.container()

    left, right = st.columns(2)
    with left:
        st.subheader("Activities per lawful basis")
        [[without, as_processor]] = data.run_cypher(current, page_queries.BASIS_GAPS).rows
        [[vague]] = data.run_cypher(current, page_queries.VAGUE_BASIS_COUNT).rows
        chart_data = tables.basis_chart_from_counts(
            data.catalog(current, "basis-summary"),
            int(without or 0),
            int(as_processor or 0),
            int(vague or 0),
        )
        widgets.basis_chart(chart_data, key="overview_basis_chart", height=320)
    with right:
        st.subheader("What the record holds")
        holds = [
            (label_plural(label).capitalize(), n)
            for label, n in sorted(counts.items(), key=lambda item: LABEL_ORDER.get(item[0], 99))
            if label != "Record"
        ]
        widgets.table(pd.DataFrame(holds, columns=["", "how many"]))

    records = current.info.get("records")
    with st.expander("About the loaded records" if records else "About the loaded record"):
        if isinstance(records, list):
            widgets.table(pd.DataFrame(records, columns=["id", "name", "version", "contentHash"]))
        widgets.table(
            pd.DataFrame(
                [
                    (field_name(k), str(v))
                    for k, v in current.info.items()
                    if v is not None and not (records and k in ("records", "contentHash"))
                ]
                + [("store", current.source.title)],
                columns=["", "value"],
            )
        )

    with findings_slot:
        _findings(current)


main()
