"""How the embedded store's answers become plain Python: ladybug's nodes, relationships and paths
turned into dicts, and a returned relationship's ends named as ``Label:id`` (the same shape the
Neo4j store returns), looked up by ladybug's internal ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.gcpause import gc_paused

InternalId = tuple[int, int]
"""ladybug's internal node id: (table, offset)."""


def _internal(value: Any) -> InternalId | None:
    if isinstance(value, dict) and "table" in value and "offset" in value:
        return int(value["table"]), int(value["offset"])
    return None


def _plain(value: Any, ends: Mapping[InternalId, str] | None = None) -> Any:
    """Store values as plain JSON-able Python: nodes and relationships become dicts.

    A relationship carries its endpoints as ``_start``/``_end``, the "Label:id" keys of its
    nodes (``ends`` maps ladybug's internal ids to them), exactly as the Neo4j store returns it.
    """
    ends = ends or {}
    if isinstance(value, dict):
        if "_LABEL" in value and ("_SRC" in value or "_DST" in value):
            start, end = _internal(value.get("_SRC")), _internal(value.get("_DST"))
            out = {
                "_type": value["_LABEL"],
                "_start": ends.get(start) if start else None,
                "_end": ends.get(end) if end else None,
            }
            out.update(
                {
                    k: _plain(v, ends)
                    for k, v in value.items()
                    if not k.startswith("_") and v is not None
                }
            )
            return out
        if "_LABEL" in value:
            out = {"_label": value["_LABEL"]}
            out.update(
                {
                    k: _plain(v, ends)
                    for k, v in value.items()
                    if not k.startswith("_") and v is not None
                }
            )
            return out
        if "_NODES" in value and "_RELS" in value:
            return {
                "nodes": [_plain(n, ends) for n in value["_NODES"]],
                "relationships": [_plain(r, ends) for r in value["_RELS"]],
            }
        return {k: _plain(v, ends) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, ends) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _scan(value: Any, nodes: dict[InternalId, str], wanted: set[InternalId]) -> None:
    """Collect the keys of returned nodes and the endpoints of returned relationships."""
    if isinstance(value, dict):
        if "_LABEL" in value and ("_SRC" in value or "_DST" in value):
            for end in (_internal(value.get("_SRC")), _internal(value.get("_DST"))):
                if end:
                    wanted.add(end)
        elif "_LABEL" in value and "_ID" in value:
            own = _internal(value["_ID"])
            if own and value.get("id") is not None:
                nodes[own] = f"{value['_LABEL']}:{value['id']}"
        for item in value.values():
            if isinstance(item, dict | list):
                _scan(item, nodes, wanted)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                _scan(item, nodes, wanted)


def _nested_columns(rows: list[list[Any]]) -> list[int]:
    """Indexes of the columns whose first non-null value is a dict or a list."""
    nested = []
    for column in range(len(rows[0]) if rows else 0):
        for row in rows:
            value = row[column]
            if value is not None:
                if isinstance(value, dict | list):
                    nested.append(column)
                break
    return nested


def _endpoint_keys(conn: Any, rows: list[list[Any]]) -> dict[InternalId, str]:
    """ "Label:id" of every relationship endpoint in ``rows``; nodes not returned are looked up."""
    nodes: dict[InternalId, str] = {}
    wanted: set[InternalId] = set()
    # Columns are typed: only those holding nodes, relationships, paths, maps or lists can hide
    # a relationship, so large results of plain values are not walked value by value.
    for column in _nested_columns(rows):
        for row in rows:
            if row[column] is not None:
                _scan(row[column], nodes, wanted)
    missing = wanted - nodes.keys()
    if not missing:
        return nodes
    tables = {int(row[0]): str(row[1]) for row in _rows(conn, "CALL show_tables() RETURN *")}
    by_table: dict[int, list[int]] = {}
    for table, offset in missing:
        by_table.setdefault(table, []).append(offset)
    for table, offsets in by_table.items():
        label = tables.get(table)
        if label is None:
            continue
        cypher = f"MATCH (n:{label}) WHERE offset(id(n)) IN $offsets RETURN offset(id(n)), n.id"
        for offset, node_id in _rows(conn, cypher, {"offsets": offsets}):
            nodes[(table, int(offset))] = f"{label}:{node_id}"
    return nodes


def _rows(conn: Any, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
    result = conn.execute(cypher, dict(params or {}))
    try:
        return [list(row) for row in result.get_all()]
    finally:
        result.close()


PLAIN_TYPES = frozenset({"STRING", "INT64", "INT32", "INT16", "INT8", "DOUBLE", "BOOL"})
"""ladybug column types whose values need no conversion: Arrow's Python values for them are the
ones ``get_all`` gives (str, int, float, bool, None). Dates, nodes, relationships, maps and the
rest take the general path (``_plain``)."""


def plain_columns(types: Sequence[str]) -> bool:
    """Whether every column (ladybug's declared types) holds plain values or lists of them."""
    return all(t.removesuffix("[]") in PLAIN_TYPES for t in types)


def rows_from_arrow(table: Any) -> list[list[Any]]:
    """A pyarrow table's rows as lists of Python values (columns converted in C++ by pyarrow)."""
    columns = [column.to_pylist() for column in table.columns]
    with gc_paused():  # 10^5 small lists and no cycles: no collector passes over the heap
        return [list(row) for row in zip(*columns, strict=True)]
