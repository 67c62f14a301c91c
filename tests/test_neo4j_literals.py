"""cypher_literal: the one function that puts user text into Cypher without parameters.

Round trips go through a real Cypher parser (ladybug, whose string escapes match Neo4j's:
\\\\ \\' \\" \\n \\r \\t \\b \\f \\uXXXX \\UXXXXXXXX), so a literal that parses differently from
what was meant fails here, not in a customer's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ladybug
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.stores.neo4j_export import cypher_literal

NASTY = [
    "it's",
    'say "hi"',
    "back\\slash",
    "ends with backslash\\",
    "\\'",
    "line\nbreak",
    "carriage\rreturn\r\n",
    "tab\tstop",
    "comment */ close",
    "/* open comment",
    "// line comment",
    "`backtick` and ``double``",
    "semi; colon; MATCH (n) DETACH DELETE n; //",
    "'); MATCH (n) DETACH DELETE n; //",
    "unicode: é ß 中文 😀 👩🏽‍💻",
    "line\u2028separator\u2029paragraph\u0085nel",
    "bidi \u202eesrever\u202c and \ufeffbom",
    "nul\x00byte and bell\x07 and del\x7f",
    "$param and {map} and :label",
    "",
]


@pytest.fixture(scope="module")
def conn() -> Iterator[Any]:
    db = ladybug.Database(":memory:")
    connection = ladybug.Connection(db)
    yield connection
    connection.close()
    db.close()


def parsed(conn: Any, literal: str) -> Any:
    result = conn.execute(f"RETURN {literal} AS v")
    try:
        return result.get_all()[0][0]
    finally:
        result.close()


@pytest.mark.parametrize("text", NASTY)
def test_strings_read_back_exactly_and_stay_on_one_line(conn: Any, text: str) -> None:
    literal = cypher_literal(text)
    assert literal.startswith("'") and literal.endswith("'")
    assert "\n" not in literal and "\r" not in literal
    assert "\u2028" not in literal and "\u202e" not in literal
    assert parsed(conn, literal) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_reads_back_exactly(conn: Any, text: str) -> None:
    assert parsed(conn, cypher_literal(text)) == text


def test_the_escapes_are_the_documented_ones() -> None:
    assert cypher_literal("it's") == "'it\\'s'"
    assert cypher_literal("a\\b") == "'a\\\\b'"
    assert cypher_literal("a\nb\tc\rd") == "'a\\nb\\tc\\rd'"
    assert cypher_literal('"') == "'\"'"
    assert cypher_literal("\u202e") == "'\\u202e'"
    assert cypher_literal("\U000e0001") == "'\\U000e0001'"
    assert cypher_literal("é😀") == "'é😀'"  # printable text stays readable


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -5,
        2**63 - 1,
        -(2**63),
        1.5,
        ["a", "b'c", "d\ne"],
        [],
        [[1, 2], [3]],
        {"name": "x'y", "n": 3, "flag": True, "items": ["p", "q"]},
        {"odd key": 1, "a`b": 2, "1st": 3},
    ],
)
def test_other_values_read_back_exactly(conn: Any, value: Any) -> None:
    assert parsed(conn, cypher_literal(value)) == value


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 2**63, -(2**63) - 1, {1, 2}, b"bytes", object(), {1: "x"}],
)
def test_values_without_a_faithful_literal_are_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        cypher_literal(value)
