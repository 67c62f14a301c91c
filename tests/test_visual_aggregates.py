"""The explorer's aggregated first drawing from count() queries equals the one computed by
reading the whole graph back (on Kynex and on a generated record)."""

from __future__ import annotations

from pathlib import Path

from graph.build import Graph, build_graph
from graph.stores import EmbeddedStore
from graph.synthetic import generate_record
from graph.tables import build_tables
from graph.visual import ViewFilter, view
from graph.visual.aggregates import default_overview
from loaders import load_record
from tests.conftest import write_record


def test_same_drawing_as_from_the_graph_on_kynex(
    kynex_store: EmbeddedStore, kynex_graph: Graph
) -> None:
    for cap in (5, 40):
        expected = view(kynex_graph, ViewFilter(max_nodes=cap))
        got = default_overview(kynex_store, max_nodes=cap)
        assert got is not None and expected.aggregated
        assert got.visual == expected.visual
        assert (got.matched, got.aggregated, got.max_nodes) == (
            expected.matched,
            expected.aggregated,
            expected.max_nodes,
        )


def test_same_drawing_on_a_generated_record(tmp_path: Path) -> None:
    record = load_record(write_record(tmp_path / "g.yaml", generate_record(150, seed=2)))
    graph = build_graph(record)
    with EmbeddedStore(tmp_path / "g.lbug") as store:
        store.load_tables(build_tables(record))
        got = default_overview(store, max_nodes=100)
        assert got is not None
        assert got.visual == view(graph, ViewFilter(max_nodes=100)).visual


def test_small_records_are_left_to_the_node_by_node_drawing(kynex_store: EmbeddedStore) -> None:
    assert default_overview(kynex_store, max_nodes=10_000) is None
