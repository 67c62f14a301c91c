"""Refuse Cypher that writes, before it reaches any store.

The dashboard console and ``ropagraph cypher`` let people type their own queries against a store
that is a cache of the record: changes belong in the record, not the database. Stores are also
opened read-only where the backend allows it; this check gives a clear message up front and
covers backends (Neo4j) where the user's credentials may be allowed to write.
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


class WriteRefused(ValueError):
    """The query would change the store; the message says which clause and what to do."""


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
