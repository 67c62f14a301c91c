"""The embedded store: bulk load, idempotent reloads, atomic swaps, read-only access."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from graph.build import Graph, build_graph
from graph.stores import EmbeddedStore, StoreError, label_counts
from graph.stores.readonly import WriteRefused
from loaders import load_record


def snapshot(store: EmbeddedStore) -> dict[str, list[list[object]]]:
    """Everything in the store, label by label, in a stable order."""
    from graph.schema import NODES, RELS

    out: dict[str, list[list[object]]] = {}
    for spec in NODES:
        props = ", ".join(f"n.{p}" for p in spec.properties)
        out[spec.label] = store.query(f"MATCH (n:{spec.label}) RETURN {props} ORDER BY n.id").rows
    for rel in RELS:
        for a, b in rel.endpoints:
            props = "".join(f", r.{p}" for p in rel.properties)
            out[f"{rel.type}:{a}->{b}"] = store.query(
                f"MATCH (x:{a})-[r:{rel.type}]->(y:{b}) "
                f"RETURN x.id, y.id{props} ORDER BY x.id, y.id"
            ).rows
    return out


def test_load_puts_every_node_and_edge_in_the_store(tmp_path: Path, kynex_graph: Graph) -> None:
    with EmbeddedStore(tmp_path / "s.lbug") as store:
        report = store.load(kynex_graph)
        assert report.nodes == kynex_graph.number_of_nodes()
        counts = label_counts(store)
        assert sum(counts.values()) == kynex_graph.number_of_nodes()
        edges = store.query("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
        assert edges == kynex_graph.number_of_edges()


def test_reload_is_idempotent(tmp_path: Path, kynex_graph: Graph) -> None:
    with EmbeddedStore(tmp_path / "s.lbug") as store:
        store.load(kynex_graph)
        first = snapshot(store)
        store.load(kynex_graph)
        assert snapshot(store) == first
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "s.lbug"]
    assert leftovers == []


def test_failed_load_keeps_the_previous_store(tmp_path: Path, kynex_graph: Graph) -> None:
    with EmbeddedStore(tmp_path / "s.lbug") as store:
        store.load(kynex_graph)
        before = snapshot(store)
        broken = kynex_graph.copy()
        # Two nodes with the same id: the bulk COPY fails on the primary key, mid-load.
        broken.add_node("Activity:dup-1", label="Activity", id="email-newsletter", name="dup")
        with pytest.raises(StoreError, match="previous store is unchanged"):
            store.load(broken)
        assert snapshot(store) == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.lbug"]


def test_refused_record_never_reaches_the_store(
    tmp_path: Path, make_record, kynex_graph: Graph
) -> None:
    from typer.testing import CliRunner

    from graph.cli import app

    db = tmp_path / "s.lbug"
    with EmbeddedStore(db) as store:
        store.load(kynex_graph)
        before = snapshot(store)
    bad = make_record(
        activities=[{"id": "x", "name": "X", "purposes": ["p"], "lawful_bases": ["consnet"]}]
    )
    result = CliRunner().invoke(app, ["load", str(bad), "--db", str(db)])
    assert result.exit_code == 1
    with EmbeddedStore(db) as store:
        assert snapshot(store) == before


def _load_in_child(path: str, record: str) -> None:
    store = EmbeddedStore(path)
    store.load(build_graph(load_record(record), "second"))
    store.close()


def test_reader_keeps_working_while_another_process_reloads(
    tmp_path: Path, kynex_graph: Graph, make_record
) -> None:
    db = tmp_path / "s.lbug"
    with EmbeddedStore(db) as loader:
        loader.load(kynex_graph)
    reader = EmbeddedStore(db)
    assert reader.query("MATCH (a:Activity) RETURN count(a)").rows == [[16]]
    child = multiprocessing.get_context("spawn").Process(
        target=_load_in_child, args=(str(db), str(make_record()))
    )
    child.start()
    child.join(120)
    assert child.exitcode == 0
    # The reader notices the swap and reads the new database, with no lock error.
    assert reader.query("MATCH (a:Activity) RETURN count(a)").rows == [[1]]
    assert reader.record_info()["contentHash"] == "second"
    reader.close()


def test_queries_are_read_only(kynex_store: EmbeddedStore) -> None:
    with pytest.raises(WriteRefused):
        kynex_store.query("MATCH (n) DETACH DELETE n")
    # Even past the clause check, the database handle itself is read-only.
    conn = kynex_store._connection()
    with pytest.raises(RuntimeError, match="read-only"):
        conn.execute("CREATE (:Country {id: 'FR', name: 'France'})")
    assert kynex_store.query("MATCH (c:Country) RETURN count(c)").rows == [[2]]


def test_parameters_are_passed_not_interpolated(kynex_store: EmbeddedStore) -> None:
    result = kynex_store.query(
        "MATCH (r:Recipient) WHERE r.name = $name RETURN r.id", {"name": "Google' OR '1'='1"}
    )
    assert result.rows == []
    result = kynex_store.query(
        "MATCH (r:Recipient) WHERE r.name = $name RETURN r.id", {"name": "Google"}
    )
    assert result.rows == [["google"]]


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="load a record first"):
        EmbeddedStore(tmp_path / "none.lbug").query("MATCH (n) RETURN n")


def test_cypher_errors_are_store_errors(kynex_store: EmbeddedStore) -> None:
    with pytest.raises(StoreError):
        kynex_store.query("MATCH (n:NoSuchLabel) RETURN n")


def test_results_are_plain_json_values(kynex_store: EmbeddedStore) -> None:
    import json

    result = kynex_store.query(
        "MATCH (a:Activity {id: 'email-newsletter'})-[d:DISCLOSES_TO]->(r:Recipient) RETURN a, d, r"
    )
    node, rel, recipient = result.rows[0]
    assert node["_label"] == "Activity" and node["id"] == "email-newsletter"
    assert rel["_type"] == "DISCLOSES_TO"
    assert recipient["name"] == "MailChimp"
    json.dumps(result.records())


def test_default_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from graph.stores import default_store_path

    monkeypatch.setenv("ROPAGRAPH_DB", str(tmp_path / "x.lbug"))
    assert default_store_path() == tmp_path / "x.lbug"
    monkeypatch.delenv("ROPAGRAPH_DB")
    assert default_store_path().name == "store.lbug"
    assert os.fspath(default_store_path()).endswith(os.path.join("ropagraph", "store.lbug"))


def test_paths_come_back_as_nodes_and_relationships(kynex_store: EmbeddedStore) -> None:
    result = kynex_store.query(
        "MATCH p=(a:Activity {id: 'email-newsletter'})-[:DISCLOSES_TO]->(r:Recipient) RETURN p"
    )
    [[path]] = result.rows
    assert [n["id"] for n in path["nodes"]] == ["email-newsletter", "mailchimp"]
    assert [r["_type"] for r in path["relationships"]] == ["DISCLOSES_TO"]
