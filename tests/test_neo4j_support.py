"""Helpers for the Neo4j tests, and tests of the helpers themselves.

No Neo4j server can run on these machines, so the statements ropagraph sends to Neo4j are also
run on ladybug, a real Cypher engine, wherever the two dialects agree. ladybug has fixed
schemas, so the tables get the tag columns Neo4j stores implicitly; with ``uid_key`` the primary
key is the uid, as Neo4j's uniqueness constraint makes it, so two records can share a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ladybug
import pytest

from graph.schema import NODES, RELS
from graph.stores import EmbeddedStore, schema_ddl
from graph.stores.neo4j_sync import TAG_RECORD, TAG_UID

KYNEX_PARAMS: dict[str, dict[str, Any]] = {
    "what-goes-to": {"recipient": "mailchimp"},
    "who-receives": {"category": "contact-details"},
    "sources-of": {"category": "contact-details"},
    # issue 17: breach impact, where is it, diff (lists of ids where the query takes them)
    "breach-scope-system": {"system": "website"},
    "breach-scope-recipient": {"recipient": "mailchimp"},
    "breach-scope-category": {"category": "bank-details"},
    "subject-processing": {"subject": "customers"},
    **{
        name: {"activities": ["email-newsletter", "service-management", "call-recording"]}
        for name in (
            "activities-subjects",
            "activities-recipients",
            "activities-systems",
            "activities-bases",
            "activities-retention",
            "activities-sources",
            "activities-measures",
            "activities-categories",
        )
    },
    "subprocessors": {"recipients": ["mailchimp", "google"]},
}
"""Arguments for the catalog's parameterised queries that give rows on Kynex."""

SNAPSHOT_NODES = "MATCH (n) RETURN n"
SNAPSHOT_RELS = "MATCH (a)-[r]->(b) RETURN a.id, r, b.id"


def tagged_ddl(uid_key: bool) -> list[str]:
    """schema_ddl() plus the tag columns; with ``uid_key`` nodes are keyed by uid, not id."""
    statements = []
    for statement in schema_ddl():
        if uid_key and statement.startswith("CREATE NODE TABLE"):
            statement = statement.replace(
                "PRIMARY KEY (id))",
                f"{TAG_UID} STRING, {TAG_RECORD} STRING, PRIMARY KEY ({TAG_UID}))",
            )
            assert TAG_UID in statement, statement
        statements.append(statement)
    if not uid_key:
        for spec in NODES:
            statements.append(f"ALTER TABLE {spec.label} ADD {TAG_UID} STRING")
            statements.append(f"ALTER TABLE {spec.label} ADD {TAG_RECORD} STRING")
    for rel in RELS:
        statements.append(f"ALTER TABLE {rel.type} ADD {TAG_UID} STRING")
        statements.append(f"ALTER TABLE {rel.type} ADD {TAG_RECORD} STRING")
    return statements


class LadybugRunner:
    """A read-write ladybug database speaking the sync's CypherRunner protocol."""

    def __init__(self, path: Path, uid_key: bool = True) -> None:
        self.path = path
        fresh = not path.exists()
        self._db = ladybug.Database(str(path))
        self._conn = ladybug.Connection(self._db)
        if fresh:
            for statement in tagged_ddl(uid_key):
                self._conn.execute(statement)

    def _run(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]:
        result = self._conn.execute(cypher, dict(params))
        if isinstance(result, list):
            result = result[-1]
        try:
            return [list(row) for row in result.get_all()]
        finally:
            result.close()

    def read(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]:
        return self._run(cypher, params)

    def write(self, cypher: str, params: Mapping[str, Any]) -> None:
        self._run(cypher, params)

    def close(self) -> None:
        self._conn.close()
        self._db.close()


def read_only(path: Path) -> EmbeddedStore:
    """The runner's database through the embedded store (what users query)."""
    return EmbeddedStore(path)


def snapshot(store: Any) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, as sortable text."""
    nodes = sorted(repr(sorted(row[0].items())) for row in store.query(SNAPSHOT_NODES).rows)
    rels = sorted(
        repr((row[0], sorted(row[1].items()), row[2])) for row in store.query(SNAPSHOT_RELS).rows
    )
    return nodes, rels


_SCRIPT_TOKENS = re.compile(
    r"""//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|;|[^;'"`/]+|/""",
    re.DOTALL,
)


def split_statements(script: str) -> list[str]:
    """Split a script on ';' outside strings, names and comments, as cypher-shell does."""
    statements: list[str] = []
    current: list[str] = []
    position = 0
    for match in _SCRIPT_TOKENS.finditer(script):
        assert match.start() == position, f"unterminated token at {script[position:][:60]!r}"
        position = match.end()
        token = match.group()
        if token == ";":
            statements.append("".join(current).strip())
            current = []
        elif not token.startswith(("//", "/*")):
            current.append(token)
    assert position == len(script)
    tail = "".join(current).strip()
    assert not tail, f"text after the last ';': {tail[:80]!r}"
    return [s for s in statements if s]


# ------------------------------------------------------------------------- tests of helpers


def test_split_statements_respects_strings_and_comments() -> None:
    script = (
        "// a comment; with a semicolon\n"
        "RETURN 'a;b' AS x;\n"
        '/* block; comment */ RETURN "c;\\"d" AS y;\n'
        "RETURN 'it\\'s; fine' AS `we;ird`;\n"
    )
    assert split_statements(script) == [
        "RETURN 'a;b' AS x",
        'RETURN "c;\\"d" AS y',
        "RETURN 'it\\'s; fine' AS `we;ird`",
    ]


def test_split_statements_rejects_an_unterminated_string() -> None:
    with pytest.raises(AssertionError):
        split_statements("RETURN 'open;\n")


def test_tagged_ddl_keys_nodes_by_uid(tmp_path: Path) -> None:
    runner = LadybugRunner(tmp_path / "db.lbug", uid_key=True)
    try:
        runner.write(
            f"CREATE (:Country {{{TAG_UID}: 'a:GB', id: 'GB', name: 'UK', {TAG_RECORD}: 'a'}})",
            {},
        )
        runner.write(
            f"CREATE (:Country {{{TAG_UID}: 'b:GB', id: 'GB', name: 'UK', {TAG_RECORD}: 'b'}})",
            {},
        )
        rows = runner.read(f"MATCH (c:Country) RETURN c.{TAG_UID} ORDER BY c.{TAG_UID}", {})
    finally:
        runner.close()
    assert rows == [["a:GB"], ["b:GB"]]
