"""The push's sync, run statement for statement on ladybug (see tests/test_neo4j_support.py).

These exercise the exact Cypher ``ropagraph push`` sends — MERGE batches, stale detection,
deletes scoped by the record tag — on a real engine. The same behaviour against a real Neo4j
server is covered by tests/test_store_contract.py when NEO4J_URI is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.build import Graph, build_graph
from graph.queries import CATALOG
from graph.stores.neo4j_sync import TAG_RECORD, TAG_UID, node_batches, remove_record, sync_graph
from loaders import load_record
from tests.conftest import minimal_record_data
from tests.test_neo4j_support import KYNEX_PARAMS, LadybugRunner, read_only, snapshot


def graph_of(make_record: Any, data: dict[str, Any]) -> Graph:
    return build_graph(load_record(make_record(data)))


def sync(path: Path, graph: Graph, batch_size: int = 1000) -> Any:
    runner = LadybugRunner(path)
    try:
        return sync_graph(runner, graph, batch_size)
    finally:
        runner.close()


def state(path: Path) -> tuple[list[str], list[str]]:
    store = read_only(path)
    try:
        return snapshot(store)
    finally:
        store.close()


def test_sync_of_kynex_answers_every_catalog_query_like_the_embedded_store(
    tmp_path: Path, kynex_graph: Graph, kynex_store: Any
) -> None:
    path = tmp_path / "neo.lbug"
    counts = sync(path, kynex_graph, batch_size=7)
    assert counts.nodes_created == kynex_graph.number_of_nodes()
    assert counts.relationships_created == kynex_graph.number_of_edges()
    assert counts.nodes_removed == counts.relationships_removed == 0
    store = read_only(path)
    try:
        for name, query in CATALOG.items():
            params = query.bind(KYNEX_PARAMS.get(name, {}))
            synced = store.query(CATALOG[name].cypher, params).rows
            loaded = kynex_store.query(CATALOG[name].cypher, params).rows
            assert synced == loaded, name
    finally:
        store.close()


def test_every_node_and_relationship_is_tagged_with_its_record(
    tmp_path: Path, make_record: Any
) -> None:
    graph = graph_of(make_record, minimal_record_data())
    path = tmp_path / "neo.lbug"
    sync(path, graph)
    runner = LadybugRunner(path)
    try:
        nodes = runner.read(f"MATCH (n) RETURN n.{TAG_RECORD}, n.{TAG_UID}, n.id", {})
        rels = runner.read(f"MATCH ()-[r]->() RETURN r.{TAG_RECORD}, r.{TAG_UID}", {})
    finally:
        runner.close()
    assert len(nodes) == graph.number_of_nodes()
    assert all(rec == "t" and uid == f"t:{node_id}" for rec, uid, node_id in nodes)
    assert len(rels) == graph.number_of_edges()
    assert all(rec == "t" and uid.startswith("t:") for rec, uid in rels)
    assert len({uid for _, uid in rels}) == len(rels)


def test_pushing_the_same_record_twice_changes_nothing(tmp_path: Path, make_record: Any) -> None:
    graph = graph_of(make_record, minimal_record_data())
    path = tmp_path / "neo.lbug"
    sync(path, graph)
    first = state(path)
    again = sync(path, graph)
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert (again.nodes_removed, again.relationships_removed) == (0, 0)
    assert state(path) == first


def test_a_changed_record_loses_what_it_no_longer_has(tmp_path: Path, make_record: Any) -> None:
    data = minimal_record_data()
    data["recipients"].append(
        {"id": "printer", "name": "Print & Post Ltd", "kind": "processor", "country": "FR"}
    )
    data["activities"][0]["recipients"] = ["mailchimp", "printer"]
    data["activities"][0]["description"] = "to be removed"
    path = tmp_path / "neo.lbug"
    sync(path, graph_of(make_record, data))

    changed = minimal_record_data()  # no printer, no description, no FR
    counts = sync(path, graph_of(make_record, changed))

    store = read_only(path)
    try:
        recipients = store.query("MATCH (r:Recipient) RETURN r.id ORDER BY r.id").rows
        countries = store.query("MATCH (c:Country) RETURN c.id ORDER BY c.id").rows
        description = store.query("MATCH (a:Activity {id: 'newsletter'}) RETURN a.description")
        disclosures = store.query(
            "MATCH (:Activity)-[d:DISCLOSES_TO]->(r:Recipient) RETURN r.id"
        ).rows
    finally:
        store.close()
    assert recipients == [["mailchimp"]]
    assert countries == [["GB"], ["US"]]
    assert description.rows == [[None]]
    assert disclosures == [["mailchimp"]]
    # printer and FR; printer's DISCLOSES_TO and LOCATED_IN
    assert (counts.nodes_removed, counts.relationships_removed) == (2, 2)
    assert state(path) == _fresh_state(tmp_path, make_record, changed)


def _fresh_state(tmp_path: Path, make_record: Any, data: dict[str, Any]) -> Any:
    path = tmp_path / "fresh.lbug"
    sync(path, graph_of(make_record, data))
    return state(path)


def test_a_second_record_and_foreign_data_are_untouched(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "neo.lbug"
    record_a = minimal_record_data(record={"id": "a", "name": "A"})
    record_b = minimal_record_data(record={"id": "b", "name": "B"})
    sync(path, graph_of(make_record, record_a))
    sync(path, graph_of(make_record, record_b))
    runner = LadybugRunner(path)
    try:  # someone else's data in the same labels: one untagged node, one unrelated tag
        runner.write(f"CREATE (:Recipient {{{TAG_UID}: 'crm:42', id: 'mailchimp', name: 'X'}})", {})
        runner.write(
            f"CREATE (:Country {{{TAG_UID}: 'zz:FR', id: 'FR', name: 'F', {TAG_RECORD}: 'zz'}})",
            {},
        )
        before_b = runner.read(
            f"MATCH (n) WHERE n.{TAG_RECORD} = 'b' RETURN n.{TAG_UID} ORDER BY n.{TAG_UID}", {}
        )
        rels_b = runner.read(f"MATCH ()-[r]->() WHERE r.{TAG_RECORD} = 'b' RETURN count(r)", {})
    finally:
        runner.close()

    changed_a = minimal_record_data(record={"id": "a", "name": "A"}, recipients=[])
    changed_a["activities"][0]["recipients"] = []
    counts = sync(path, graph_of(make_record, changed_a))
    assert counts.nodes_removed == 2  # a's mailchimp and a's US

    runner = LadybugRunner(path)
    try:
        after_b = runner.read(
            f"MATCH (n) WHERE n.{TAG_RECORD} = 'b' RETURN n.{TAG_UID} ORDER BY n.{TAG_UID}", {}
        )
        assert after_b == before_b
        assert (
            runner.read(f"MATCH ()-[r]->() WHERE r.{TAG_RECORD} = 'b' RETURN count(r)", {})
            == rels_b
        )
        foreign = runner.read(f"MATCH (n) WHERE n.{TAG_UID} IN ['crm:42', 'zz:FR'] RETURN n.id", {})
        assert sorted(foreign) == [["FR"], ["mailchimp"]]
        a_recipients = runner.read(
            f"MATCH (r:Recipient) WHERE r.{TAG_RECORD} = 'a' RETURN r.id", {}
        )
        assert a_recipients == []

        removed = remove_record(runner, "b")
        assert removed.nodes_removed == len(before_b)
        left = runner.read(f"MATCH (n) RETURN DISTINCT n.{TAG_RECORD}", {})
    finally:
        runner.close()
    assert sorted(left, key=str) == sorted([["a"], [None], ["zz"]], key=str)


def test_batch_size_does_not_change_the_result(tmp_path: Path, kynex_graph: Graph) -> None:
    one, many = tmp_path / "one.lbug", tmp_path / "many.lbug"
    sync(one, kynex_graph, batch_size=1)
    sync(many, kynex_graph, batch_size=1000)
    nodes, rels = state(one)
    assert len(nodes) == kynex_graph.number_of_nodes()
    assert len(rels) == kynex_graph.number_of_edges()
    assert (nodes, rels) == state(many)


def test_batches_never_exceed_the_batch_size_and_hold_uniform_rows(kynex_graph: Graph) -> None:
    batches = node_batches(kynex_graph, "kynex", 4)
    assert sum(len(b.rows) for b in batches) == kynex_graph.number_of_nodes()
    for batch in batches:
        assert 1 <= len(batch.rows) <= 4
        for row in batch.rows:
            assert set(row) == {TAG_UID, "id", *batch.keys}
            assert all(value is not None for value in row.values())


def test_progress_reports_every_stage_to_completion(tmp_path: Path, make_record: Any) -> None:
    seen: dict[str, tuple[int, int]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        assert 0 <= done <= total
        seen[stage] = (done, total)

    runner = LadybugRunner(tmp_path / "neo.lbug")
    try:
        sync_graph(runner, graph_of(make_record, minimal_record_data()), 2, progress)
    finally:
        runner.close()
    assert set(seen) == {"nodes", "relationships", "removing what the record no longer has"}
    assert all(done == total for done, total in seen.values())


def test_a_graph_without_one_record_node_is_refused(tmp_path: Path, kynex_graph: Graph) -> None:
    from graph.stores import StoreError

    graph = kynex_graph.copy()
    graph.remove_node("Record:kynex")
    runner = LadybugRunner(tmp_path / "neo.lbug")
    try:
        with pytest.raises(StoreError, match="Record"):
            sync_graph(runner, graph)
    finally:
        runner.close()
