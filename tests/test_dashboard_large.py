"""The dashboard pages on a large record (issue 15): figures counted in the store, the
explorer's first view drawn from counts, tables paged in the store.

Kynex is too small to take these paths, so a generated record of 600 activities (more than the
explorer's 500-node cap, more than a 50-row page of consent activities) is loaded once here.
Every figure is checked against the full answer computed the old way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import page_queries, tables
from graph.queries import get_query
from graph.stores import EmbeddedStore
from graph.synthetic import generate_record
from graph.tables import build_tables
from loaders import load_record
from tests.conftest import ROOT, write_record

APP = ROOT / "dashboard" / "streamlit_app.py"
TIMEOUT = 120


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("large")
    path = write_record(folder / "large.yaml", generate_record(600, seed=3))
    with EmbeddedStore(folder / "large.lbug") as store:
        store.load_tables(build_tables(load_record(path)))
    yield path, folder / "large.lbug"


@pytest.fixture
def large_env(large: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    record, db = large
    monkeypatch.setenv("ROPAGRAPH_DB", str(db))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def full(db: Path, cypher: str) -> pd.DataFrame:
    with EmbeddedStore(db) as store:
        result = store.query(cypher)
    return pd.DataFrame(result.rows, columns=result.columns)


def test_basis_chart_from_counts_equals_the_chart_from_full_tables(
    kynex_store: EmbeddedStore, large: tuple[Path, Path]
) -> None:
    def both(query: object) -> tuple[pd.DataFrame, pd.DataFrame]:
        def frame(cypher: str) -> pd.DataFrame:
            result = query(cypher)  # type: ignore[operator]
            return pd.DataFrame(result.rows, columns=result.columns)

        bases = frame(get_query("basis-summary").cypher)
        old = tables.basis_chart(
            bases,
            frame(page_queries.ACTIVITIES),
            frame(get_query("activities-by-basis").cypher),
            tables.vaguely_based(frame(page_queries.BASIS_CLAIMS)),
        )
        [[without, as_processor]] = query(page_queries.BASIS_GAPS).rows  # type: ignore[operator]
        [[vague]] = query(page_queries.VAGUE_BASIS_COUNT).rows  # type: ignore[operator]
        new = tables.basis_chart_from_counts(
            bases, int(without or 0), int(as_processor or 0), int(vague or 0)
        )
        return old, new

    old, new = both(kynex_store.query)
    pd.testing.assert_frame_equal(old, new)
    with EmbeddedStore(large[1]) as store:
        old, new = both(store.query)
    pd.testing.assert_frame_equal(old, new)
    assert set(old["kind"]) >= {"basis", "gap", "vague"}


def test_overview_transfer_figures_match_the_full_table(large_env: Path) -> None:
    at = open_page("overview")
    metrics = {m.label: m.value for m in at.metric}
    transfers = full(large_env, get_query("third-country-transfers").cypher)
    flows, countries = tables.count_transfers(transfers)
    assert flows > 0
    assert metrics["Third-country transfers"] == str(flows)
    assert metrics["Destination countries"] == str(len(countries))


def test_explorer_draws_a_large_record_from_counts_until_asked_for_more(
    large_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The threshold is 10,000 elements; 600 activities (~650 elements) stand in for a large record.
    monkeypatch.setattr("dashboard.explorer_state.COUNTED_ABOVE", 500)
    at = open_page("explorer")
    assert any("counted in the store" in i.value for i in at.info)
    assert not at.multiselect  # no filters yet: they need the whole graph
    assert len(at.get("iframe")) == 1
    at.button(key="explorer_detail").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="explorer_focus") is not None
    assert at.multiselect(key="explorer_functions") is not None
    assert not any("counted in the store" in i.value for i in at.info)


def test_consent_table_is_paged_in_the_store_with_an_exact_count(large_env: Path) -> None:
    everything = full(large_env, get_query("consent-activities").cypher)
    assert len(everything) > 50, "the generated record needs more than one page of consent"
    at = open_page("lawful_basis")
    pages = -(-len(everything) // 50)
    picker = at.number_input(key="basis_consent-page")
    assert picker.label == f"Page (of {pages})"
    assert any(f"Rows 1–50 of {len(everything):,}" == c.value for c in at.caption)
    shown = next(d.value for d in at.dataframe if "how to withdraw" in d.value.columns)
    assert list(shown["activity"]) == list(everything["activity"][:50])
    picker.set_value(2).run()
    shown = next(d.value for d in at.dataframe if "how to withdraw" in d.value.columns)
    assert list(shown["activity"]) == list(everything["activity"][50:100])
    assert any(c.value.startswith("Rows 51–") for c in at.caption)
