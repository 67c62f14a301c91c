"""Graph explorer: how personal data flows, left to right, filtered and focused on one element."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, explorer_state, tables, widgets
from dashboard.graph_html import flow_height
from graph.visual import (
    DEFAULT_MAX_NODES,
    FLOW_LABELS,
    ViewFilter,
    facets,
    field_name,
    focus_candidates,
    label_name,
    node_caption,
    node_fields,
    view,
)

# Fields holding a country code, shown as the country's name.
PLACES = ("country", "location")

# Session key: the person asked for the filters and focus on a large record.
DETAIL = "explorer_detail_requested"

LAYOUTS = {
    "flow": "Data flow (left to right)",
    "free": "Everything (free layout)",
}


def _wants_detail(state: Any, linked: str | None) -> bool:
    """Whether this run needs the whole graph: the person asked to filter or focus, or another
    page (or a link) sent the explorer to one element."""
    return bool(
        linked
        or state.get(DETAIL)
        or state.get(explorer_state.REQUEST)
        or isinstance(state.get(explorer_state.FOCUS), str)
    )


def _count_overview(current: data.Loaded) -> bool:
    """Draw a large record's first view from ``count()`` queries in the store; False when the
    record is small enough to read the graph quickly (then the page reads it as before and
    opens on the data-flow layout, which groups by business function and needs the graph).

    Reading 10^6 relationships back to draw a dozen grouped nodes took most of a minute at
    100,000 activities (issue 15): the whole graph is read only once the person filters,
    focuses or asks for the data-flow layout.
    """
    with st.spinner("Counting the graph in the store…"):
        overview = data.explorer_overview(current)
    if overview is None or overview.matched <= explorer_state.COUNTED_ABOVE:
        return False
    st.info(
        f"This record has {overview.matched:,} connected elements, so the explorer first draws "
        "one node per kind of element, counted in the store. Filtering, focusing on one element "
        "or the data-flow layout read the whole graph from the store first, which takes a "
        "while at this size (once per record)."
    )
    if st.button("Filter, focus or lay out as a data flow", key="explorer_detail"):
        state = st.session_state
        state[DETAIL] = True
        st.rerun()
    widgets.draw(overview, height=640, layout="free")
    return True


def main() -> None:
    current = widgets.page_header(
        "Graph explorer",
        "Where personal data comes from, which activities use it, on what basis, who receives "
        "it and where it goes. Hover for details and where the source says it; scroll to zoom.",
    )
    state = st.session_state
    linked = st.query_params.get("focus")
    if not _wants_detail(state, linked) and _count_overview(current):
        return
    with st.spinner("Reading the graph from the store (once per record)…"):
        graph = data.graph(current)
    options = facets(graph)
    if linked:
        del st.query_params["focus"]
    focus = explorer_state.apply_focus_request(state, linked)
    if focus is not None and focus not in graph:
        st.warning(f"'{focus}' is not an element of this record.")
        state[explorer_state.FOCUS] = focus = None

    origin = state.get(explorer_state.ORIGIN)
    if origin and focus:
        page, title, about = origin
        st.info(f"Showing {widgets.md(about)} — highlighted with a yellow border.")
        if st.button(f"← Back to {title}", key="explorer_back"):
            state.pop(explorer_state.ORIGIN, None)
            st.switch_page(page)

    layout = st.radio(
        "Layout",
        list(LAYOUTS),
        format_func=LAYOUTS.__getitem__,
        horizontal=True,
        key=explorer_state.LAYOUT,
    )
    with st.sidebar:
        st.subheader("Focus")
        search = st.text_input("Find an element (name or identifier)", key=explorer_state.SEARCH)
        candidates = focus_candidates(graph, search)
        if focus and focus not in candidates:
            candidates.insert(0, focus)
        st.selectbox(
            "Focus on",
            [None, *candidates],
            key=explorer_state.FOCUS,
            format_func=lambda k: "— everything —" if k is None else node_caption(graph, k),
        )
        hops = st.slider("Steps around it", 1, 3, 1, key=explorer_state.HOPS)
        st.subheader("Filters")
        functions = st.multiselect(
            "Business function",
            options.business_functions,
            key=explorer_state.FUNCTIONS,
            placeholder="any",
        )
        country_names = dict(options.countries)
        countries = st.multiselect(
            "Country",
            list(country_names),
            key=explorer_state.COUNTRIES,
            format_func=lambda c: country_names.get(c, c),
            placeholder="any",
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
            "Kind of recipient",
            options.recipient_kinds,
            key=explorer_state.KINDS,
            format_func=widgets.kind_name,
            placeholder="any",
        )
        shown_by_default = (
            [lb for lb in options.labels if lb in FLOW_LABELS] if layout == "flow" else []
        )
        labels_key = f"{explorer_state.LABELS}_{layout}"
        state.setdefault(labels_key, shown_by_default)
        labels = st.multiselect(
            "Show only",
            options.labels,
            key=labels_key,
            format_func=label_name,
            placeholder="everything",
            help="The data-flow view leaves out systems, security, retention and the "
            "controller's laws and procedures; add them here.",
        )
        hide_isolated = st.checkbox("Hide unconnected elements", value=True)

    chosen = state.get(explorer_state.FOCUS)
    flt = ViewFilter(
        labels=frozenset(labels),
        lawful_bases=frozenset(bases),
        recipient_kinds=frozenset(kinds),
        countries=frozenset(countries),
        business_functions=frozenset(functions),
        focus=chosen if isinstance(chosen, str) else None,
        hops=hops,
        hide_isolated=hide_isolated,
        max_nodes=DEFAULT_MAX_NODES,
        layout=str(layout),
    )
    with st.spinner("Drawing…"):
        drawn = view(graph, flt)
    height = flow_height(drawn.visual) if layout == "flow" else 640
    widgets.draw(drawn, height=height, layout=str(layout))

    if flt.focus:
        st.subheader(widgets.md(node_caption(graph, flt.focus)))
        details = [
            (field_name(k), tables.country_names([v])[0] if k in PLACES else v)
            for k, v in node_fields(graph.nodes[flt.focus])
        ]
        widgets.table(pd.DataFrame(details, columns=["Field", "Value"]))


main()
