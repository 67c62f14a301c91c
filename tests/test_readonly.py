"""The read-only guard refuses writes and lets reads through, whatever the spelling."""

from __future__ import annotations

import pytest

from graph.stores.readonly import WriteRefused, check_read_only


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Activity {id: 'x'})",
        "MATCH (n) DETACH DELETE n",
        "match (n) delete n",
        "MERGE (c:Country {id: 'FR'})",
        "MATCH (n:Activity) SET n.name = 'x'",
        "MATCH (n:Activity) REMOVE n.name",
        "DROP TABLE Activity",
        "COPY Activity FROM 'x.csv'",
        "LOAD FROM 'file.csv' RETURN *",
        "MATCH (n) RETURN n; CREATE (m:Country {id: 'X'})",
        "CALL apoc.periodic.iterate('x', 'y', {})",
        "CALL db.createLabel('X')",
        "ALTER TABLE Activity ADD x STRING",
        "MATCH (n) FOREACH (x IN [1] | SET n.a = x)",
        "INSTALL httpfs",
        "ATTACH 'other.lbug' AS o",
    ],
)
def test_write_clauses_refused(cypher: str) -> None:
    with pytest.raises(WriteRefused, match="refused"):
        check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n:Activity) RETURN n.name",
        "MATCH (n:Activity) WHERE n.name CONTAINS 'CREATE' RETURN n",
        'MATCH (n:Activity) WHERE n.description = "DELETE everything" RETURN n',
        "// CREATE in a comment\nMATCH (n) RETURN count(n)",
        "/* MERGE */ MATCH (n) RETURN n",
        "MATCH (n:Activity) RETURN n.set AS set_value",
        "MATCH (n:Activity) RETURN {delete: 1, create: 2} AS m",
        "CALL show_tables() RETURN *",
        "CALL db.labels()",
        "MATCH (a:Activity) WHERE NOT EXISTS { MATCH (a)-[:RELIES_ON]->() } RETURN a",
        "MATCH (`CREATE`:Activity) RETURN `CREATE`",
    ],
)
def test_reads_allowed(cypher: str) -> None:
    check_read_only(cypher)


def test_message_says_what_to_do() -> None:
    with pytest.raises(WriteRefused) as info:
        check_read_only("MATCH (n) DETACH DELETE n")
    assert "ropagraph load" in str(info.value)
