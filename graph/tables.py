"""The graph as column tables (Apache Arrow): one per node label and relationship endpoint pair.

A store bulk-loads tables (ladybug's ``COPY … FROM`` an Arrow table), so the fastest way from a
validated record to a store skips the networkx graph altogether: :func:`build_tables` walks the
record with the very same builder as :func:`graph.build.build_graph` (``graph.build.emit``) and
collects rows straight into per-table lists. At 100,000 activities (1.6 M relationships) that
saves building a networkx graph and then reading it back (see benchmarks/README.md).

:func:`tables_from_graph` turns an already built networkx graph into the same tables, for the
callers that hold one. Both give identical tables — same rows, same properties, same order —
which ``tests/test_tables.py`` checks on Kynex and on a generated record.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from graph.build import Graph, emit, node_key
from graph.gcpause import gc_paused
from graph.model import Record, country_name
from graph.schema import NODE_SPECS, NODES, REL_SPECS, RELS, PropType

ARROW_TYPES: dict[PropType, pa.DataType] = {
    "STRING": pa.string(),
    "INT64": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "STRING[]": pa.list_(pa.string()),
}

RelTableKey = tuple[str, tuple[str, str]]
"""(relationship type, (source label, target label)): one table per endpoint pair."""


@dataclass
class GraphTables:
    """Column tables of a graph; each node table has every schema property of its label, each
    relationship table ``from``/``to`` ids and every schema property of its type."""

    nodes: dict[str, pa.Table]
    rels: dict[RelTableKey, pa.Table]

    @property
    def node_count(self) -> int:
        return sum(t.num_rows for t in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(t.num_rows for t in self.rels.values())

    def counts_by_label(self) -> dict[str, int]:
        """Nodes per label, as :func:`graph.build.counts_by_label` gives them."""
        return {k: t.num_rows for k, t in sorted(self.nodes.items()) if t.num_rows}

    def counts_by_type(self) -> dict[str, int]:
        """Relationships per type, as :func:`graph.build.counts_by_type` gives them."""
        counts: dict[str, int] = {}
        for (rel, _), table in self.rels.items():
            if table.num_rows:
                counts[rel] = counts.get(rel, 0) + table.num_rows
        return dict(sorted(counts.items()))


def build_tables(record: Record, content_hash: str | None = None) -> GraphTables:
    """The tables of ``record``'s graph, without building a networkx graph first."""
    with gc_paused():
        sink = _TableSink()
        emit(sink, record, content_hash)
        return sink.tables()


def tables_from_graph(graph: Graph) -> GraphTables:
    """The tables of an already built networkx graph."""
    with gc_paused():
        return _tables_from_graph(graph)


def _node_table(label: str, rows: list[dict[str, Any]]) -> pa.Table:
    spec = NODE_SPECS[label]
    return pa.table(
        {
            name: pa.array([row.get(name) for row in rows], type=ARROW_TYPES[t])
            for name, t in spec.properties.items()
        }
    )


def _rel_table(rel: str, items: list[tuple[str, str, dict[str, Any]]]) -> pa.Table:
    columns: dict[str, pa.Array] = {
        "from": pa.array([s for s, _, _ in items], type=pa.string()),
        "to": pa.array([t for _, t, _ in items], type=pa.string()),
    }
    for name, t in REL_SPECS[rel].properties.items():
        columns[name] = pa.array([d.get(name) for _, _, d in items], type=ARROW_TYPES[t])
    return pa.table(columns)


