"""Reading the graph back from a store (so the dashboard can draw what the store holds), and
the node keys a console result refers to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph.build import Graph, node_key
from graph.schema import NODE_SPECS, NODES, RELS
from graph.stores import GraphStore

# --------------------------------------------------------------------------- from a store


def graph_from_store(store: GraphStore) -> Graph:
    """The whole graph a store holds, fetched with one query per label and relationship type.

    Labels, types and properties come from :mod:`graph.schema` (never from user input), and the
    Cypher is the portable subset, so this works on the embedded store and on Neo4j alike.
    Absent values are dropped, as :func:`graph.build.build_graph` drops them.
    """
    graph: Graph = nx.MultiDiGraph()
    for spec in NODES:
        columns = ", ".join(f"n.{name} AS {name}" for name in spec.properties)
        result = store.query(f"MATCH (n:{spec.label}) RETURN {columns}")
        for record in result.records():
            props = {k: v for k, v in record.items() if v is not None and v != []}
            graph.add_node(node_key(spec.label, str(props["id"])), label=spec.label, **props)
    for rel in RELS:
        for source_label, target_label in rel.endpoints:
            columns = "".join(f", r.{name} AS {name}" for name in rel.properties)
            result = store.query(
                f"MATCH (a:{source_label})-[r:{rel.type}]->(b:{target_label}) "
                f"RETURN a.id AS _from, b.id AS _to{columns}"
            )
            for record in result.records():
                source = node_key(source_label, str(record.pop("_from")))
                target = node_key(target_label, str(record.pop("_to")))
                props = {k: v for k, v in record.items() if v is not None}
                graph.add_edge(source, target, key=rel.type, type=rel.type, **props)
    return graph


def result_node_keys(rows: Iterable[Iterable[Any]]) -> list[str]:
    """Keys ("Label:id") of every node found anywhere in query result rows, in order seen.

    Stores return nodes as mappings with ``_label`` (or ``_labels``) and ``id``; nodes inside
    paths and lists are found too, and so are the ends (``_start``/``_end``) of relationships, so
    any query that returns nodes or relationships can be drawn.
    """
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            label = value.get("_label")
            if label is None and isinstance(value.get("_labels"), list):
                label = next((lb for lb in value["_labels"] if lb in NODE_SPECS), None)
            if isinstance(label, str) and label in NODE_SPECS and value.get("id") is not None:
                found.setdefault(node_key(label, str(value["id"])), None)
            if isinstance(value.get("_type"), str):  # a relationship: its two ends
                for end in (value.get("_start"), value.get("_end")):
                    if isinstance(end, str) and end.split(":", 1)[0] in NODE_SPECS:
                        found.setdefault(end, None)
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for row in rows:
        walk(list(row))
    return list(found)


def graph_among(store: GraphStore, keys: Iterable[str]) -> Graph:
    """The part of the graph a store holds that lies among ``keys`` ("Label:id"): those nodes and
    the relationships between them, as :func:`graph_from_store` reads them (same properties).

    A drawing of some nodes (``view_of``, ``to_visual``, ``aggregate``) only looks at the edges
    between them, so it is the same from this as from the whole graph — without reading 10^6
    relationships back on a large record. Unknown labels in ``keys`` are ignored.
    """
    ids: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        label, _, node_id = key.partition(":")
        if label in NODE_SPECS and node_id:
            ids.setdefault(label, []).append(node_id)
    graph: Graph = nx.MultiDiGraph()
    for spec in NODES:
        if spec.label not in ids:
            continue
        columns = ", ".join(f"n.{name} AS {name}" for name in spec.properties)
        result = store.query(
            f"MATCH (n:{spec.label}) WHERE n.id IN $ids RETURN {columns}", {"ids": ids[spec.label]}
        )
        for record in result.records():
            props = {k: v for k, v in record.items() if v is not None and v != []}
            graph.add_node(node_key(spec.label, str(props["id"])), label=spec.label, **props)
    for rel in RELS:
        for source_label, target_label in rel.endpoints:
            if source_label not in ids or target_label not in ids:
                continue
            columns = "".join(f", r.{name} AS {name}" for name in rel.properties)
            result = store.query(
                f"MATCH (a:{source_label})-[r:{rel.type}]->(b:{target_label}) "
                f"WHERE a.id IN $sources AND b.id IN $targets "
                f"RETURN a.id AS _from, b.id AS _to{columns}",
                {"sources": ids[source_label], "targets": ids[target_label]},
            )
            for record in result.records():
                source = node_key(source_label, str(record.pop("_from")))
                target = node_key(target_label, str(record.pop("_to")))
                props = {k: v for k, v in record.items() if v is not None}
                graph.add_edge(source, target, key=rel.type, type=rel.type, **props)
    return graph
