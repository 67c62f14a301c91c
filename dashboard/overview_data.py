"""The Overview's findings figures: counts per severity and the top rules (issue 15).

At 100,000 activities a findings report has tens of thousands of findings; the Overview shows
a handful of numbers from it. Those are kept beside the full report (dashboard/findings_cache.py)
so a new dashboard process reads a few hundred bytes; when nothing is kept yet they are made
from the report (``data``'s, run once per store generation and date) and kept.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.findings_view import Summary
from graph.stores import StoreError


@st.cache_resource(show_spinner=False, max_entries=16)
def _summary_cached(kind: str, db: str, digest: str, as_of: str, top: int) -> Summary:
    """The Overview's figures from the findings: from the summary kept beside an embedded
    store when there is one, else from the (cached) full report, then kept."""
    from dashboard import findings_cache, findings_view

    day = dt.date.fromisoformat(as_of)
    folder = findings_cache.folder_of(db) if kind == "embedded" and db and digest else None
    key = findings_cache.entry_key(digest, day, findings_cache.rules_version())
    if folder is not None and (kept := findings_cache.read_summary(folder, key)) is not None:
        return kept
    report = data.findings_report(kind, db, digest, as_of)
    made = findings_view.summary(report, top)
    if folder is not None and not report.errors:
        findings_cache.write_summary(folder, key, made)
    return made


def findings_summary(current: data.Loaded, top: int) -> Summary | data.Unavailable:
    """Counts per severity and the ``top`` rules of today's findings (the Overview), without
    reading every finding when they are kept beside the store."""
    missing = data.findings_available()
    if missing is not None:
        return missing
    day = dt.date.today().isoformat()
    source = current.source
    try:
        return _summary_cached(source.kind, source.db, current.content_hash, day, top)
    except StoreError as exc:
        return data.Unavailable(f"the findings could not be computed: {exc}")