def _tables_from_graph(graph: Graph) -> GraphTables:
    by_label: dict[str, list[dict[str, Any]]] = {spec.label: [] for spec in NODES}
    for _, data in graph.nodes(data=True):
        by_label[data["label"]].append(data)
    by_rel: dict[RelTableKey, list[tuple[str, str, dict[str, Any]]]] = {
        (rel.type, pair): [] for rel in RELS for pair in rel.endpoints
    }
    labels = dict(graph.nodes(data="label"))
    for source, target, data in graph.edges(data=True):
        pair = (labels[source], labels[target])
        by_rel[(data["type"], pair)].append(
            (graph.nodes[source]["id"], graph.nodes[target]["id"], data)
        )
    return GraphTables(
        {label: _node_table(label, rows) for label, rows in by_label.items()},
        {key: _rel_table(key[0], items) for key, items in by_rel.items()},
    )


class _TableSink:
    """A :class:`graph.build.Sink` that keeps rows per table, as networkx would hold them.

    It mirrors networkx's semantics exactly so both paths give the same store: adding a node
    or relationship again updates its properties in place (no duplicate rows), nodes keep their
    insertion order, and relationships come out grouped by source node in node order (networkx
    iterates adjacency that way).
    """

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, dict[str, Any]]] = {spec.label: {} for spec in NODES}
        self._order: dict[str, dict[str, int]] = {spec.label: {} for spec in NODES}
        self._rels: dict[RelTableKey, dict[tuple[str, str], dict[str, Any]]] = {
            (rel.type, pair): {} for rel in RELS for pair in rel.endpoints
        }
        self._allowed = {spec.label: set(spec.properties) for spec in NODES}
        self._rel_allowed = {rel.type: set(rel.properties) for rel in RELS}
        self._counter = 0

    def node(self, label: str, node_id: str, name: str, **props: Any) -> str:
        unknown = set(props) - self._allowed[label]
        if unknown:  # a programming error: the schema and the builder disagree
            raise KeyError(f"{label} has no properties {sorted(unknown)} in graph.schema")
        clean = {k: v for k, v in props.items() if v is not None and v != []}
        rows = self._nodes[label]
        row = rows.get(node_id)
        if row is None:
            rows[node_id] = {"id": node_id, "name": name, **clean}
            self._order[label][node_id] = self._counter
            self._counter += 1
        else:
            row.update(id=node_id, name=name, **clean)
        return node_key(label, node_id)

    def edge(self, rel: str, source: str, target: str, **props: Any) -> None:
        source_label, _, source_id = source.partition(":")
        target_label, _, target_id = target.partition(":")
        if source_id not in self._nodes[source_label] or target_id not in self._nodes[target_label]:
            raise KeyError(f"{rel} refers to a node not in the graph: {source} -> {target}")
        pair = (source_label, target_label)
        table = self._rels.get((rel, pair))
        if table is None:
            raise KeyError(f"{rel} does not connect {pair} in graph.schema")
        if props:
            unknown = set(props) - self._rel_allowed[rel]
            if unknown:
                raise KeyError(f"{rel} has no properties {sorted(unknown)} in graph.schema")
            # as graph.build does: an empty list is no value
            clean = {k: v for k, v in props.items() if v is not None and v != []}
        else:
            clean = {}
        existing = table.get((source_id, target_id))
        if existing is None:
            table[(source_id, target_id)] = clean
        else:
            existing.update(clean)

    def contains(self, key: str) -> bool:
        label, _, node_id = key.partition(":")
        return node_id in self._nodes.get(label, {})

    def country(self, code: str) -> str:
        if code not in self._nodes["Country"]:
            self.node("Country", code, country_name(code))
        return node_key("Country", code)

    def tables(self) -> GraphTables:
        nodes = {
            label: _node_table(label, list(rows.values())) for label, rows in self._nodes.items()
        }
        rels = {}
        for key, table in self._rels.items():
            order = self._order[key[1][0]]
            items = [(s, t, props) for (s, t), props in table.items()]
            positions = [order[s] for s, _, _ in items]
            if any(a > b for a, b in itertools.pairwise(positions)):
                items.sort(key=lambda item: order[item[0]])  # stable: keeps per-source order
            rels[key] = _rel_table(key[0], items)
        return GraphTables(nodes, rels)
