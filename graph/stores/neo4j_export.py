"""Offline Neo4j exports: a Cypher script for cypher-shell, and CSV files for neo4j-admin import.

Both carry the same tags as ``ropagraph push`` (see :mod:`graph.stores.neo4j_store`), so a database
filled from an export can later be kept in sync with ``push``. The script has no parameters, so
every value in it is a Cypher literal made by :func:`cypher_literal` — the one place that
escapes user text for Cypher. The CSV files are import data written verbatim for neo4j-admin
(no spreadsheet-formula neutralising, which would change the values); they are not meant to be
opened in a spreadsheet application.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.atomic import atomic_directory, atomic_write_text
from graph.build import Graph
from graph.schema import NODE_SPECS, NODES, REL_SPECS, RELS, PropType
from graph.stores.neo4j_sync import (
    DEFAULT_BATCH_SIZE,
    TAG_RECORD,
    TAG_UID,
    node_batches,
    node_merge_statement,
    node_uid,
    record_id,
    rel_batches,
    rel_merge_statement,
    rel_uid,
    schema_statements,
)


class ExportError(ValueError):
    """An export could not be written; the message says why and what to do."""


# ------------------------------------------------------------------------------ literals

_SHORT_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Control, format (bidi overrides, BOM), surrogate, private, unassigned, line/paragraph
separators: written as \\u escapes so a literal always stays on one line and reads as it is."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT64 = (-(2**63), 2**63 - 1)


def _escape_char(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    if unicodedata.category(char) in _ESCAPED_CATEGORIES:
        code = ord(char)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def cypher_literal(value: Any) -> str:
    """``value`` as a Cypher literal that reads back as exactly ``value``.

    Strings are single-quoted with backslash escapes (quotes, backslashes, newlines and every
    invisible or line-breaking character); lists and maps recurse; map keys that are not plain
    identifiers are backtick-quoted. Anything else is refused rather than guessed.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValueError(f"integer {value} does not fit Neo4j's 64-bit integers")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no Cypher literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + "".join(_escape_char(c) for c in value) + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"map key {key!r} is not a string")
            name = key if _IDENTIFIER.fullmatch(key) else "`" + key.replace("`", "``") + "`"
            items.append(f"{name}: {cypher_literal(item)}")
        return "{" + ", ".join(items) + "}"
    raise ValueError(f"no Cypher literal for a {type(value).__name__}")


# ------------------------------------------------------------------------------ Cypher script


def script_statements(graph: Graph, batch_size: int = DEFAULT_BATCH_SIZE) -> list[str]:
    """Constraints, then node MERGE batches, then relationship MERGE batches (no ';')."""
    record = record_id(graph)
    record_literal = cypher_literal(record)
    statements = list(schema_statements())
    for nb in node_batches(graph, record, batch_size):
        rows = "[\n" + ",\n".join("  " + cypher_literal(row) for row in nb.rows) + "\n]"
        statements.append(node_merge_statement(nb.label, nb.keys, rows, record_literal))
    for rb in rel_batches(graph, record, batch_size):
        rows = "[\n" + ",\n".join("  " + cypher_literal(row) for row in rb.rows) + "\n]"
        statements.append(rel_merge_statement(rb.type, rb.pair, rb.keys, rows, record_literal))
    return statements


def cypher_script(graph: Graph, batch_size: int = DEFAULT_BATCH_SIZE) -> str:
    """A cypher-shell script that creates (or refreshes) the record's graph in Neo4j."""
    record = cypher_literal(record_id(graph))
    content = next(
        (d.get("contentHash") for _, d in graph.nodes(data=True) if d.get("label") == "Record"),
        None,
    )
    header = [
        f"// ropagraph: the processing graph of record {record}, as Cypher for Neo4j 5.",
        f"// Content hash: {cypher_literal(content)}."
        if content
        else "// Content hash: not recorded.",
        f"// {graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships.",
        "// Run it with: cypher-shell -a neo4j://localhost:7687 -u neo4j -d neo4j -f FILE",
        "// Everything written is tagged ropagraphRecord/ropagraphUid like 'ropagraph push',",
        "// so running it twice changes nothing and a later push keeps it in sync. It adds and",
        "// updates only: to remove what the record no longer has, use 'ropagraph push'.",
        "",
    ]
    body = ";\n\n".join(script_statements(graph, batch_size)) + ";\n"
    return "\n".join(header) + "\n" + body


