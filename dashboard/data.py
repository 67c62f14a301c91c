"""What the pages read, cached so that reruns do not reload or re-query anything.

One store per process and per source (``st.cache_resource``); query results are cached
(``st.cache_data``) under the content hash of the record the store holds, read fresh from the
Record node on every rerun. When the CLI loads a new record into the store, the hash changes,
the embedded store reopens on the swapped-in database, and every cached answer is simply a miss:
no stale data, no restart.

A session normally reads the default source (the store ``ropagraph dashboard`` loaded); after a
valid upload it reads its own temporary store instead (see :mod:`dashboard.uploads`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard.locked_store import LockedStore
from dashboard.settings import settings_from_env
from graph import stores
from graph.build import Graph
from graph.model import Record
from graph.queries import (
    PAGE_SIZE,
    TRANSFER_TOTALS,
    Query,
    count_cypher,
    get_query,
    page_cypher,
)
from graph.stores import (
    DEFAULT_TIMEOUT_MS,
    GraphStore,
    LoadReport,
    Progress,
    QueryResult,
    StoreError,
    open_graph_store,
)
from graph.stores.sandbox import Limits
from graph.visual import DEFAULT_MAX_NODES, View, graph_from_store
from graph.visual import graph_among as visual_graph_among
from graph.visual.aggregates import default_overview
from loaders import RecordInvalid, content_hash, record_files
from loaders.record_worker import read_record

if TYPE_CHECKING:
    from graph.findings import FindingsReport
    from graph.findings.waivers import WaiverOutcome

SOURCE_KEY = "ropagraph_source"


@dataclass(frozen=True)
class Source:
    """Where a session's data comes from: a store, and the record it was loaded from."""

    kind: str
    db: str
    """Embedded store path ('' for Neo4j)."""
    record: str | None
    title: str
    uploaded: bool = False


@dataclass(frozen=True)
class Loaded:
    """A source whose store holds a record: what the pages work with."""

    source: Source
    info: dict[str, Any]

    @property
    def content_hash(self) -> str:
        return str(self.info.get("contentHash") or "")

    @property
    def name(self) -> str:
        return str(self.info.get("name") or self.info.get("id") or "record")


@dataclass(frozen=True)
class Unavailable:
    """A feature that cannot be shown, and why (shown to the user as is)."""

    reason: str


class NotLoaded(Exception):
    """The store cannot be read or holds no record; the message says what to do."""


# --------------------------------------------------------------------------- sources


def default_source() -> Source:
    settings = settings_from_env()
    record = str(settings.record) if settings.record else None
    if settings.store_kind == "neo4j":
        return Source("neo4j", "", record, "Neo4j (NEO4J_URI)")
    return Source("embedded", str(settings.db), record, str(settings.db))


def active_source() -> Source:
    chosen = st.session_state.get(SOURCE_KEY)
    return chosen if isinstance(chosen, Source) else default_source()


def use_source(source: Source | None) -> None:
    """Switch this session to ``source`` (None: back to the default store)."""
    if source is None:
        st.session_state.pop(SOURCE_KEY, None)
    else:
        st.session_state[SOURCE_KEY] = source


@st.cache_resource(show_spinner=False)
def _open_store(kind: str, db: str) -> LockedStore:
    if kind == "neo4j":
        from graph.stores.neo4j_store import open_neo4j_store

        # Never prompt: the server has no terminal to ask in. NEO4J_PASSWORD or a clear error.
        neo4j: GraphStore = open_neo4j_store(prompt=None)
        return LockedStore(neo4j, "Neo4j")
    return LockedStore(open_graph_store(kind, db or None), db)


def store_of(source: Source) -> LockedStore:
    try:
        return _open_store(source.kind, source.db)
    except StoreError as exc:
        raise NotLoaded(str(exc)) from None
    except ValueError as exc:  # the Neo4j driver's own check of NEO4J_URI
        raise NotLoaded(f"the Neo4j settings are not valid ({exc}): check NEO4J_URI") from None


