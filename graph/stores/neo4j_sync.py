"""Sync the processing graph into Neo4j: identity tags, batched MERGE statements, and removal of
what a record no longer holds.

Teams that already run Neo4j keep the graph beside their other graphs, so a push must never
touch data it did not write. Every node and relationship ropagraph writes carries two tags:
``ropagraphRecord`` (the Record id) and ``ropagraphUid`` (``"<record>:<id>"`` for nodes, unique
per label through a constraint; the full endpoint path for relationships). Two records can then
share a database without sharing vocabulary nodes (each has its own ``Country:GB``), a push can
remove exactly what its record no longer has, and the user-facing ``id`` stays the record's id,
so the catalog queries match by ``id`` unchanged.

A push is a sync: MERGE on the tag (idempotent, safe for the driver to retry), then delete what
the record's tag marks but the record no longer holds. The sync speaks Cypher through the small
:class:`CypherRunner` protocol, so the statements it sends can be exercised on any engine that
shares the dialect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph.build import Graph
from graph.schema import NODE_SPECS, NODES, REL_SPECS, RELS
from graph.stores.base import Progress, StoreError

TAG_RECORD = "ropagraphRecord"
TAG_UID = "ropagraphUid"
TAGS = frozenset({TAG_RECORD, TAG_UID})
"""Properties ropagraph adds to everything it writes; never part of a query result."""

_FROM = "ropagraphFrom"
_TO = "ropagraphTo"
"""Row keys carrying a relationship's endpoint uids (never stored)."""

DEFAULT_BATCH_SIZE = 1000
"""Rows per UNWIND statement and transaction. A Kynex-sized record (~140 nodes) is one batch per
label; a large record (tens of thousands of rows) makes a few dozen round trips. 1000 keeps each
transaction's memory small on a default-configured server and a driver retry cheap; raise it
with ``--batch-size`` on a fast network, lower it if the server's transaction memory is tight."""
logging.getLogger("neo4j").addHandler(logging.NullHandler())


# ------------------------------------------------------------------------------ identity


def record_id(graph: Graph) -> str:
    """The id of the graph's Record node: the tag that scopes a push."""
    ids = [data["id"] for _, data in graph.nodes(data=True) if data.get("label") == "Record"]
    if len(ids) != 1:
        raise StoreError(
            f"the graph has {len(ids)} Record nodes; a push needs exactly one to know which "
            "record it syncs"
        )
    return str(ids[0])


def node_uid(record: str, node_id: str) -> str:
    """Unique within a label (ids are slugs, so ':' cannot be ambiguous)."""
    return f"{record}:{node_id}"


def rel_uid(record: str, source: tuple[str, str], rel_type: str, target: tuple[str, str]) -> str:
    """Unique within a record: the graph holds at most one edge per type between two nodes."""
    return f"{record}:{source[0]}:{source[1]}-{rel_type}->{target[0]}:{target[1]}"


# ------------------------------------------------------------------------------ statements


def schema_statements() -> list[str]:
    """Constraints (the MERGE key, and what makes concurrent pushes safe) and id indexes."""
    statements = []
    for spec in NODES:
        label = spec.label
        statements.append(
            f"CREATE CONSTRAINT ropagraph_{label}_uid IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{TAG_UID} IS UNIQUE"
        )
        statements.append(
            f"CREATE INDEX ropagraph_{label}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)"
        )
    return statements


def node_merge_statement(label: str, keys: Sequence[str], rows: str, record: str) -> str:
    """MERGE a batch of ``label`` nodes; ``rows``/``record`` are a parameter or a literal.

    Every property of the label is SET: those the rows lack become null, which Neo4j treats as
    removal, so a property dropped from the record disappears on the next push.
    """
    spec = NODE_SPECS[label]
    present = set(keys)
    assignments = [f"n.{TAG_RECORD} = {record}"]
    for name in spec.properties:
        if name != "id":
            assignments.append(f"n.{name} = " + (f"row.{name}" if name in present else "null"))
    return (
        f"UNWIND {rows} AS row\n"
        f"MERGE (n:{label} {{{TAG_UID}: row.{TAG_UID}, id: row.id}})\n"
        f"SET {', '.join(assignments)}"
    )


def rel_merge_statement(
    rel_type: str, pair: tuple[str, str], keys: Sequence[str], rows: str, record: str
) -> str:
    """MERGE a batch of relationships between nodes of this record (matched by their uids)."""
    spec = REL_SPECS[rel_type]
    present = set(keys)
    assignments = [f"r.{TAG_RECORD} = {record}"]
    for name in spec.properties:
        assignments.append(f"r.{name} = " + (f"row.{name}" if name in present else "null"))
    return (
        f"UNWIND {rows} AS row\n"
        f"MATCH (a:{pair[0]} {{{TAG_UID}: row.{_FROM}}})\n"
        f"MATCH (b:{pair[1]} {{{TAG_UID}: row.{_TO}}})\n"
        f"MERGE (a)-[r:{rel_type} {{{TAG_UID}: row.{TAG_UID}}}]->(b)\n"
        f"SET {', '.join(assignments)}"
    )