def write_cypher_script(
    graph: Graph, path: Path | str, batch_size: int = DEFAULT_BATCH_SIZE
) -> Path:
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name, e.g. {path / 'record.cypher'}")
    return atomic_write_text(path, cypher_script(graph, batch_size))


# ------------------------------------------------------------------------------ CSV

ARRAY_DELIMITERS = (";", "|", "¦", "\u241f")
"""Tried in order: the first that no array element contains (';' is neo4j-admin's default)."""

_CSV_TYPES: dict[PropType, str] = {
    "STRING": "",
    "INT64": ":long",
    "BOOLEAN": ":boolean",
    "STRING[]": ":string[]",
}
README_MARKER = "# Neo4j import files written by ropagraph"


@dataclass(frozen=True)
class CsvExport:
    folder: Path
    node_files: dict[str, str]
    """label -> file name"""
    relationship_files: dict[tuple[str, str, str], str]
    """(type, start label, end label) -> file name"""
    array_delimiter: str
    command: str


def _array_elements(graph: Graph) -> Iterable[tuple[str, str, str]]:
    """(where, property, element) for every string-array element in the graph."""
    for _, data in graph.nodes(data=True):
        spec = NODE_SPECS[data["label"]]
        for name, prop_type in spec.properties.items():
            if prop_type == "STRING[]":
                for element in data.get(name) or []:
                    yield f"{data['label']} '{data['id']}'", name, element
    for source, target, data in graph.edges(data=True):
        spec_rel = REL_SPECS[data["type"]]
        for name, prop_type in spec_rel.properties.items():
            if prop_type == "STRING[]":
                for element in data.get(name) or []:
                    where = (
                        f"{data['type']} {graph.nodes[source]['id']}->{graph.nodes[target]['id']}"
                    )
                    yield where, name, element


def choose_array_delimiter(graph: Graph) -> str:
    """The first candidate no array element contains; neo4j-admin cannot escape it."""
    elements = list(_array_elements(graph))
    for candidate in ARRAY_DELIMITERS:
        if not any(candidate in element for _, _, element in elements):
            return candidate
    where, name, _ = next(e for e in elements if ARRAY_DELIMITERS[-1] in e[2])
    raise ExportError(
        f"every array delimiter neo4j-admin could use ({' '.join(ARRAY_DELIMITERS)}) occurs in "
        f"the record's lists, the last one in {where} {name}: remove one of these characters "
        "from the list items, or use 'ropagraph export cypher' instead"
    )


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _csv_field(value: Any, delimiter: str) -> str:
    """Empty for a missing value (neo4j-admin then sets nothing); strings always quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return _quote(delimiter.join(str(v) for v in value)) if value else ""
    return _quote(str(value))


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def _check_output_folder(folder: Path) -> None:
    """Only ever replace an empty folder or an earlier export: atomic replace is wholesale."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder: choose a new folder name")
    readme = folder / "README.md"
    is_export = readme.is_file() and readme.read_text(encoding="utf-8").startswith(README_MARKER)
    if any(folder.iterdir()) and not is_export:
        raise ExportError(
            f"{folder} is not empty and holds no earlier ropagraph neo4j-csv export, so it will "
            "not be replaced: choose a new or empty folder"
        )


def _admin_delimiter(delimiter: str) -> str:
    return f'"{delimiter}"' if delimiter.isascii() else f'"U+{ord(delimiter):04X}"'


def import_command(
    node_files: dict[str, str],
    relationship_files: dict[tuple[str, str, str], str],
    delimiter: str,
    database: str = "neo4j",
) -> str:
    """The Neo4j 5 ``neo4j-admin database import full`` command for these files."""
    parts = ["neo4j-admin database import full"]
    parts += [f"--nodes={label}={name}" for label, name in node_files.items()]
    parts += [f"--relationships={key[0]}={name}" for key, name in relationship_files.items()]
    parts += [
        f"--array-delimiter={_admin_delimiter(delimiter)}",
        "--multiline-fields=true",
        "--legacy-style-quoting=false",
        database,
    ]
    return " \\\n  ".join(parts)


