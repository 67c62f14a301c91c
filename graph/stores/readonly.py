"""Refuse Cypher that writes or touches files, before it reaches any store.

The dashboard console and ``ropagraph cypher`` let people type their own queries against a store
that is a cache of the record: changes belong in the record, not the database. Two checks live
here:

* :func:`check_plan` is the real wall for the embedded store. It reads the *engine's own* plan of
  the query (ladybug's ``EXPLAIN``) and accepts it only if every physical operator and every table
  function is on an allow-list of pure reads. A second lexer can disagree with the engine about
  where a comment or a string ends (``/* **/`` did); the plan cannot, because it is what the
  engine will run. It runs inside the query worker (:mod:`graph.stores.sandbox`), the second wall.
* :func:`check_read_only` is a quick lexical check with a friendly message, used for Neo4j (whose
  sessions are also opened in READ access mode, the server's own wall) and for our own catalog
  queries. It is not what keeps the embedded store safe.

See docs/security.md for the threat model.
"""

from __future__ import annotations

import re

WRITE_CLAUSES = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "DROP",
        "COPY",
        "ALTER",
        "INSTALL",
        "LOAD",
        "ATTACH",
        "IMPORT",
        "EXPORT",
        "CHECKPOINT",
        "FOREACH",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "USE",
        "GRANT",
        "DENY",
        "REVOKE",
        "START",
        "STOP",
        "TERMINATE",
    }
)
"""Clauses (and commands) that change data, schema, files or sessions."""

READ_ONLY_PROCEDURES = frozenset(
    {
        "show_tables",
        "table_info",
        "show_connection",
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
    }
)
"""Procedures a read-only query may CALL (lower-case); any other CALL is refused."""

