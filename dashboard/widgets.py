"""Building blocks every page uses: the header with the loaded record, tables, the graph frame.

Record text reaches the screen only through tables, metrics and markdown with every
punctuation character escaped, never through ``unsafe_allow_html``: a record is authored text,
and a name like ``*[click](http://…)*`` must read as written, not become a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, downloads
from dashboard.data import Loaded, NotLoaded
from dashboard.graph_html import render_html
from graph.visual import View, field_name, label_short

PAGE_ROWS = 50
"""Rows per page of a paged table: enough to scan, small enough to print."""

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
        st.caption(f"Records: {names}{md(loaded_at)}{upload}")
        st.warning(
            f"This store holds {len(records)} records; the pages show them together. Keep one "
            "record per Neo4j database (NEO4J_DATABASE) for answers about one record."
        )
        return current
    version = f" (version {info['version']})" if info.get("version") else ""
    st.caption(f"Record: **{md(current.name)}**{md(version)}{md(loaded_at)}{upload}")
    return current


def basis_chart(chart_data: pd.DataFrame, *, key: str, height: int = 340) -> None:
    """Activities per lawful basis, horizontal bars, the 'no basis stated' gap in red."""
    import plotly.express as px

    from dashboard.tables import BASIS_COLOURS

    chart = px.bar(
        chart_data,
        x="activities",
        y="basis",
        orientation="h",
        text="activities",
        color="kind",
        color_discrete_map=BASIS_COLOURS,
    )
    chart.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        yaxis_title="",
        xaxis_title="activities",
        showlegend=False,
        yaxis={"categoryorder": "array", "categoryarray": list(chart_data["basis"])[::-1]},
    )
    st.plotly_chart(chart, config={"displaylogo": False}, key=key)


def label_text(label: str) -> str:
    """A graph label as people say it ('DataCategory' -> 'Data category')."""
    return label_short(label)


_CAMEL_ID = re.compile(r"^[a-z]+(?:[A-Z0-9][a-z0-9]*)+$")


def plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column headers in plain words: an ``xId`` column beside its ``x`` name column is dropped
    (the name says it), others are spelled out ('countryName' -> 'country name',
    'ref' -> 'where the source says it')."""
    columns = [str(c) for c in frame.columns]
    drop = [
        c
        for c in columns
        if len(columns) > 1
        and (c.endswith("Id") and (c[:-2] in columns or f"{c[:-2]}Name" in columns))
    ]
    shown = frame.drop(columns=drop)
    renamed = {}
    for column in map(str, shown.columns):
        if column.endswith("Id"):
            renamed[column] = f"{field_name(column[:-2])} (identifier)"
        elif _CAMEL_ID.match(column) or column in ("ref", "id"):
            renamed[column] = field_name(column)
    return shown.rename(columns=renamed)


def table(
    frame: pd.DataFrame,
    *,
    height: int | None = None,
    key: str | None = None,
    plain: bool = True,
    paged: bool = True,
) -> None:
    """An interactive table showing every row (up to 30 without scrolling inside it); above
    PAGE_ROWS rows it is paged, so nothing hides in a 10-row window. Headers are put in plain
    words unless ``plain`` is False (the console shows the user's own column names, all its
    rows up to its row cap, scrolling: ``paged=False``)."""
    if frame.empty:
        st.caption("(none)")
        return
    if plain:
        frame = plain_columns(frame)
    if paged and len(frame) > PAGE_ROWS:
        frame = _page(frame, key or _content_key(frame))
    rows_high = min(len(frame), 30) * 35 + 40
    st.dataframe(frame, hide_index=True, height=height if height else rows_high, key=key)


def catalog_table(
    current: Loaded,
    name: str,
    *,
    key: str,
    shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    empty: str | None = None,
    **params: Any,
) -> int:
    """A catalog query's answer paged *in the store*: only the shown page of rows is read back,
    with the exact number of rows counted by the store (``data.catalog_page``), and the same
    page picker as :func:`table`. ``shape`` turns the page's rows into what is shown. Returns
    the number of rows in all (what a page says about the whole answer)."""
    return store_table(
        lambda limit, skip: data.catalog_page(current, name, limit, skip, **params),
        key=key,
        shape=shape,
        empty=empty,
    )


