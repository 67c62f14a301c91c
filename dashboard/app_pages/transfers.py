"""Transfers: what personal data leaves the controller's country, to whom, under which tool."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data, page_queries, tables, widgets
from dashboard.geo import flow_map
from graph.queries import get_query


def main() -> None:
    current = widgets.page_header(
        "Transfers",
        "Personal data that leaves the controller's country: which activity, which data, "
        "which recipient, where to, and the transfer tool the record states.",
    )
    today = dt.date.today()
    transfers = data.catalog(current, "third-country-transfers")
    categories = data.catalog(current, "data-categories")
    category_names = tables.id_names(categories, "categoryId", "category")
    controller = data.cypher_frame(current, page_queries.CONTROLLER)
    origin = str(controller["country"].iloc[0]) if not controller.empty else ""
    origin_name = str(controller["countryName"].iloc[0]) if not controller.empty else origin

    n, countries = tables.count_transfers(transfers)
    left, right = st.columns(2)
    left.metric("Third-country transfers", n)
    right.metric("Destination countries", len(countries))

    st.subheader(get_query("third-country-transfers").question)
    if transfers.empty:
        st.success(f"No transfer outside {origin_name} is recorded.")
    else:
        widgets.table(tables.transfers_table(transfers, category_names, today))
        st.caption(
            f"The status of each mechanism on {today.isoformat()} comes from the dated "
            "reference data (data/reference/transfer_mechanisms.yaml); its source is listed."
        )

        st.subheader("Where the data goes")
        outlines = st.toggle(
            "Draw coastlines and borders (plotly downloads them from cdn.plot.ly: needs internet)",
            value=False,
        )
        figure, missing = flow_map(
            origin, origin_name, tables.transfer_flows(transfers, today), outlines=outlines
        )
        st.plotly_chart(figure, config={"displaylogo": False})
        st.caption(
            "Lines run from the controller's country to each recipient country, one colour per "
            "mechanism; dotted lines are mechanisms no longer in force. Without outlines each "
            "dot is a country (positions: IANA time zone database)."
        )
        if missing:
            st.caption("Not on the map (no coordinates known): " + ", ".join(missing))

    st.subheader("What goes to a recipient?")
    recipients = data.catalog(current, "recipients").drop_duplicates("recipientId")
    names = tables.id_names(recipients, "recipientId", "recipient")
    abroad = list(dict.fromkeys(str(r) for r in transfers.get("recipientId", [])))
    order = abroad + sorted((r for r in names if r not in abroad), key=lambda r: names[r].lower())
    chosen = st.selectbox(
        "Recipient", order, format_func=lambda r: names.get(r, r), key="transfers_recipient"
    )
    if chosen:
        detail = recipients[recipients["recipientId"] == chosen].iloc[0]
        st.caption(
            f"{widgets.md(detail['recipient'])}: {widgets.md(detail['kind'])}, located in "
            f"{widgets.md(tables.text(detail['country'], 'an unstated country'))}"
        )
        widgets.table(data.catalog(current, "what-goes-to", recipient=chosen))


main()
