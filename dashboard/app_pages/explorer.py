"""Graph explorer: the processing graph drawn, filtered, and focused on one element."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, explorer_state, widgets
from graph.visual import (
    DEFAULT_MAX_NODES,
    ViewFilter,
    facets,
    focus_candidates,
    node_caption,
    node_fields,
    view,
)


def main() -> None:
    current = widgets.page_header(
        "Graph explorer",
        "Every element of the record and how personal data moves between them. Hover for "
        "details (and where the source says it), drag to move, scroll to zoom.",
    )
    with st.spinner("Reading the graph from the store (once per record)…"):
        graph = data.graph(current)
    options = facets(graph)
    state = st.session_state
    linked = st.query_params.get("focus")
    if linked:
        del st.query_params["focus"]
    focus = explorer_state.apply_focus_request(state, linked)
    if focus is not None and focus not in graph:
        st.warning(f"'{focus}' is not an element of this record.")
        state[explorer_state.FOCUS] = focus = None

    with st.sidebar:
        st.subheader("Focus")
        search = st.text_input("Find an element (name or id)", key=explorer_state.SEARCH)
        candidates = focus_candidates(graph, search)
        if focus and focus not in candidates:
            candidates.insert(0, focus)
        st.selectbox(
            "Focus on",
            [None, *candidates],
            key=explorer_state.FOCUS,
            format_func=lambda k: "— the whole graph —" if k is None else node_caption(graph, k),
        )
        hops = st.slider("Neighbourhood (hops)", 1, 3, 1, key=explorer_state.HOPS)
        st.subheader("Filters")
        labels = st.multiselect(
            "Only these labels", options.labels, key=explorer_state.LABELS, placeholder="all"
        )
        base_names = dict(options.lawful_bases)
        bases = st.multiselect(
            "Lawful basis",
            list(base_names),
            key=explorer_state.BASES,
            format_func=lambda b: base_names.get(b, b),
            placeholder="any",
        )
        kinds = st.multiselect(
            "Recipient kind", options.recipient_kinds, key=explorer_state.KINDS, placeholder="any"
        )
        country_names = dict(options.countries)
        countries = st.multiselect(
            "Country",
            list(country_names),
            key=explorer_state.COUNTRIES,
            format_func=lambda c: f"{country_names.get(c, c)} ({c})",
            placeholder="any",
        )
        hide_isolated = st.checkbox("Hide unconnected elements", value=True)

    chosen = state.get(explorer_state.FOCUS)
    flt = ViewFilter(
        labels=frozenset(labels),
        lawful_bases=frozenset(bases),
        recipient_kinds=frozenset(kinds),
        countries=frozenset(countries),
        focus=chosen if isinstance(chosen, str) else None,
        hops=hops,
        hide_isolated=hide_isolated,
        max_nodes=DEFAULT_MAX_NODES,
    )
    widgets.draw(view(graph, flt))

    if flt.focus:
        st.subheader(widgets.md(node_caption(graph, flt.focus)))
        details = node_fields(graph.nodes[flt.focus])
        widgets.table(pd.DataFrame(details, columns=["field", "value"]))


main()