def store_table(
    fetch: Callable[[int, int], tuple[pd.DataFrame, int]],
    *,
    key: str,
    shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    empty: str | None = None,
) -> int:
    """A table paged in the store: ``fetch(limit, skip)`` gives one page of rows and how many
    rows there are in all. Below PAGE_ROWS rows it looks exactly like :func:`table`; above, it
    has the same page picker and says which rows are shown of how many. ``empty``: the caption
    shown when there are no rows at all (else "(none)"). Returns the number of rows in all."""
    page_key = f"{key}-page"
    wanted = st.session_state.get(page_key, 1)
    page = int(wanted) if isinstance(wanted, int | float) and wanted >= 1 else 1
    rows, total = fetch(PAGE_ROWS, (page - 1) * PAGE_ROWS)
    pages = max(1, -(-total // PAGE_ROWS))
    if page > pages:  # the record shrank under a remembered page: show its last page
        page = st.session_state[page_key] = pages
        rows, total = fetch(PAGE_ROWS, (page - 1) * PAGE_ROWS)
    if total == 0 and empty is not None:
        st.caption(empty)
        return 0
    if total > PAGE_ROWS:
        left, right = st.columns([1, 4], vertical_alignment="bottom")
        left.number_input(f"Page (of {pages})", 1, pages, page, key=page_key)
        start = (page - 1) * PAGE_ROWS
        right.caption(f"Rows {start + 1:,}–{min(start + PAGE_ROWS, total):,} of {total:,}")
    table(shape(rows) if shape and not rows.empty else rows, key=key, paged=False)
    return total


def _content_key(frame: pd.DataFrame) -> str:
    """A widget key for a table without one: its columns, size and first row (two tables on a
    page with the same columns, e.g. one per recipient kind, get different keys)."""
    import hashlib

    seed = (
        "|".join(map(str, frame.columns))
        + f"|{len(frame)}|"
        + "|".join(map(str, frame.iloc[0].tolist()))
    )
    return "table-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:16]


def _page(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    pages = -(-len(frame) // PAGE_ROWS)
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    page = int(left.number_input(f"Page (of {pages})", 1, pages, 1, key=f"{key}-page"))
    start = (page - 1) * PAGE_ROWS
    right.caption(f"Rows {start + 1:,}–{min(start + PAGE_ROWS, len(frame)):,} of {len(frame):,}")
    return frame.iloc[start : start + PAGE_ROWS]


def paged_static_table(frame: pd.DataFrame, *, key: str) -> None:
    """A plain table (every row printed when the page is printed), paged above PAGE_ROWS."""
    if frame.empty:
        st.caption("(none)")
        return
    shown = _page(frame, key) if len(frame) > PAGE_ROWS else frame
    st.table(shown.reset_index(drop=True))


def paged_static_rows(total: int, rows: Callable[[int, int], pd.DataFrame], *, key: str) -> None:
    """:func:`paged_static_table` for ``total`` rows of which only the shown page is built
    (``rows(start, stop)``): the same picker, caption and printed table."""
    if total == 0:
        st.caption("(none)")
        return
    if total <= PAGE_ROWS:
        st.table(rows(0, total).reset_index(drop=True))
        return
    pages = -(-total // PAGE_ROWS)
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    page = int(left.number_input(f"Page (of {pages})", 1, pages, 1, key=f"{key}-page"))
    start = (page - 1) * PAGE_ROWS
    right.caption(f"Rows {start + 1:,}–{min(start + PAGE_ROWS, total):,} of {total:,}")
    st.table(rows(start, start + PAGE_ROWS).reset_index(drop=True))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as a spreadsheet-safe CSV download."""
    return downloads.csv_bytes(list(map(str, frame.columns)), frame.itertuples(index=False))


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


def text_preview(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters cut at the end of a line (never mid-line,
    so Markdown structure before the cut is kept); a single line longer than ``limit`` is cut
    at ``limit``."""
    if len(text) <= limit:
        return text
    return text[: text.rfind("\n", 0, limit) + 1 or limit]