@dataclass(frozen=True)
class NodeBatch:
    label: str
    keys: tuple[str, ...]
    """The properties every row carries (besides id and uid); one statement shape per batch."""
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class RelBatch:
    type: str
    pair: tuple[str, str]
    keys: tuple[str, ...]
    rows: list[dict[str, Any]]


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def node_batches(graph: Graph, record: str, batch_size: int) -> list[NodeBatch]:
    """Rows per label, grouped by which properties they carry (missing ones are never sent).

    Grouping keeps each statement's rows uniform, which engines with typed maps need and which
    lets the statement null exactly the properties the rows lack.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for _, data in sorted(
        graph.nodes(data=True), key=lambda item: (item[1]["label"], item[1]["id"])
    ):
        label = data["label"]
        spec = NODE_SPECS[label]
        keys = tuple(
            name
            for name in spec.properties
            if name != "id" and data.get(name) is not None and data.get(name) != []
        )
        row: dict[str, Any] = {TAG_UID: node_uid(record, data["id"]), "id": data["id"]}
        row.update({name: data[name] for name in keys})
        groups.setdefault((label, keys), []).append(row)
    batches: list[NodeBatch] = []
    for (label, keys), rows in groups.items():
        batches.extend(NodeBatch(label, keys, chunk) for chunk in _chunks(rows, batch_size))
    return batches


def rel_batches(graph: Graph, record: str, batch_size: int) -> list[RelBatch]:
    """Rows per relationship type and endpoint pair, grouped like :func:`node_batches`."""
    groups: dict[tuple[str, tuple[str, str], tuple[str, ...]], list[dict[str, Any]]] = {}
    edges = []
    for source, target, data in graph.edges(data=True):
        s, t = graph.nodes[source], graph.nodes[target]
        edges.append(((s["label"], s["id"]), data["type"], (t["label"], t["id"]), data))
    for source, rel_type, target, data in sorted(edges, key=lambda e: (e[1], e[0], e[2])):
        spec = REL_SPECS[rel_type]
        keys = tuple(
            name for name in spec.properties if data.get(name) is not None and data.get(name) != []
        )
        row: dict[str, Any] = {
            TAG_UID: rel_uid(record, source, rel_type, target),
            _FROM: node_uid(record, source[1]),
            _TO: node_uid(record, target[1]),
        }
        row.update({name: data[name] for name in keys})
        groups.setdefault((rel_type, (source[0], target[0]), keys), []).append(row)
    batches: list[RelBatch] = []
    for (rel_type, pair, keys), rows in groups.items():
        batches.extend(RelBatch(rel_type, pair, keys, chunk) for chunk in _chunks(rows, batch_size))
    return batches


# ------------------------------------------------------------------------------ sync


class CypherRunner(Protocol):
    """Where sync statements run: a Neo4j session, or another engine with the same dialect."""

    def read(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]: ...

    def write(self, cypher: str, params: Mapping[str, Any]) -> None: ...


@dataclass
class SyncCounts:
    nodes_created: int = 0
    relationships_created: int = 0
    nodes_removed: int = 0
    relationships_removed: int = 0
    stages: dict[str, float] = field(default_factory=dict)


def _existing_uids(
    runner: CypherRunner, record: str
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What this record's tag marks in the store now, per label and per relationship type."""
    params = {"record": record, "prefix": f"{record}:"}
    nodes = {
        spec.label: {
            row[0]
            for row in runner.read(
                f"MATCH (n:{spec.label}) WHERE n.{TAG_UID} STARTS WITH $prefix "
                f"AND n.{TAG_RECORD} = $record RETURN n.{TAG_UID}",
                params,
            )
        }
        for spec in NODES
    }
    rels = {
        rel.type: {
            row[0]
            for row in runner.read(
                f"MATCH ()-[r:{rel.type}]->() WHERE r.{TAG_RECORD} = $record RETURN r.{TAG_UID}",
                params,
            )
        }
        for rel in RELS
    }
    return nodes, rels


