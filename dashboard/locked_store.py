"""A store shared by every browser session of one dashboard process.

Streamlit runs each session in its own thread, but the process holds a single store (one
embedded database handle, or one Neo4j driver). The embedded store reopens its handle when a
load swaps a new database in, which must not happen while another thread is mid-query, so the
app's own (catalog) queries go through one lock; they are short and cached per content hash.
User-written console queries never take that lock: they run in a worker process of their own
(:mod:`graph.stores.sandbox`), so one person's slow query does not hold up anyone else.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from graph.build import Graph
from graph.stores import DEFAULT_TIMEOUT_MS, GraphStore, LoadReport, Progress, QueryResult
from graph.stores.sandbox import Limits, run_user_query

RECORD_INFO_CYPHER = (
    "MATCH (r:Record) RETURN r.id AS id, r.name AS name, r.version AS version, "
    "r.contentHash AS contentHash"
)


class LockedStore:
    """Wraps any :class:`GraphStore` so concurrent sessions take turns."""

    def __init__(self, inner: GraphStore, description: str) -> None:
        self.inner = inner
        self.description = description
        """Where the data lives, for messages (a path or 'Neo4j'); never credentials."""
        self._lock = threading.RLock()

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport:
        with self._lock:
            return self.inner.load(graph, progress)

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> QueryResult:
        with self._lock:
            return self.inner.query(cypher, params, timeout_ms)

    def query_untrusted(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
    ) -> QueryResult:
        """A user-written query, without the lock (the worker reads the file, not our handle)."""
        return run_user_query(self.inner, cypher, params, limits)

    def record_info(self) -> dict[str, Any] | None:
        """The Record node (id, name, version, contentHash, and loadedAt where known)."""
        with self._lock:
            own = getattr(self.inner, "record_info", None)
            if callable(own):
                info: dict[str, Any] | None = own()
                return info
            records = self.inner.query(RECORD_INFO_CYPHER).records()
            return records[0] if records else None

    def close(self) -> None:
        with self._lock:
            self.inner.close()