def _readme(graph: Graph, command: str, delimiter: str) -> str:
    record = record_id(graph)
    return f"""{README_MARKER}

Record `{record}`: {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships,
one CSV file per label and one per relationship type and endpoint labels, in neo4j-admin's
header format: `id:ID(Label)` (one ID space per label), typed properties
(`childConsentAge:long`, `special:boolean`, `purposes:string[]`; untyped means string),
`:LABEL`; `:START_ID(Label)`, `:END_ID(Label)`, `:TYPE`.

- Array delimiter: `{delimiter}` (U+{ord(delimiter):04X}); no list item in this record contains it.
- Missing values are empty fields (no property is set); strings are always quoted, quotes doubled;
  fields may span lines (`--multiline-fields=true`).
- Every node and relationship carries `{TAG_RECORD}` and `{TAG_UID}`, the tags
  `ropagraph push` uses, so a database imported from these files can later be kept in sync
  with `ropagraph push`.
- The files are import data written verbatim, not spreadsheets: do not open them in a
  spreadsheet application.

## Import (Neo4j 5, database stopped and empty)

Run from this folder (or copy the files to the server's `import/` folder and run from there):

```
{command}
```

Community edition imports into the default database `neo4j`; add `--overwrite-destination`
only if you mean to replace what that database holds.

Then start Neo4j and create the constraints `ropagraph push` relies on:

```
cypher-shell -a neo4j://localhost:7687 -u neo4j -d neo4j -f constraints.cypher
```
"""


def write_neo4j_csv(graph: Graph, folder: Path | str) -> CsvExport:
    """Write the CSV files, a constraints script and a README into ``folder``, atomically."""
    folder = Path(folder)
    _check_output_folder(folder)
    record = record_id(graph)
    delimiter = choose_array_delimiter(graph)

    node_rows: dict[str, list[list[str]]] = {spec.label: [] for spec in NODES}
    for _, data in sorted(graph.nodes(data=True), key=lambda n: (n[1]["label"], n[1]["id"])):
        spec = NODE_SPECS[data["label"]]
        row = [_csv_field(data["id"], delimiter)]
        row += [_csv_field(data.get(p), delimiter) for p in spec.properties if p != "id"]
        row += [_quote(node_uid(record, data["id"])), _quote(record), spec.label]
        node_rows[spec.label].append(row)

    rel_rows: dict[tuple[str, str, str], list[list[str]]] = {
        (rel.type, a, b): [] for rel in RELS for a, b in rel.endpoints
    }
    edges = list(
        (
            (graph.nodes[s]["label"], graph.nodes[s]["id"]),
            data["type"],
            (graph.nodes[t]["label"], graph.nodes[t]["id"]),
            data,
        )
        for s, t, data in graph.edges(data=True)
    )
    edges.sort(key=lambda edge: (edge[1], edge[0], edge[2]))
    for source, rel_type, target, data in edges:
        spec_rel = REL_SPECS[rel_type]
        row = [_quote(source[1]), _quote(target[1])]
        row += [_csv_field(data.get(p), delimiter) for p in spec_rel.properties]
        row += [_quote(rel_uid(record, source, rel_type, target)), _quote(record), rel_type]
        rel_rows[(rel_type, source[0], target[0])].append(row)

    node_files: dict[str, str] = {}
    relationship_files: dict[tuple[str, str, str], str] = {}
    with atomic_directory(folder) as tmp:
        for spec in NODES:
            if not node_rows[spec.label]:
                continue
            header = [f"id:ID({spec.label})"]
            header += [f"{p}{_CSV_TYPES[t]}" for p, t in spec.properties.items() if p != "id"]
            header += [TAG_UID, TAG_RECORD, ":LABEL"]
            name = f"nodes-{spec.label}.csv"
            (tmp / name).write_text(_csv_text(header, node_rows[spec.label]), encoding="utf-8")
            node_files[spec.label] = name
        for (rel_type, start, end), rows in rel_rows.items():
            if not rows:
                continue
            header = [f":START_ID({start})", f":END_ID({end})"]
            header += [f"{p}{_CSV_TYPES[t]}" for p, t in REL_SPECS[rel_type].properties.items()]
            header += [TAG_UID, TAG_RECORD, ":TYPE"]
            name = f"relationships-{rel_type}-{start}-{end}.csv"
            (tmp / name).write_text(_csv_text(header, rows), encoding="utf-8")
            relationship_files[(rel_type, start, end)] = name
        command = import_command(node_files, relationship_files, delimiter)
        (tmp / "constraints.cypher").write_text(
            ";\n".join(schema_statements()) + ";\n", encoding="utf-8"
        )
        (tmp / "README.md").write_text(_readme(graph, command, delimiter), encoding="utf-8")
    return CsvExport(folder, node_files, relationship_files, delimiter, command)
