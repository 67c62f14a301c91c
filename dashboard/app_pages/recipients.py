"""Recipients & sources: who receives what and why, and where each kind of data comes from."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import data, page_queries, paged, tables, widgets
from graph.queries import get_query

# Above this many activities no data category is pre-selected (its answer is built once chosen).
ON_DEMAND_ABOVE = 300


def main() -> None:
    current = widgets.page_header(
        "Recipients & sources",
        "Who receives personal data, in which role, what they receive and why; and where "
        "each category of data comes from.",
    )
    categories = data.catalog(current, "data-categories")
    category_names = tables.id_names(categories, "categoryId", "category")
    recipients = data.catalog(current, "recipients")

    st.header("Who receives what, and why")
    # One page of disclosures per kind, read from the store: 10^5 of them at group scale.
    blocks = paged.disclosure_blocks(current)
    codes = paged.disclosure_countries(blocks)
    places = dict(zip(codes, tables.country_names(codes), strict=True))
    wanted = st.multiselect(
        "Recipient's country",
        sorted(codes, key=places.__getitem__),
        format_func=places.__getitem__,
        placeholder="any",
        key="recipients_countries",
    )
    kinds = tables.group_kinds(str(k) for k in recipients["kind"])
    for kind in kinds:
        named = recipients[recipients["kind"] == kind]["recipient"].drop_duplicates()
        st.subheader(f"{tables.RECIPIENT_KIND_TITLES.get(kind, kind)} — {len(named)}")
        widgets.store_table(
            partial(paged.disclosures_page, current, blocks, kind, wanted),
            key=f"recipients_kind_{kind}",
            shape=lambda of_kind: tables.disclosures_table(of_kind, category_names),
            empty=(
                "None in the chosen countries."
                if wanted
                else "Recorded, but no activity discloses to them: "
                + "; ".join(widgets.md(n) for n in named)
            ),
        )

    with st.expander(get_query("recipients").question):
        widgets.table(recipients)

    st.header("Where data comes from")
    widgets.table(data.cypher_frame(current, page_queries.SOURCES_BY_CATEGORY))

    st.subheader("One data category: its sources and its recipients")
    # Who receives a category is read from every disclosure: on a large record that is done
    # for the category the person picks, not for the first one on opening.
    large = data.label_counts(current).get("Activity", 0) > ON_DEMAND_ABOVE
    chosen = st.selectbox(
        "Data category",
        list(category_names),
        index=None if large else 0,
        placeholder="Choose a data category",
        format_func=lambda c: category_names.get(c, c),
        key="recipients_category",
    )
    if chosen is None and category_names:
        st.caption("Choose a data category to see where it comes from and who receives it.")
    if chosen:
        left, right = st.columns(2)
        with left:
            st.caption(get_query("sources-of").question)
            widgets.catalog_table(
                current, "sources-of", key="recipients_sources_of", category=chosen
            )
        with right:
            st.caption(get_query("who-receives").question)
            widgets.catalog_table(
                current, "who-receives", key="recipients_who_receives", category=chosen
            )


main()
