"""Cypher console: read-only queries of your own, starting from the catalog's examples."""

from __future__ import annotations

import streamlit as st

from dashboard import console, data, widgets
from dashboard.downloads import csv_bytes
from graph.queries import CATALOG
from graph.visual import result_node_keys, view_of

EXAMPLE = "example"
TEXT = "console_cypher"
TIMEOUT = "console_timeout"
LAST_RUN = "console_last_run"
START = "MATCH (a:Activity)-[:RELIES_ON]->(b:LawfulBasis)\nRETURN a, b\nLIMIT 25"


def _use_example() -> None:
    name = st.session_state.get(EXAMPLE)
    if name in CATALOG:
        st.session_state[TEXT] = CATALOG[name].cypher.strip()


def main() -> None:
    current = widgets.page_header(
        "Cypher console",
        "Ask the graph your own question in Cypher. Queries are read-only: CREATE, MERGE, SET, "
        "DELETE, file access (LOAD FROM, COPY … TO) and the like are refused (change the "
        f"record's YAML instead). At most {console.ROW_CAP:,} rows are shown.",
    )
    st.session_state.setdefault(TEXT, START)
    st.selectbox(
        "Start from a catalog query",
        [None, *CATALOG],
        key=EXAMPLE,
        on_change=_use_example,
        format_func=lambda n: "—" if n is None else f"{n}: {CATALOG[n].question}",
    )
    cypher = st.text_area("Cypher", key=TEXT, height=200)
    params = {}
    for name in console.parameter_names(cypher or ""):
        hint = next((q.params[name] for q in CATALOG.values() if name in q.params), "")
        params[name] = st.text_input(f"${name}", key=f"console_param_{name}", help=hint or None)
    timeout = st.number_input(
        "Time limit (seconds)",
        min_value=1,
        max_value=console.MAX_TIMEOUT_S,
        value=console.DEFAULT_TIMEOUT_S,
        key=TIMEOUT,
    )
    if st.button("Run", type="primary"):
        st.session_state[LAST_RUN] = (cypher or "", dict(params), float(timeout))
    last = st.session_state.get(LAST_RUN)
    if not last:
        return
    text, given, limit = last
    with st.spinner("Running the query…"):
        outcome = console.run(current, text, given, limit)
    if outcome.refused:
        st.error(outcome.refused)
        return
    if outcome.error or outcome.result is None:
        st.error(f"The query failed: {outcome.error}")
        return
    result = outcome.result
    st.caption(f"{len(result.rows)} row(s) in {result.elapsed_ms:.0f} ms")
    if result.truncated:
        st.warning(
            f"Only the first {console.ROW_CAP:,} rows are shown (the console's row cap). "
            "Add LIMIT, a WHERE clause or an aggregation (count, collect) to see what you need."
        )
    widgets.table(console.display_frame(result), plain=False, paged=False)
    st.download_button(
        "Download CSV",
        csv_bytes(result.columns, result.rows),
        file_name="ropagraph-query.csv",
        mime="text/csv",
    )
    keys = result_node_keys(result.rows)
    if keys:
        st.subheader("The result as a graph")
        with st.spinner("Drawing the result…"):
            drawn = view_of(data.graph(current), keys)
        widgets.draw(drawn, height=480, title="Query result")


main()
