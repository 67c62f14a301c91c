"""``export cypher``: the script is split as cypher-shell splits it and run statement by statement.

The data statements run on a fresh ladybug database whose tables come from
graph.stores.schema_ddl() (plus the two tag columns Neo4j stores without a schema). The
constraint and index statements are Neo4j-only: ladybug has no CREATE CONSTRAINT and its CREATE
INDEX means something else, so those two kinds are checked for shape but not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.build import Graph, build_graph
from graph.queries import CATALOG
from graph.stores.neo4j_export import cypher_script, script_statements
from loaders import load_record
from tests.conftest import minimal_record_data
from tests.test_neo4j_support import (
    KYNEX_PARAMS,
    LadybugRunner,
    read_only,
    snapshot,
    split_statements,
)

NEO4J_ONLY = ("CREATE CONSTRAINT ", "CREATE INDEX ")


def run_script(script: str, path: Path, runner: LadybugRunner | None = None) -> dict[str, int]:
    """Run every statement ladybug understands; count statements by kind."""
    kinds = {"schema": 0, "merge": 0}
    own = runner is None
    runner = runner or LadybugRunner(path, uid_key=False)
    try:
        for statement in split_statements(script):
            if statement.startswith(NEO4J_ONLY):
                assert statement.endswith(("IS UNIQUE", "ON (n.id)")), statement
                kinds["schema"] += 1
                continue
            assert statement.startswith("UNWIND ["), statement[:80]
            runner.write(statement, {})
            kinds["merge"] += 1
    finally:
        if own:
            runner.close()
    return kinds


def test_kynex_script_gives_the_same_catalog_answers_as_a_normal_load(
    tmp_path: Path, kynex_graph: Graph, kynex_store: Any
) -> None:
    script = cypher_script(kynex_graph, batch_size=7)
    path = tmp_path / "script.lbug"
    kinds = run_script(script, path)
    # a constraint and an index per label: 17 labels and ServedController (Kynex §10)
    assert kinds["schema"] == 36
    assert kinds["merge"] == len(script_statements(kynex_graph, 7)) - 36
    store = read_only(path)
    try:
        nodes, rels = snapshot(store)
        assert len(nodes) == kynex_graph.number_of_nodes()
        assert len(rels) == kynex_graph.number_of_edges()
        for name, query in CATALOG.items():
            params = query.bind(KYNEX_PARAMS.get(name, {}))
            assert store.query(query.cypher, params).rows == (
                kynex_store.query(query.cypher, params).rows
            ), name
    finally:
        store.close()


def test_running_the_script_twice_changes_nothing(tmp_path: Path, kynex_graph: Graph) -> None:
    script = cypher_script(kynex_graph)
    path = tmp_path / "twice.lbug"
    run_script(script, path)
    store = read_only(path)
    first = snapshot(store)
    store.close()
    run_script(script, path)
    store = read_only(path)
    try:
        assert snapshot(store) == first
    finally:
        store.close()


NASTY_NAME = 'O\'Brien \\ "Sons"; MATCH (n) DETACH DELETE n; // */ `x`'
NASTY_PURPOSE = "line one\nline two;\r\n'quoted' \\ end\\"
NASTY_NOTE = "unicode é 😀 \u2028 sep \u202e bidi /* comment"


def nasty_record(make_record: Any) -> Graph:
    data = minimal_record_data()
    data["activities"][0]["name"] = NASTY_NAME
    data["activities"][0]["purposes"] = [NASTY_PURPOSE, "plain"]
    data["activities"][0]["note"] = NASTY_NOTE
    data["data_categories"][0]["name"] = "e-mail ' address \\"
    data["recipients"][0]["name"] = "Mail`Chimp' OR 1=1 //"
    return build_graph(load_record(make_record(data)))


def test_quotes_backslashes_and_newlines_survive_the_script(
    tmp_path: Path, make_record: Any
) -> None:
    graph = nasty_record(make_record)
    script = cypher_script(graph, batch_size=2)
    statements = split_statements(script)
    # No user text broke out of its literal: exactly the statements that were generated.
    assert statements == script_statements(graph, 2)
    starts = ("// ", "CREATE ", "UNWIND [", "  {", "] AS row", "MATCH (", "MERGE (", "SET ")
    for line in script.splitlines():
        assert line == "" or line.startswith(starts), line  # no value spilled onto a new line
    path = tmp_path / "nasty.lbug"
    run_script(script, path)
    store = read_only(path)
    try:
        activity = store.query(
            "MATCH (a:Activity {id: 'newsletter'}) RETURN a.name, a.purposes, a.note"
        ).rows
        category = store.query("MATCH (d:DataCategory {id: 'email'}) RETURN d.name").rows
        recipient = store.query("MATCH (r:Recipient {id: 'mailchimp'}) RETURN r.name").rows
        total = store.query("MATCH (n) RETURN count(n)").rows
    finally:
        store.close()
    assert activity == [[NASTY_NAME, [NASTY_PURPOSE, "plain"], NASTY_NOTE]]
    assert category == [["e-mail ' address \\"]]
    assert recipient == [["Mail`Chimp' OR 1=1 //"]]
    assert total == [[graph.number_of_nodes()]]


def test_header_comments_cannot_be_broken_by_user_text(make_record: Any) -> None:
    graph = nasty_record(make_record)
    script = cypher_script(graph)
    header = script.split("\n\n", 1)[0].splitlines()
    assert header and all(line.startswith("// ") for line in header)


@pytest.mark.parametrize("batch_size", [1, 5])
def test_no_statement_holds_more_rows_than_the_batch_size(
    kynex_graph: Graph, batch_size: int
) -> None:
    for statement in script_statements(kynex_graph, batch_size):
        if statement.startswith("UNWIND ["):
            rows = statement.split("\n] AS row", 1)[0].count("\n  {")
            assert 1 <= rows <= batch_size