_TOKENS = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<quoted>`[^`]*`)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


_AMBIGUOUS_COMMENT = re.compile(r"\*\*+/")


class WriteRefused(ValueError):
    """The query would change the store; the message says which clause and what to do."""


READ_OPERATORS = frozenset(
    {
        "AGGREGATE",
        "AGGREGATE_FINALIZE",
        "AGGREGATE_SCAN",
        "COUNT_REL_TABLE",
        "CROSS_PRODUCT",
        "DUMMY_SINK",
        "EMPTY_RESULT",
        "FILTER",
        "FLATTEN",
        "HASH_JOIN_BUILD",
        "HASH_JOIN_PROBE",
        "INTERSECT",
        "INTERSECT_BUILD",
        "LIMIT",
        "MULTIPLICITY_REDUCER",
        "ORDER_BY",
        "ORDER_BY_MERGE",
        "ORDER_BY_SCAN",
        "PATH_PROPERTY_PROBE",
        "PRIMARY_KEY_SCAN_NODE_TABLE",
        "PROJECTION",
        "QUERY_PRIMARY_KEY_LOOKUP",
        "RECURSIVE_EXTEND",
        "RESULT_COLLECTOR",
        "SCAN_NODE_TABLE",
        "SCAN_REL_TABLE",
        "SEMI_MASKER",
        "SKIP",
        "TABLE_FUNCTION_CALL",
        "TOP_K",
        "TOP_K_SCAN",
        "UNION_ALL_SCAN",
        "UNWIND",
    }
)
"""Physical operators of ladybug's plans that only read the store (an allow-list: COPY_TO,
TRANSACTION (CHECKPOINT), INSTALL/LOAD_EXTENSION, ATTACH, EXPORT/IMPORT_DATABASE, every writer and
every operator we have not reviewed are refused)."""

READ_TABLE_FUNCTIONS = frozenset({"READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION"})
"""Table functions a plan may call: the engine's own scan of an intermediate result and the three
catalog procedures. File readers (READ_CSV_*, READ_PARQUET, READ_NPY, READ_JSON, …) are not."""

_PLAN_OPERATOR = re.compile(r"([A-Z][A-Z0-9_]*)\[\d+\]")
_PLAN_FUNCTION = re.compile(r"Function:\s*([A-Za-z0-9_]+)")
_PLAN_HEADING = re.compile(r"([A-Z][A-Z0-9_]*)\[\d+\]")
_PLAN_HINT = (
    " Queries here may only read the graph: no files (LOAD FROM, COPY … TO), no changes, no "
    "extensions or database commands. Change the record's YAML and run 'ropagraph load' instead."
)


def plan_boxes(plan: str) -> list[tuple[str, str]]:
    """(heading, first attribute line) of every operator box of an ``EXPLAIN`` text, by geometry.

    Each box's top border ``┌…┐`` is drawn by the engine on a line of borders only; the next line
    holds the heading, the one after a separator, then the first attribute (``Function: NAME``
    for a table function). Reading them at the border's columns, not by searching the text, means
    user text elsewhere in the plan can neither hide a heading nor pose as one.
    """
    lines = plan.splitlines()
    boxes: list[tuple[str, str]] = []
    for number, line in enumerate(lines):
        start = line.find("┌")
        while start >= 0:
            end = line.find("┐", start)
            if end < 0:
                raise WriteRefused("refused: the engine's plan could not be read." + _PLAN_HINT)
            heading, first = (
                lines[row][start + 1 : end].strip(" │") if row < len(lines) else ""
                for row in (number + 1, number + 3)
            )
            if not heading.startswith("┌") and heading != "Physical Plan":
                boxes.append((heading, first))
            start = line.find("┌", end)
    return boxes


def check_plan(plan: str) -> None:
    """Raise :class:`WriteRefused` unless every operator and table function of ``plan`` reads.

    ``plan`` is the text of ladybug's ``EXPLAIN``: one box per physical operator, headed
    ``NAME[id]``, with ``Function: NAME`` first in each table-function box (see
    :func:`plan_boxes`). As a second check, any ``NAME[id]`` or ``Function: NAME`` anywhere in the
    text must be allowed too: user text (aliases, strings) can only add such names, and so only
    cause a refusal.
    """
    boxes = plan_boxes(plan)
    if not boxes:
        raise WriteRefused("refused: the engine gave no plan for this query." + _PLAN_HINT)
    for heading, first in boxes:
        match = _PLAN_HEADING.fullmatch(heading)
        if match is None:
            raise WriteRefused("refused: the engine's plan could not be read." + _PLAN_HINT)
        if match.group(1) not in READ_OPERATORS:
            raise WriteRefused(f"refused: the engine would run '{match.group(1)}'." + _PLAN_HINT)
        if match.group(1) == "TABLE_FUNCTION_CALL":
            function = _PLAN_FUNCTION.fullmatch(first)
            if function is None or function.group(1).upper() not in READ_TABLE_FUNCTIONS:
                name = function.group(1) if function else first
                raise WriteRefused(f"refused: the engine would call '{name}'." + _PLAN_HINT)
    for name in _PLAN_OPERATOR.findall(plan):
        if name not in READ_OPERATORS:
            raise WriteRefused(f"refused: the engine would run '{name}'." + _PLAN_HINT)
    for name in _PLAN_FUNCTION.findall(plan):
        if name.upper() not in READ_TABLE_FUNCTIONS:
            raise WriteRefused(f"refused: the engine would call '{name}'." + _PLAN_HINT)


def _words(cypher: str) -> list[tuple[str, str]]:
    """(kind, text) tokens, strings and comments dropped so 'CREATE' in a string is harmless."""
    out: list[tuple[str, str]] = []
    for match in _TOKENS.finditer(cypher):
        kind = match.lastgroup or "other"
        if kind in ("comment", "string"):
            out.append(("string", ""))
            continue
        out.append((kind, match.group()))
    return out


def check_read_only(cypher: str) -> None:
    """Raise :class:`WriteRefused` if ``cypher`` contains a write clause or a non-read CALL."""
    if _AMBIGUOUS_COMMENT.search(cypher):
        # Engines disagree on where '/* **/' ends (ladybug reads on, Neo4j stops): refuse rather
        # than guess which reading the engine will take.
        raise WriteRefused(
            "refused: a '/* … */' comment here contains '**/', which Cypher engines end in "
            "different places; write the comment without '**/' (or use '//')."
        )
    tokens = _words(cypher)
    for index, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        previous = tokens[index - 1][1] if index else ""
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if previous in (".", ":", "$") or following == ":":
            continue  # a property, a label, a parameter or a map key, not a clause
        upper = text.upper()
        if upper in WRITE_CLAUSES:
            raise WriteRefused(
                f"refused: '{upper}' would change the store, and queries here are read-only. "
                "The store is rebuilt from the record: change the record's YAML and run "
                "'ropagraph load' instead."
            )
        if upper == "CALL":
            name_parts = []
            for _kind, part in tokens[index + 1 :]:
                if part == "(" or part == "{":
                    break
                name_parts.append(part)
            name = "".join(name_parts).lower()
            if name == "" and following == "{":
                continue  # a CALL { subquery }: its clauses are checked like any others
            if name not in READ_ONLY_PROCEDURES:
                raise WriteRefused(
                    f"refused: CALL {name or '…'} is not a known read-only procedure. "
                    f"Allowed: {', '.join(sorted(READ_ONLY_PROCEDURES))}."
                )