def _remove(
    runner: CypherRunner,
    record: str,
    stale_nodes: dict[str, list[str]],
    stale_rels: dict[str, list[str]],
    batch_size: int,
    progress: Progress | None,
) -> None:
    """Delete by uid and record tag: nothing without this record's tag can match."""
    total = sum(map(len, stale_nodes.values())) + sum(map(len, stale_rels.values()))
    done = 0
    stage = "removing what the record no longer has"
    if progress:
        progress(stage, 0, total)
    for rel_type, uids in stale_rels.items():
        for start in range(0, len(uids), batch_size):
            chunk = uids[start : start + batch_size]
            runner.write(
                f"MATCH ()-[r:{rel_type}]->() WHERE r.{TAG_RECORD} = $record "
                f"AND r.{TAG_UID} IN $uids DELETE r",
                {"record": record, "uids": chunk},
            )
            done += len(chunk)
            if progress:
                progress(stage, done, total)
    for label, uids in stale_nodes.items():
        for start in range(0, len(uids), batch_size):
            chunk = uids[start : start + batch_size]
            # DETACH: a relationship someone else attached to a node we remove cannot outlive it.
            runner.write(
                f"MATCH (n:{label}) WHERE n.{TAG_UID} IN $uids AND n.{TAG_RECORD} = $record "
                "DETACH DELETE n",
                {"record": record, "uids": chunk},
            )
            done += len(chunk)
            if progress:
                progress(stage, done, total)


def sync_graph(
    runner: CypherRunner,
    graph: Graph,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> SyncCounts:
    """Make the store's copy of the graph's record equal the graph, touching nothing else."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    record = record_id(graph)
    counts = SyncCounts()

    t0 = time.perf_counter()
    existing_nodes, existing_rels = _existing_uids(runner, record)
    counts.stages["read existing"] = time.perf_counter() - t0

    nodes = node_batches(graph, record, batch_size)
    wanted_nodes: dict[str, set[str]] = {spec.label: set() for spec in NODES}
    for nb in nodes:
        wanted_nodes[nb.label].update(row[TAG_UID] for row in nb.rows)
    t0 = time.perf_counter()
    _write_batches(
        runner,
        record,
        "nodes",
        [(node_merge_statement(nb.label, nb.keys, "$rows", "$record"), nb.rows) for nb in nodes],
        progress,
    )
    counts.stages["merge nodes"] = time.perf_counter() - t0

    rels = rel_batches(graph, record, batch_size)
    wanted_rels: dict[str, set[str]] = {rel.type: set() for rel in RELS}
    for rb in rels:
        wanted_rels[rb.type].update(row[TAG_UID] for row in rb.rows)
    t0 = time.perf_counter()
    _write_batches(
        runner,
        record,
        "relationships",
        [
            (rel_merge_statement(rb.type, rb.pair, rb.keys, "$rows", "$record"), rb.rows)
            for rb in rels
        ],
        progress,
    )
    counts.stages["merge relationships"] = time.perf_counter() - t0

    stale_nodes = {k: sorted(existing_nodes[k] - wanted_nodes[k]) for k in existing_nodes}
    stale_rels = {k: sorted(existing_rels[k] - wanted_rels[k]) for k in existing_rels}
    t0 = time.perf_counter()
    _remove(runner, record, stale_nodes, stale_rels, batch_size, progress)
    counts.stages["remove stale"] = time.perf_counter() - t0

    counts.nodes_created = sum(len(wanted_nodes[k] - existing_nodes[k]) for k in wanted_nodes)
    counts.relationships_created = sum(len(wanted_rels[k] - existing_rels[k]) for k in wanted_rels)
    counts.nodes_removed = sum(map(len, stale_nodes.values()))
    counts.relationships_removed = sum(map(len, stale_rels.values()))
    return counts


def _write_batches(
    runner: CypherRunner,
    record: str,
    stage: str,
    batches: list[tuple[str, list[dict[str, Any]]]],
    progress: Progress | None,
) -> None:
    """Run each (statement, rows) batch in its own write transaction, reporting rows done."""
    total = sum(len(rows) for _, rows in batches)
    done = 0
    if progress:
        progress(stage, 0, total)
    for statement, rows in batches:
        runner.write(statement, {"rows": rows, "record": record})
        done += len(rows)
        if progress:
            progress(stage, done, total)


def remove_record(
    runner: CypherRunner,
    record: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> SyncCounts:
    """Delete everything tagged with ``record`` (and only that)."""
    existing_nodes, existing_rels = _existing_uids(runner, record)
    stale_nodes = {k: sorted(v) for k, v in existing_nodes.items()}
    stale_rels = {k: sorted(v) for k, v in existing_rels.items()}
    _remove(runner, record, stale_nodes, stale_rels, batch_size, progress)
    return SyncCounts(
        nodes_removed=sum(map(len, stale_nodes.values())),
        relationships_removed=sum(map(len, stale_rels.values())),
    )


# ------------------------------------------------------------------------------ settings
