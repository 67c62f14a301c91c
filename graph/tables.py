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
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.build import Graph, emit
from graph.build_activity import (
    ACTIVITY_LINKS,
    ActivityLinks,
    activity_props,
    emit_activity,
    emit_cookies,
)
from graph.gcpause import gc_paused
from graph.model import Activity, Record, country_name
from graph.schema import NODE_SPECS, NODES, REL_SPECS, RELS, PropType
from graph.sink import node_key

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
        tables = sink.tables()
        # Freed while the collector still waits: the first collection after it resumes walks
        # every container still alive that was made while paused (~0.4 s for this sink at
        # 100k activities), and the tables themselves are Arrow buffers, not containers.
        del sink
    return tables


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


@dataclass
class _Bulk:
    """Relationship rows given as whole columns (:meth:`_TableSink.activities`): one list per end
    and per property, already free of repeats."""

    src: list[str]
    dst: list[str]
    props: dict[str, list[Any]] = field(default_factory=dict)
    in_order: bool = False
    """Known to be grouped by source in node order already (the activities' own links)."""

    def rows(self) -> list[tuple[str, str, dict[str, Any]]]:
        """The rows as (source, target, properties) items (when per-edge rows take over)."""
        names = list(self.props)
        return [
            (s, t, {n: v for n in names if (v := self.props[n][i]) is not None and v != []})
            for i, (s, t) in enumerate(zip(self.src, self.dst, strict=True))
        ]