def loaded(source: Source | None = None) -> Loaded:
    """The active source with its Record node, read fresh (a cheap query) on every rerun."""
    source = source or active_source()
    store = store_of(source)
    try:
        info = store.record_info()
    except StoreError as exc:
        raise NotLoaded(str(exc)) from None
    if not info and source.kind == "embedded" and not Path(source.db).exists():
        raise NotLoaded(f"no store at {source.db}: load a record with 'ropagraph load RECORD'")
    if not info:
        raise NotLoaded(
            f"the store {source.title} holds no record: load one with 'ropagraph load RECORD'"
        )
    return Loaded(source, info)


# --------------------------------------------------------------------------- queries


@st.cache_data(show_spinner=False, max_entries=512)
def _run_cached(
    kind: str,
    db: str,
    digest: str,
    cypher: str,
    params: tuple[tuple[str, Any], ...],
    timeout_ms: int,
) -> QueryResult:
    del digest  # part of the cache key only: a new record is a new key
    return _open_store(kind, db).query(cypher, dict(params), timeout_ms=timeout_ms)


def run_cypher(
    current: Loaded,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> QueryResult:
    """Run read-only Cypher (cached per record); raises WriteRefused or StoreError."""
    source = current.source
    items = tuple(sorted((params or {}).items()))
    return _run_cached(source.kind, source.db, current.content_hash, cypher, items, timeout_ms)


@st.cache_data(show_spinner=False, max_entries=64)
def _run_user_cached(
    kind: str,
    db: str,
    digest: str,
    cypher: str,
    params: tuple[tuple[str, Any], ...],
    limits: Limits,
) -> QueryResult:
    del digest  # part of the cache key only: a new record is a new key
    return _open_store(kind, db).query_untrusted(cypher, dict(params), limits)


def run_user_cypher(
    current: Loaded, cypher: str, params: Mapping[str, Any], limits: Limits
) -> QueryResult:
    """Run a person's own Cypher in the sandboxed worker (row cap, time limit, no files).

    Raises WriteRefused or StoreError; results are cached per record like the catalog's.
    """
    source = current.source
    items = tuple(sorted(params.items()))
    return _run_user_cached(source.kind, source.db, current.content_hash, cypher, items, limits)


def frame(result: QueryResult) -> pd.DataFrame:
    return pd.DataFrame(result.rows, columns=result.columns)


def catalog(current: Loaded, name: str, **params: Any) -> pd.DataFrame:
    """A catalog query's answer as a table."""
    query = get_query(name)
    return frame(run_cypher(current, query.cypher, query.bind(params)))


def cypher_frame(current: Loaded, cypher: str, **params: Any) -> pd.DataFrame:
    return frame(run_cypher(current, cypher, params))


# --------------------------------------------------------------------------- derived data


@st.cache_resource(show_spinner=False, max_entries=8)
def _graph_cached(kind: str, db: str, digest: str) -> Graph:
    del digest
    return graph_from_store(_open_store(kind, db))


def graph(current: Loaded) -> Graph:
    """The whole graph in the store (shared, read-only: never modify it)."""
    return _graph_cached(current.source.kind, current.source.db, current.content_hash)


def graph_among(current: Loaded, keys: Iterable[str]) -> Graph:
    """The nodes ``keys`` and the relationships among them (what a drawing of them needs),
    read from the store through the per-record query cache — not the whole graph."""
    return visual_graph_among(CachedQueries(current), keys)


@st.cache_resource(show_spinner=False, max_entries=16)
def _findings_cached(kind: str, db: str, digest: str, as_of: str) -> FindingsReport:
    """Once per process and store generation; for an embedded store also once across
    processes, from the JSON entry kept beside it (dashboard/findings_cache.py)."""
    from dashboard import findings_cache
    from graph.findings import run_findings

    day = dt.date.fromisoformat(as_of)
    folder = findings_cache.folder_of(db) if kind == "embedded" and db and digest else None
    key = findings_cache.entry_key(digest, day, findings_cache.rules_version())
    if folder is not None and (kept := findings_cache.read(folder, key)) is not None:
        return kept
    report = run_findings(_open_store(kind, db), as_of=day)
    if folder is not None and not report.errors:  # a rule that failed may succeed next time
        findings_cache.write(folder, key, report)
    return report


def findings_report(kind: str, db: str, digest: str, as_of: str) -> FindingsReport:
    """The findings of a store generation on ``as_of`` (cached; may raise StoreError)."""
    return _findings_cached(kind, db, digest, as_of)


def findings_available() -> Unavailable | None:
    """Why the findings cannot be shown (the rules are not installed), without running them."""
    try:
        import graph.findings  # noqa: F401 - only checking that the rules exist
    except ImportError as exc:
        return Unavailable(f"the findings rules (graph/findings.py) are not installed: {exc}")
    return None


def findings(current: Loaded, as_of: dt.date | None = None) -> FindingsReport | Unavailable:
    """The compliance findings on this record, or why they cannot be shown."""
    missing = findings_available()
    if missing is not None:
        return missing
    day = (as_of or dt.date.today()).isoformat()
    try:
        return _findings_cached(current.source.kind, current.source.db, current.content_hash, day)
    except StoreError as exc:
        return Unavailable(f"the findings could not be computed: {exc}")


@st.cache_data(show_spinner=False, max_entries=16)
def _waivers_text(path: str, mtime_ns: int) -> str:
    del mtime_ns  # cache key only: an edited file is read again
    return Path(path).read_text(encoding="utf-8")


def waived_findings(
    current: Loaded, report: FindingsReport
) -> tuple[WaiverOutcome | None, Unavailable | None]:
    """The report after the record's ``waivers.yaml`` (read fresh when it changes).

    Returns (outcome, None), or (None, why) when the waiver file is broken — the page then
    shows every finding and says why no waiver was applied.
    """
    from graph.findings.waivers import WaiverOutcome, apply_waivers, parse_waivers, waiver_file

    record_path = current.source.record
    found = waiver_file(Path(record_path)) if record_path else None
    if found is None:
        return WaiverOutcome(report), None
    try:
        waivers = parse_waivers(_waivers_text(str(found), found.stat().st_mtime_ns), found)
    except RecordInvalid as exc:
        return None, Unavailable("; ".join(str(p) for p in exc.problems))
    except OSError as exc:
        return None, Unavailable(f"cannot read {found}: {exc}")
    return apply_waivers(report, waivers), None


def _signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the record's files: cheap change detection."""
    files = record_files(path)
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


@st.cache_data(show_spinner=False, max_entries=16)
def _hash_cached(path: str, signature: tuple[tuple[str, int, int], ...]) -> str:
    del signature
    return content_hash(Path(path))


@st.cache_resource(show_spinner=False, max_entries=4)
def _record_cached(path: str, signature: tuple[tuple[str, int, int], ...]) -> Record | Unavailable:
    del signature
    try:  # the fast parser, in a worker process off the main thread (loaders.record_worker)
        return read_record(Path(path))
    except RecordInvalid as exc:
        return Unavailable(f"the record at {path} is not valid: {exc}")


@dataclass(frozen=True)
class RecordFile:
    """The record file behind the store: where it is, its content hash, whether it matches."""

    path: Path
    signature: tuple[tuple[str, int, int], ...]
    content_hash: str
    matches_store: bool


def record_file(current: Loaded) -> RecordFile | Unavailable:
    """The record's files (hashed, not parsed: parsing a large record takes seconds)."""
    path = current.source.record
    if not path:
        return Unavailable(
            "the dashboard was started without the record's path: start it with "
            "'ropagraph dashboard RECORD' (or set ROPAGRAPH_RECORD)"
        )
    try:
        signature = _signature(Path(path))
    except RecordInvalid as exc:
        return Unavailable(f"the record at {path} cannot be read: {exc}")
    digest = _hash_cached(path, signature)
    return RecordFile(Path(path), signature, digest, digest == current.content_hash)


def record(current: Loaded) -> Record | Unavailable:
    """The validated record behind the store (parsed once per version of its files)."""
    found = record_file(current)
    if isinstance(found, Unavailable):
        return found
    return _record_cached(str(found.path), found.signature)


def ropa_formats() -> dict[str, str] | Unavailable:
    """The ROPA export formats (format -> MIME type), or why exports are unavailable."""
    try:
        from graph.ropa import ROPA_MEDIA_TYPES
    except ImportError as exc:
        return Unavailable(f"the ROPA export (graph/ropa/export.py) is not installed: {exc}")
    return dict(ROPA_MEDIA_TYPES)


@st.cache_data(show_spinner=False, max_entries=32)
def _ropa_cached(digest: str, fmt: str, as_of: str, _record: Record, _findings: Any) -> bytes:
    from graph.ropa import export_ropa_bytes

    del as_of  # cache key only: the findings are computed for this date
    return export_ropa_bytes(_record, fmt, findings=_findings, content_hash=digest)


def ropa(
    current: Loaded, fmt: str, findings_report: FindingsReport | None = None
) -> bytes | Unavailable:
    """The ROPA document in ``fmt`` for the record behind the store (cached per content)."""
    found = record_file(current)
    if isinstance(found, Unavailable):
        return found
    rec = _record_cached(str(found.path), found.signature)
    if isinstance(rec, Unavailable):
        return rec
    as_of = findings_report.as_of.isoformat() if findings_report is not None else ""
    try:
        return _ropa_cached(found.content_hash, fmt, as_of, rec, findings_report)
    except ValueError as exc:  # RopaExportError: a refusal the user can act on (too-large DOCX)
        return Unavailable(str(exc))
    except Exception as exc:  # an exporter bug must not take the page down
        return Unavailable(f"the {fmt} export failed: {type(exc).__name__}: {exc}")


def clear_caches() -> None:
    """Forget every cached store, query and graph (tests; after deleting a temp store)."""
    st.cache_data.clear()
    st.cache_resource.clear()


class CachedQueries:
    """A read-only :class:`GraphStore` whose queries go through the per-record cache.

    Library functions that take a store (``label_counts``) then cost nothing on reruns.
    """

    def __init__(self, current: Loaded) -> None:
        self.current = current

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> QueryResult:
        return run_cypher(self.current, cypher, params, timeout_ms)

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport:
        raise StoreError("the dashboard never writes to a store: use 'ropagraph load'")

    def close(self) -> None:
        """Nothing to release: the shared store stays open for other sessions."""


def label_counts(current: Loaded) -> dict[str, int]:
    """Nodes per label of the loaded record, through the per-record query cache."""
    return stores.label_counts(CachedQueries(current))


# --------------------------------------------------------------------------- at scale
# Helpers for pages that must stay interactive at 100,000 activities: a table's first page
# with an exact count, and the explorer's first (aggregated) drawing from count() queries,
# neither of which reads the whole answer or the whole graph back into Python.


def catalog_page(
    current: Loaded, name: str | Query, limit: int = PAGE_SIZE, skip: int = 0, **params: Any
) -> tuple[pd.DataFrame, int]:
    """Rows ``skip``…``skip + limit`` of a catalog query (or of a dashboard query built the same
    way, ``page_queries``), and how many rows it has in all."""
    query = get_query(name) if isinstance(name, str) else name
    bound = query.bind(params)
    rows = frame(run_cypher(current, page_cypher(query, limit, skip), bound))
    total = int(run_cypher(current, count_cypher(query), bound).rows[0][0])
    return rows, total


def page_rows(
    current: Loaded, query: Query, limit: int = PAGE_SIZE, skip: int = 0, **params: Any
) -> pd.DataFrame:
    """Rows ``skip``…``skip + limit`` of ``query`` only (its count known otherwise)."""
    return frame(run_cypher(current, page_cypher(query, limit, skip), query.bind(params)))


@st.cache_resource(show_spinner=False, max_entries=8)
def _overview_cached(kind: str, db: str, digest: str, max_nodes: int) -> View | None:
    del digest
    return default_overview(_open_store(kind, db), max_nodes)


def explorer_overview(current: Loaded, max_nodes: int = DEFAULT_MAX_NODES) -> View | None:
    """The explorer's unfiltered drawing when it is aggregated (a large record), from counts in
    the store; None when the record is small enough to draw node by node from :func:`graph`."""
    source = current.source
    return _overview_cached(source.kind, source.db, current.content_hash, max_nodes)


def transfer_totals(current: Loaded) -> tuple[int, list[str]]:
    """Distinct (activity, recipient, country) flows abroad and the destination countries, as
    ``tables.count_transfers`` derives them from the full transfers table, counted in the store."""
    [[flows, countries]] = run_cypher(current, TRANSFER_TOTALS).rows
    return int(flows), sorted(str(c) for c in countries or [])
