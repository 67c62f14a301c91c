"""Transfers: what personal data leaves the controller's country, to whom, under which tool."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data, page_queries, paged, tables, widgets, world_map
from graph.queries import get_query


def main() -> None:
    current = widgets.page_header(
        "Transfers",
        "Personal data that leaves the controller's country: which activity, which data, "
        "which recipient, where to, and the transfer tool the record states.",
    )
    today = dt.date.today()
    categories = data.catalog(current, "data-categories")
    category_names = tables.id_names(categories, "categoryId", "category")
    controller = data.cypher_frame(current, page_queries.CONTROLLER)
    origin = str(controller["country"].iloc[0]) if not controller.empty else ""
    origin_name = str(controller["countryName"].iloc[0]) if not controller.empty else origin

    # Counted and grouped in the store: the transfers table is 10^5 rows at group scale.
    places_abroad = paged.transfer_places(current)
    n, countries = paged.transfer_totals(places_abroad)
    left, right = st.columns(2)
    left.metric("Third-country transfers", n)
    right.metric("Destination countries", len(countries))

    st.subheader(get_query("third-country-transfers").question)
    if places_abroad.empty:
        st.success(f"No transfer outside {origin_name} is recorded.")
    else:
        places = paged.destination_names(places_abroad)
        wanted = st.multiselect(
            "Destination country",
            sorted(places, key=lambda c: str(places[c])),
            format_func=lambda c: str(places.get(c, c)),
            placeholder="any",
            key="transfers_countries",
        )
        widgets.store_table(
            lambda limit, skip: paged.transfers_page(current, places_abroad, wanted, limit, skip),
            key="transfers_table",
            shape=lambda shown: tables.transfers_table(shown, category_names, today),
        )
        st.caption(
            f"The status of each mechanism on {today.isoformat()} comes from the dated "
            "reference data (data/reference/transfer_mechanisms.yaml); its source is listed."
        )

        st.subheader("Where the data goes")
        found = world_map.destinations(
            tables.map_transfers(paged.map_rows(places_abroad), today), today
        )
        figure = world_map.transfer_world_map(origin, origin_name, found, today)
        st.plotly_chart(figure, config={"displaylogo": False}, key="transfer_map")
        st.caption(
            f"Each destination is coloured by the weakest transfer tool the record states for "
            f"it on {today.isoformat()} (hover for the recipients). Country outlines: Natural "
            "Earth 1:110m via the world-atlas package, shipped with ropagraph (no internet)."
        )

    st.subheader("What goes to a recipient?")
    recipients = data.catalog(current, "recipients").drop_duplicates("recipientId")
    names = tables.id_names(recipients, "recipientId", "recipient")
    abroad = paged.recipients_abroad(places_abroad)
    seen = set(abroad)
    order = abroad + sorted((r for r in names if r not in seen), key=lambda r: names[r].lower())
    chosen = st.selectbox(
        "Recipient", order, format_func=lambda r: names.get(r, r), key="transfers_recipient"
    )
    if chosen:
        detail = recipients[recipients["recipientId"] == chosen].iloc[0]
        st.caption(
            f"{widgets.md(detail['recipient'])}: {widgets.md(detail['kind'])}, located in "
            f"{widgets.md(tables.text(detail['country'], 'an unstated country'))}"
        )
        widgets.store_table(  # the catalog's what-goes-to, found from the recipient first
            lambda limit, skip: data.catalog_page(
                current, page_queries.WHAT_GOES_TO, limit, skip, recipient=chosen
            ),
            key="transfers_what_goes",
        )


main()
