"""What every graph store offers (the protocol the CLI, dashboard and rules program against),
its result types, and the default place of the embedded store.

A store is a rebuildable cache of the record, never the record itself.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import platformdirs

from graph.build import Graph
from graph.schema import NODES

DEFAULT_TIMEOUT_MS = 30_000
Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as a load advances."""


def default_store_path() -> Path:
    """``$ROPAGRAPH_DB``, else the user's data folder (e.g. ~/.local/share/ropagraph/)."""
    env = os.environ.get("ROPAGRAPH_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("ropagraph")) / "store.lbug"


class StoreError(RuntimeError):
    """A store could not be opened, loaded or queried; the message says why in plain words."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    elapsed_ms: float = 0.0
    truncated: bool = False
    """True when a row cap stopped the rows short (user-written queries; see stores.sandbox)."""

    def records(self) -> list[dict[str, Any]]:
        """Rows as objects keyed by column name (the CLI's --json output)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class LoadReport:
    path: str
    nodes: int
    relationships: int
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)


class GraphStore(Protocol):
    """What the CLI, the dashboard and the rules need of a store, whatever the backend."""

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport: ...

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> QueryResult: ...

    def close(self) -> None: ...


RECORDS_CYPHER = (
    "MATCH (r:Record) RETURN r.id AS id, r.name AS name, r.version AS version, "
    "r.contentHash AS contentHash ORDER BY id"
)
"""Every Record node in a store: one per record loaded or pushed into it."""


def records_summary(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What a store holds, from its Record rows: the record itself when there is one.

    With several records (a Neo4j database can hold many), the summary names all of them
    (``id`` and ``name`` joined), lists each under ``records``, and its ``contentHash`` digests
    every record's hash, so anything cached under it is refreshed when any record changes.
    """
    if not records:
        return None
    if len(records) == 1:
        return dict(records[0])
    digest = hashlib.sha256()
    for row in records:
        digest.update(f"{row.get('id')}={row.get('contentHash')}\n".encode())
    return {
        "id": ", ".join(str(row.get("id")) for row in records),
        "name": " + ".join(str(row.get("name") or row.get("id")) for row in records),
        "version": None,
        "contentHash": digest.hexdigest(),
        "records": [dict(row) for row in records],
    }


def label_counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label, one count query per label of the schema (portable Cypher)."""
    return {
        spec.label: int(store.query(f"MATCH (n:{spec.label}) RETURN count(n) AS n").rows[0][0])
        for spec in NODES
    }
