"""Building blocks every page uses: the header with the loaded record, tables, the graph frame.

Record text reaches the screen only through tables, metrics and markdown with every
punctuation character escaped, never through ``unsafe_allow_html``: a record is authored text,
and a name like ``*[click](http://…)*`` must read as written, not become a link.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.data import Loaded, NotLoaded
from dashboard.graph_html import render_html
from graph.visual import View

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^&\"'])")


def md(text: Any) -> str:
    """Record text made inert for st.markdown (every markdown/LaTeX character escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def page_header(title: str, intro: str | None = None) -> Loaded:
    """Title, intro and the loaded record; stops the page with advice when nothing is loaded."""
    st.title(title)
    if intro:
        st.caption(intro)
    try:
        current = data.loaded()
    except NotLoaded as exc:
        st.error(f"No record to show: {exc}")
        st.info(
            "Start the dashboard with a record: `ropagraph dashboard data/kynex`, or load one "
            "with `ropagraph load RECORD`, or upload one on the **Load a record** page."
        )
        st.stop()
    info = current.info
    loaded_at = f" · loaded {info['loadedAt']}" if info.get("loadedAt") else ""
    upload = " · uploaded in this session" if current.source.uploaded else ""
    records = info.get("records")
    if isinstance(records, list) and len(records) > 1:
        names = ", ".join(
            f"**{md(r.get('name') or r.get('id'))}** ({md(r.get('id'))}"
            + (f", version {md(r['version'])}" if r.get("version") else "")
            + ")"
            for r in records
        )
        st.caption(f"Records: {names}{md(loaded_at)}{upload} · store: {md(current.source.title)}")
        st.warning(
            f"This store holds {len(records)} records; the pages show them together. Keep one "
            "record per Neo4j database (NEO4J_DATABASE) for answers about one record."
        )
        return current
    version = f" (version {info['version']})" if info.get("version") else ""
    st.caption(
        f"Record: **{md(current.name)}**{md(version)}{md(loaded_at)}{upload} · "
        f"store: {md(current.source.title)}"
    )
    return current


def table(frame: pd.DataFrame, *, height: int | None = None, key: str | None = None) -> None:
    if frame.empty:
        st.caption("(none)")
        return
    st.dataframe(frame, hide_index=True, height=height if height else "auto", key=key)


def unavailable(feature: str, reason: str) -> None:
    st.warning(f"{feature} not available: {reason}")


def kind_name(kind: str) -> str:
    """'sub_processor' -> 'sub-processor' (recipient kinds as people say them)."""
    return KIND_NAMES.get(kind, kind.replace("_", " "))


KIND_NAMES = {
    "processor": "processor",
    "sub_processor": "sub-processor",
    "controller": "controller",
    "joint_controller": "joint controller",
    "public_authority": "public authority",
    "unspecified": "role not stated",
}


def draw(
    view: View, *, height: int = 620, title: str = "Processing graph", layout: str = "free"
) -> None:
    """Draw a view in an iframe, with what it stands for said above it."""
    if view.matched == 0 or view.missing_focus:
        st.info(view.message)
        if view.matched == 0:
            return
    elif view.aggregated:
        st.warning(view.message)
    else:
        st.caption(view.message)
    markup = render_html(view.visual, height=height, title=title, focus=view.focus, layout=layout)
    extra = 110 if layout == "flow" else 70  # legend (and column headings) above the canvas
    st.iframe(markup, height=height + extra, alt=title)
