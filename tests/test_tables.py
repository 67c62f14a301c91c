"""The fast load path (record -> Arrow tables -> store, no networkx) gives the same store as the
networkx path (record -> graph -> tables -> store): same nodes, relationships and properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.build import Graph, build_graph, counts_by_label, counts_by_type
from graph.model import Record
from graph.stores import EmbeddedStore
from graph.synthetic import generate_record, write_generated
from graph.tables import GraphTables, build_tables, tables_from_graph
from loaders import content_hash, load_record
from tests.test_store import snapshot


def _as_python(tables: GraphTables) -> dict[str, Any]:
    out: dict[str, Any] = {label: t.to_pylist() for label, t in tables.nodes.items()}
    out.update({f"{k[0]}:{k[1][0]}->{k[1][1]}": t.to_pylist() for k, t in tables.rels.items()})
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Record, str]:
    folder = tmp_path_factory.mktemp("generated") / "record"
    write_generated(generate_record(300, seed=3), folder, per_file=100)
    return load_record(folder), content_hash(folder)


def test_tables_equal_the_graphs_tables_on_kynex(
    kynex_path: Path, kynex_record: Record, kynex_graph: Graph
) -> None:
    fast = build_tables(kynex_record, content_hash(kynex_path))
    slow = tables_from_graph(kynex_graph)
    # Row for row, in the same order, with the same schema (types included).
    assert _as_python(fast) == _as_python(slow)
    assert {k: t.schema for k, t in fast.nodes.items()} == {
        k: t.schema for k, t in slow.nodes.items()
    }
    assert fast.node_count == kynex_graph.number_of_nodes()
    assert fast.counts_by_label() == counts_by_label(kynex_graph)
    assert fast.counts_by_type() == counts_by_type(kynex_graph)
    assert fast.relationship_count == kynex_graph.number_of_edges()


def test_tables_equal_the_graphs_tables_on_a_generated_record(
    generated: tuple[Record, str],
) -> None:
    record, digest = generated
    graph = build_graph(record, digest)
    fast = build_tables(record, digest)
    assert _as_python(fast) == _as_python(tables_from_graph(graph))
    assert fast.relationship_count == graph.number_of_edges() > 1000


def test_both_paths_give_the_same_store(
    tmp_path: Path, kynex_record: Record, generated: tuple[Record, str]
) -> None:
    for name, (record, digest) in {"kynex": (kynex_record, "k"), "generated": generated}.items():
        with EmbeddedStore(tmp_path / f"{name}-graph.lbug") as slow:
            slow_report = slow.load(build_graph(record, digest))
            expected = snapshot(slow)
        with EmbeddedStore(tmp_path / f"{name}-tables.lbug") as fast:
            fast_report = fast.load_tables(build_tables(record, digest))
            assert snapshot(fast) == expected
        assert (fast_report.nodes, fast_report.relationships) == (
            slow_report.nodes,
            slow_report.relationships,
        )


def test_a_repeated_link_is_one_relationship_in_both_paths(make_record: Any) -> None:
    from tests.conftest import minimal_record_data

    data = minimal_record_data()
    data["activities"][0]["data_categories"] = ["email", "email"]
    record = load_record(make_record(data))
    fast = build_tables(record).rels[("PROCESSES", ("Activity", "DataCategory"))]
    slow = tables_from_graph(build_graph(record)).rels[("PROCESSES", ("Activity", "DataCategory"))]
    assert fast.to_pylist() == slow.to_pylist()
    assert fast.num_rows == 1


def _both(record: Record) -> tuple[dict[str, Any], dict[str, Any]]:
    return _as_python(build_tables(record, "h")), _as_python(
        tables_from_graph(build_graph(record, "h"))
    )


def test_repeats_within_an_activity_merge_as_networkx_merges_them(make_record: Any) -> None:
    """Whole-column building falls back to edge by edge for a type with a repeat: the same
    rows, the properties of a repeated disclosure or basis updated in place."""
    from tests.conftest import minimal_record_data

    data = minimal_record_data()
    act = data["activities"][0]
    act["recipients"] = [
        {"recipient": "mailchimp", "purpose": "sending", "data_categories": ["email"]},
        {"recipient": "mailchimp", "ref": "test §9"},
    ]
    act["lawful_bases"] = ["consent", {"basis": "consent", "note": "again", "vague": True}]
    act["sources"] = ["form", "form"]
    data["sources"] = [{"id": "form", "name": "Web form", "kind": "data_subject"}]
    second = {**act, "id": "second", "sources": ["form"], "lawful_bases": ["contract"]}
    data["activities"].append(second)
    fast, slow = _both(load_record(make_record(data)))
    assert fast == slow
    [first, _] = fast["DISCLOSES_TO:Activity->Recipient"]
    assert (first["purpose"], first["ref"]) == ("sending", "test §9")
    assert len(fast["SUPPLIES:Source->Activity"]) == 2


def test_cookies_shared_by_activities_and_supplies_in_source_order(make_record: Any) -> None:
    """The first definition of a cookie wins, in either path; SUPPLIES rows come grouped by
    source in source order (the activities name their sources in another order)."""
    from tests.conftest import minimal_record_data

    data = minimal_record_data()
    base = data["activities"][0]
    cookie = {"id": "sid", "name": "Session", "purpose": "strictly_necessary", "ref": "first"}
    data["sources"] = [
        {"id": f"s{i}", "name": f"Source {i}", "kind": "data_subject"} for i in range(3)
    ]
    data["activities"] = [
        {**base, "id": f"a{i}", "sources": [f"s{2 - i}"], "cookies": [cookie]} for i in range(3)
    ]
    data["activities"][2]["cookies"] = [{**cookie, "ref": "second"}]
    fast, slow = _both(load_record(make_record(data)))
    assert fast == slow
    assert [c["ref"] for c in fast["Cookie"]] == ["first"]
    sources = [row["from"] for row in fast["SUPPLIES:Source->Activity"]]
    assert sources == sorted(sources)


def test_activities_after_others_go_edge_by_edge_and_agree() -> None:
    """The table sink's per-edge fallback (an Activity node already there) gives the same
    tables as the whole-column path."""
    from graph.build import emit
    from graph.build_activity import emit_activity
    from graph.tables import _TableSink

    record = generate_record(60, seed=4)
    checked = Record.model_validate(record)
    columns = _TableSink()
    emit(columns, checked, "h")

    class EdgeByEdge(_TableSink):
        def activities(self, activities: list[Any], controller: str) -> None:
            for act in activities:
                emit_activity(self, act, controller)

    one_by_one = EdgeByEdge()
    emit(one_by_one, checked, "h")
    assert _as_python(columns.tables()) == _as_python(one_by_one.tables())
