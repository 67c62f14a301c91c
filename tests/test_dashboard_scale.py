"""Dashboard helpers for large records: a table's first page with an exact count, and the
explorer's aggregated first drawing from count() queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.build import Graph
from graph.stores import EmbeddedStore
from graph.visual import ViewFilter, view
from tests.conftest import KYNEX


@pytest.fixture
def kynex_env(
    kynex_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> EmbeddedStore:
    monkeypatch.setenv("ROPAGRAPH_DB", str(kynex_store.path))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(KYNEX))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    return kynex_store


def test_catalog_page_is_the_first_rows_with_the_exact_total(kynex_env: EmbeddedStore) -> None:
    from dashboard import data

    current = data.loaded(data.default_source())
    full = data.catalog(current, "retention-schedule")
    page, total = data.catalog_page(current, "retention-schedule", limit=4)
    assert total == len(full) > 4
    assert page.equals(full.head(4))
    second, _ = data.catalog_page(current, "retention-schedule", limit=4, skip=4)
    assert second.reset_index(drop=True).equals(full.iloc[4:8].reset_index(drop=True))


def test_explorer_overview_matches_the_graph_drawing(
    kynex_env: EmbeddedStore, kynex_graph: Graph
) -> None:
    from dashboard import data

    current = data.loaded(data.default_source())
    got = data.explorer_overview(current, max_nodes=10)
    assert got is not None
    assert got.visual == view(kynex_graph, ViewFilter(max_nodes=10)).visual
    assert data.explorer_overview(current, max_nodes=100_000) is None


def test_transfer_totals_match_the_full_table(kynex_env: EmbeddedStore) -> None:
    from dashboard import data, tables

    current = data.loaded(data.default_source())
    expected = tables.count_transfers(data.catalog(current, "third-country-transfers"))
    assert data.transfer_totals(current) == expected
    assert expected[0] > 0