class _TableSink:
    """A :class:`graph.build.Sink` that keeps rows per table, as networkx would hold them.

    It mirrors networkx's semantics exactly so both paths give the same store: adding a node
    or relationship again updates its properties in place (no duplicate rows), nodes keep their
    insertion order, and relationships come out grouped by source node in node order (networkx
    iterates adjacency that way). The activities' relationships (:meth:`activities`, the
    1.6 M an activity list makes at 100k activities) are appended as whole columns.
    """

    def __init__(self, check_ends: bool = True) -> None:
        self._check = check_ends
        """False for one file's activities alone (:func:`activity_fragment`): the nodes they link
        to are elsewhere, so their ids are checked when the fragments are put together."""
        self._nodes: dict[str, dict[str, dict[str, Any]]] = {spec.label: {} for spec in NODES}
        self._order: dict[str, dict[str, int]] = {spec.label: {} for spec in NODES}
        self._rels: dict[RelTableKey, dict[tuple[str, str], dict[str, Any]]] = {
            (rel.type, pair): {} for rel in RELS for pair in rel.endpoints
        }
        self._bulk: dict[RelTableKey, _Bulk] = {}
        self._allowed = {spec.label: set(spec.properties) for spec in NODES}
        self._rel_allowed = {rel.type: set(rel.properties) for rel in RELS}
        self._counter = 0

    def _check_node_props(self, label: str, props: dict[str, Any]) -> None:
        unknown = props.keys() - self._allowed[label] - {"id", "name"}
        if unknown:  # a programming error: the schema and the builder disagree
            raise KeyError(f"{label} has no properties {sorted(unknown)} in graph.schema")

    def node(self, label: str, node_id: str, name: str, **props: Any) -> str:
        self._check_node_props(label, props)
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
        if self._check and (
            source_id not in self._nodes[source_label] or target_id not in self._nodes[target_label]
        ):
            raise KeyError(f"{rel} refers to a node not in the graph: {source} -> {target}")
        key = (rel, (source_label, target_label))
        table = self._table(key)
        if key in self._bulk:  # rows came a list at a time: continue them one by one
            for s, t, values in self._bulk.pop(key).rows():
                table[(s, t)] = values
        if props:
            self._check_props(rel, props)
            # as graph.build does: an empty list is no value
            clean = {k: v for k, v in props.items() if v is not None and v != []}
        else:
            clean = {}
        existing = table.get((source_id, target_id))
        if existing is None:
            table[(source_id, target_id)] = clean
        else:
            existing.update(clean)

    def activities(self, activities: list[Activity], controller: str) -> None:
        ids = [act.id for act in activities]
        if self._nodes["Activity"] or len(set(ids)) != len(
            ids
        ):  # repeated ids: networkx's merging, edge by edge
            for act in activities:
                emit_activity(self, act, controller)
            return
        rows, order = self._nodes["Activity"], self._order["Activity"]
        for act in activities:  # as node(): activity_props gives no [] (no value is None)
            rows[act.id] = {"id": act.id, "name": act.name, **activity_props(act)}
            order[act.id] = self._counter
            self._counter += 1
        if activities:
            self._check_node_props("Activity", rows[ids[0]])
        for act in activities:
            if act.cookies:
                emit_cookies(self, act)
        controller_id = controller.partition(":")[2]
        performs = [controller_id] * len(ids)
        self._add_columns(("PERFORMS", ("Controller", "Activity")), performs, ids, None, True)
        for spec in ACTIVITY_LINKS:
            self._activity_links(spec, activities, ids)

    def _activity_links(
        self, spec: ActivityLinks, activities: list[Activity], ids: list[str]
    ) -> None:
        """One relationship type of every activity as whole columns (an activity naming the same
        thing twice makes the type go edge by edge: networkx merges repeats in place)."""
        items = list(map(spec.items, activities))
        targets = [list(map(spec.target, its)) for its in items] if spec.target else items
        if any(len(t) > 1 and len(set(t)) != len(t) for t in targets):
            for act, its, tgts in zip(activities, items, targets, strict=True):
                key = node_key("Activity", act.id)
                for item, target in zip(its, tgts, strict=True):
                    other = node_key(spec.label, target)
                    if spec.inbound:
                        self.edge(spec.rel, other, key)
                    else:
                        self.edge(spec.rel, key, other, **spec.values(act, item))
            return
        flat = [t for tgts in targets for t in tgts]
        owners = [i for i, tgts in zip(ids, targets, strict=True) for _ in tgts]
        props: dict[str, list[Any]] = {}
        if spec.props or spec.by_activity:
            flat_items = [item for its in items for item in its]
            every = {name: list(map(get, flat_items)) for name, get in spec.props.items()}
            if spec.by_activity:
                pairs = [(a, i) for a, its in zip(activities, items, strict=True) for i in its]
                for name, by in spec.by_activity.items():
                    every[name] = [by(a, i) for a, i in pairs]
            props = {name: every[name] for name in spec.names}
        if spec.inbound:
            self._add_columns((spec.rel, (spec.label, "Activity")), flat, owners, props)
        else:  # the activities are the sources, in node order
            self._add_columns((spec.rel, ("Activity", spec.label)), owners, flat, props, True)

    def _add_columns(
        self,
        key: RelTableKey,
        src: list[str],
        dst: list[str],
        props: dict[str, list[Any]] | None = None,
        in_order: bool = False,
    ) -> None:
        """Rows of a table no other call has touched (else edge by edge)."""
        table = self._table(key)
        if props:
            self._check_props(key[0], props)
        if table or key in self._bulk:
            for i, (s, t) in enumerate(zip(src, dst, strict=True)):
                values = {n: column[i] for n, column in (props or {}).items()}
                self.edge(key[0], node_key(key[1][0], s), node_key(key[1][1], t), **values)
            return
        if src:
            self._bulk[key] = _Bulk(src, dst, props or {}, in_order)

    def _table(self, key: RelTableKey) -> dict[tuple[str, str], dict[str, Any]]:
        table = self._rels.get(key)
        if table is None:
            raise KeyError(f"{key[0]} does not connect {key[1]} in graph.schema")
        return table

    def _check_props(self, rel: str, props: dict[str, Any]) -> None:
        unknown = props.keys() - self._rel_allowed[rel]
        if unknown:
            raise KeyError(f"{rel} has no properties {sorted(unknown)} in graph.schema")

    def _check_ends(
        self, rel: str, source_label: str, sources: list[str], target_label: str, targets: list[str]
    ) -> None:
        for label, ids in ((source_label, sources), (target_label, targets)):
            nodes = self._nodes[label]
            if not nodes.keys() >= set(ids):
                missing = [i for i in ids if i not in nodes]
                raise KeyError(f"{rel} refers to a node not in the graph: {label}:{missing[0]}")

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
            # alone, a fragment keeps links from nodes it does not hold in the order they came
            order = self._order[key[1][0]] if self._check or key[1][0] == "Activity" else None
            bulk = self._bulk.get(key)
            if bulk is not None:  # then the table has no per-edge rows (edge() takes them over)
                if self._check:
                    self._check_ends(key[0], key[1][0], bulk.src, key[1][1], bulk.dst)
                rels[key] = _bulk_table(key[0], bulk, order)
                continue
            items = [(s, t, props) for (s, t), props in table.items()]
            positions = [order[s] for s, _, _ in items] if order is not None else []
            if order is not None and any(a > b for a, b in itertools.pairwise(positions)):
                rank = order
                items.sort(key=lambda item: rank[item[0]])  # stable: keeps per-source order
            rels[key] = _rel_table(key[0], items)
        return GraphTables(nodes, rels)


def _bulk_table(rel: str, bulk: _Bulk, order: dict[str, int] | None) -> pa.Table:
    positions = [] if bulk.in_order or order is None else [order[s] for s in bulk.src]
    columns: dict[str, pa.Array] = {
        "from": pa.array(bulk.src, type=pa.string()),
        "to": pa.array(bulk.dst, type=pa.string()),
    }
    for name, t in REL_SPECS[rel].properties.items():
        values = bulk.props.get(name)
        if values is None:
            columns[name] = pa.nulls(len(bulk.src), type=ARROW_TYPES[t])
            continue
        if t == "STRING[]":  # an empty list is no value, as for per-edge rows
            values = [v or None for v in values]
        columns[name] = pa.array(values, type=ARROW_TYPES[t])
    table = pa.table(columns)
    if any(a > b for a, b in itertools.pairwise(positions)):
        # grouped by source node in node order (as networkx iterates); the sort is stable
        table = table.take(pc.sort_indices(pa.array(positions, type=pa.int64())))
    return table
