"""Property: nothing the plan guard accepts writes a file, reads one, or changes the store.

Hypothesis builds queries from comments (including the '/* **/' that fooled the old lexer),
strings with escapes, backticks, separators and the engine's file and admin clauses. Each one
goes through the guard (:func:`graph.stores.sandbox_worker.check_query`) on a connection that
*could* write (read-write, in this process, no sandbox): so an accepted query that wrote, read a
file or changed the store would really do it, and the checks below would see it. The worker's
other walls are tested separately (test_query_walls.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ladybug
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.stores import readonly
from graph.stores.sandbox_worker import check_query

TOKEN = "CANARY7f3a"


def _fragments(root: Path) -> list[str]:
    return [
        # comments, including the engine/lexer disagreement of issue 11
        "/* x */",
        "/* **/",
        "/***/",
        "// c\n",
        "/* '*/",
        "*/",
        "/*",
        "//",
        # strings and escapes
        "'a'",
        '"b"',
        "'\\''",
        "'\\\\'",
        "'*/'",
        "'/*'",
        '"//"',
        "'",
        '"',
        "\\",
        # backticks
        "`CREATE`",
        "`a``b`",
        "`*/`",
        "`",
        # separators and glue
        ";",
        "\n",
        " ",
        "RETURN 1",
        "RETURN",
        "MATCH (a:Activity)",
        "RETURN a.id",
        "WITH 1 AS x",
        "UNION",
        "CALL show_tables() RETURN *",
        *_clauses(root),
    ]


def _clauses(root: Path) -> list[str]:
    """The engine's file and admin clauses and store changes: none may get through."""
    canary = root / "canary.csv"
    out = root / "out"
    return [
        # file access
        f"LOAD FROM '{canary}' (header=false) RETURN *",
        f'LOAD FROM "{canary}" RETURN *',
        f"COPY (MATCH (a:Activity) RETURN a.id) TO '{out}.csv'",
        f"COPY (RETURN 1) TO '{out}.parquet'",
        f"EXPORT DATABASE '{out}-export'",
        f"IMPORT DATABASE '{root}'",
        f"ATTACH '{out}.lbug' AS other (dbtype lbug)",
        # store changes and admin commands
        "CHECKPOINT",
        "BEGIN TRANSACTION",
        "COMMIT",
        "ROLLBACK",
        "CREATE (:Country {id: 'PWNED', name: 'x'})",
        "MATCH (a:Activity) SET a.name = 'PWNED'",
        "MATCH (n) DETACH DELETE n",
        "MERGE (c:Country {id: 'PWNED'})",
        "DROP TABLE Activity",
        "ALTER TABLE Activity ADD pwned STRING",
        "CREATE NODE TABLE Pwned(id STRING, PRIMARY KEY(id))",
        "CALL threads=1",
        f"COPY Country FROM '{canary}'",
    ]


@pytest.fixture
def sandbox_root(pristine_store: Path, tmp_path: Path) -> Iterator[tuple[Path, Any]]:
    root = tmp_path / "root"
    root.mkdir()
    (root / "canary.csv").write_text(f"{TOKEN},{TOKEN}\n{TOKEN},2\n", encoding="utf-8")
    shutil.copyfile(pristine_store, root / "store.lbug")
    db = ladybug.Database(str(root / "store.lbug"))  # read-WRITE: the guard is the only wall
    conn = ladybug.Connection(db)
    yield root, conn
    conn.close()
    db.close()


def _fingerprint(conn: Any) -> list[Any]:
    rows: list[Any] = []
    for cypher in (
        "MATCH (n) RETURN count(n)",
        "MATCH ()-[r]->() RETURN count(r)",
        "MATCH (n) RETURN n.id, n.name ORDER BY n.id",
        "CALL show_tables() RETURN name ORDER BY name",
        "CALL current_setting('threads') RETURN *",
    ):
        rows.append(conn.execute(cypher).get_all())
    return rows


READS = [
    "RETURN 1",
    "MATCH (a:Activity) RETURN a.id",
    "MATCH (a:Activity) WHERE a.name <> '*/' RETURN a.name AS `x*/`",
    "RETURN '/*' + \"*/\" AS s",
    "RETURN 'it\\'s' AS t",
    "UNWIND [1, 2] AS x RETURN x",
    "CALL show_tables() RETURN *",
    "MATCH (a:Activity)-[r]->(b) RETURN a, r, b LIMIT 3",
]
DECORATIONS = [" ", " ", " ", "\n", "\t", " /* c */ ", " /* '*/ ", " // c\n"]
"""What goes between tokens: whitespace and comments ladybug ends where one expects. ('/* **/'
and '/***/' are not among them: ladybug reads on past both, so they sit in the prefixes and the
free mixtures, as in the issue's attack.)"""
PREFIXES = ["", "", "", "RETURN 1 /* **/ '*/; ", "RETURN 1 /***/ '*/; ", "RETURN 1; ", "// x\n"]
SUFFIXES = ["", "", " //'", ";", " // c"]


def _pieces(root: Path) -> st.SearchStrategy[str]:
    """Half structured (a real clause with comments between its tokens, wrapped in the issue's
    prefixes), half free mixtures of fragments: many accepted reads, many near-miss attacks."""
    part = st.sampled_from(_fragments(root)) | st.text(alphabet="'\"`/*\\;\n -xRETUN1", max_size=3)
    free = st.lists(part, min_size=1, max_size=7).map(lambda parts: " ".join(parts))

    @st.composite
    def structured(draw: st.DrawFn) -> str:
        base = draw(st.sampled_from(READS + _clauses(root)))
        tokens = base.split(" ")
        glue = draw(
            st.lists(st.sampled_from(DECORATIONS), min_size=len(tokens), max_size=len(tokens))
        )
        body = "".join(t + g for t, g in zip(tokens, glue, strict=True))
        return draw(st.sampled_from(PREFIXES)) + body + draw(st.sampled_from(SUFFIXES))

    return st.one_of(structured(), structured(), structured(), free)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_nothing_the_guard_accepts_touches_files_or_the_store(
    sandbox_root: tuple[Path, Any], data: st.DataObject
) -> None:
    root, conn = sandbox_root
    before = _fingerprint(conn)
    listing = sorted(p.name for p in root.iterdir())
    cypher = data.draw(_pieces(root), label="cypher")
    outcome: list[Any]
    try:
        check_query(conn, cypher, {}, readonly)
    except (readonly.WriteRefused, RuntimeError) as exc:
        outcome = [str(exc)]
    else:
        result = conn.execute(cypher)
        outcome = result.get_all()
    assert TOKEN not in repr(outcome), f"the guard let {cypher!r} read the canary file"
    assert sorted(p.name for p in root.iterdir()) == listing, f"{cypher!r} wrote a file"
    assert _fingerprint(conn) == before, f"{cypher!r} changed the store"
