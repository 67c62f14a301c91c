"""Graph stores: where the built graph lives so people can ask it questions in Cypher.

``base`` holds the protocol every store implements, ``embedded`` the default store (ladybug, no
server), ``neo4j_store``/``neo4j_sync`` the Neo4j backend, ``readonly`` the guard for
user-written Cypher and ``neo4j_export`` the offline Neo4j files. :func:`open_graph_store` is the
one place that chooses a backend by name.
"""

from __future__ import annotations

from pathlib import Path

from graph.stores.base import (
    DEFAULT_TIMEOUT_MS,
    GraphStore,
    LoadReport,
    Progress,
    QueryResult,
    StoreError,
    default_store_path,
    label_counts,
)
from graph.stores.embedded import EmbeddedStore, schema_ddl

STORE_KINDS = ("embedded", "neo4j")


def open_graph_store(kind: str = "embedded", path: Path | str | None = None) -> GraphStore:
    """The store named ``kind``: 'embedded' (file at ``path``) or 'neo4j' (NEO4J_* variables)."""
    if kind == "embedded":
        return EmbeddedStore(path)
    if kind == "neo4j":
        from graph.stores.neo4j_store import open_neo4j_store

        store: GraphStore = open_neo4j_store()
        return store
    raise StoreError(f"unknown store '{kind}': use 'embedded' or 'neo4j'")


__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "STORE_KINDS",
    "EmbeddedStore",
    "GraphStore",
    "LoadReport",
    "Progress",
    "QueryResult",
    "StoreError",
    "default_store_path",
    "label_counts",
    "open_graph_store",
    "schema_ddl",
]
