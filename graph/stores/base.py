"""What every graph store offers (the protocol the CLI, dashboard and rules program against),
its result types, and the default place of the embedded store.

A store is a rebuildable cache of the record, never the record itself.
"""

from __future__ import annotations

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


def label_counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label, one count query per label of the schema (portable Cypher)."""
    return {
        spec.label: int(store.query(f"MATCH (n:{spec.label}) RETURN count(n) AS n").rows[0][0])
        for spec in NODES
    }
