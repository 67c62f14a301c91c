"""The pages' paged and counted reads (issue 15) give the same answers as the full reads they
replace: the lawful-basis matrix, the transfers table, country filter and world map, the
disclosures per recipient kind, the Findings page's business-function filter, the breach
drawing, and the findings kept beside the store.

Each is checked on Kynex and on a generated record of 600 activities (several pages of every
table), against the old computation from the full answer, page by page.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import findings_cache, page_queries, paged, tables, world_map
from dashboard.data import Loaded
from graph.findings import run_findings
from graph.queries import get_query
from graph.stores import EmbeddedStore
from graph.synthetic import generate_record
from graph.tables import build_tables
from graph.visual import graph_among, graph_from_store, view_of
from loaders import content_hash, load_record
from tests.conftest import KYNEX, ROOT, write_record

APP = ROOT / "dashboard" / "streamlit_app.py"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("paged")
    path = write_record(folder / "large.yaml", generate_record(600, seed=3))
    with EmbeddedStore(folder / "large.lbug") as store:
        store.load_tables(build_tables(load_record(path), content_hash(path)))
    yield path, folder / "large.lbug"


@pytest.fixture(params=["kynex", "large"])
def env(
    request: pytest.FixtureRequest,
    kynex_store: EmbeddedStore,
    large: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Path, int]]:
    """(store, page size): Kynex in pages of 4 rows, the generated record in pages of 50."""
    if request.param == "kynex":
        record, db, size = KYNEX, Path(kynex_store.path), 4
    else:
        record, db = large
        size = 50
    monkeypatch.setenv("ROPAGRAPH_DB", str(db))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db, size
    st.cache_data.clear()
    st.cache_resource.clear()


def current() -> Loaded:
    from dashboard import data

    return data.loaded(data.default_source())


def all_pages(
    fetch: Callable[[int, int], tuple[pd.DataFrame, int]], size: int
) -> tuple[pd.DataFrame, int]:
    """Every page of a paged read, concatenated, and the total it reported (checked constant)."""
    frames, totals, skip = [], set(), 0
    while True:
        rows, total = fetch(size, skip)
        totals.add(total)
        frames.append(rows)
        skip += size
        if skip >= total:
            break
    assert len(totals) == 1
    joined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return joined, totals.pop()


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal cell by cell (an absent value is absent whether pandas says None or NaN)."""

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reset_index(drop=True).astype(object)
        return frame.where(frame.notna(), None)

    pd.testing.assert_frame_equal(plain(left), plain(right))


def in_order(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` sorted on ``columns`` (missing values last, as the store sorts them)."""
    return frame.sort_values(columns, kind="stable", na_position="last").reset_index(drop=True)


def test_basis_matrix_pages_are_the_full_matrix(env: tuple[Path, int]) -> None:
    from dashboard import data

    _, size = env
    now = current()
    bases = data.catalog(now, "basis-summary")
    full = tables.basis_matrix(
        data.cypher_frame(now, page_queries.ACTIVITIES),
        data.catalog(now, "activities-by-basis"),
        bases,
    )
    assert len(full) > size
    pages, total = all_pages(lambda n, s: paged.basis_matrix_page(now, bases, n, s), size)
    assert total == len(full)
    same(pages, full)
    old_used = [c for c in full.columns[1:-1] if (full[c] != "").any()]
    assert paged.used_basis_columns(bases) == old_used


def test_transfer_filter_map_and_table_match_the_full_table(env: tuple[Path, int]) -> None:
    from dashboard import data

    _, size = env
    now = current()
    # The catalog's order leaves ties (two activities of one name); pages need them broken.
    transfers = in_order(
        data.catalog(now, "third-country-transfers"),
        ["country", "recipient", "activity", "mechanism", "activityId", "recipientId"],
    )
    places = paged.transfer_places(now)
    assert not transfers.empty
    old_places = dict(zip(transfers["country"], transfers["countryName"], strict=True))
    assert paged.destination_names(places) == {str(k): str(v) for k, v in old_places.items()}
    assert paged.recipients_abroad(places) == list(
        dict.fromkeys(str(r) for r in transfers["recipientId"])
    )
    old_map = world_map.destinations(tables.map_transfers(transfers, TODAY), TODAY)
    new_map = tables.map_transfers(paged.map_rows(places), TODAY)
    assert world_map.destinations(new_map, TODAY) == old_map
    assert paged.transfer_totals(places) == tables.count_transfers(transfers)
    assert paged.transfer_totals(places) == data.transfer_totals(now)
    rows, total = all_pages(lambda n, s: paged.transfers_page(now, places, [], n, s), size)
    assert total == len(transfers)
    same(rows, transfers)
    chosen = sorted(old_places)[:2]
    rows, total = all_pages(lambda n, s: paged.transfers_page(now, places, chosen, n, s), size)
    expected = transfers[transfers["country"].isin(chosen)]
    assert total == len(expected) > 0
    same(rows, expected)


def test_disclosures_per_kind_match_the_full_read(env: tuple[Path, int]) -> None:
    from dashboard import data

    _, size = env
    now = current()
    disclosures = in_order(
        data.cypher_frame(now, page_queries.DISCLOSURES),
        ["kind", "recipient", "activity", "recipientId", "activityId"],
    )
    codes = sorted({str(c) for c in disclosures["country"].dropna()})
    blocks = paged.disclosure_blocks(now)
    assert paged.disclosure_countries(blocks) == codes
    kinds = tables.group_kinds(str(k) for k in data.catalog(now, "recipients")["kind"])
    for countries in ([], codes[:1]):
        shown = disclosures[disclosures["country"].isin(countries)] if countries else disclosures
        for kind in kinds:
            expected = shown[shown["kind"] == kind]
            rows, total = all_pages(
                partial(paged.disclosures_page, now, blocks, kind, countries), size
            )
            assert total == len(expected), (kind, countries)
            if total:
                same(rows, expected)


def test_what_goes_to_a_recipient_matches_the_catalog(env: tuple[Path, int]) -> None:
    from dashboard import data

    _, size = env
    now = current()
    recipients = data.catalog(now, "recipients")
    for recipient in [*list(recipients["recipientId"])[:5], str(recipients["recipient"][0])]:
        # the catalog's order is total (ties broken by ids), so pages follow it exactly
        expected = data.catalog(now, "what-goes-to", recipient=recipient)
        rows, total = all_pages(
            partial(data.catalog_page, now, page_queries.WHAT_GOES_TO, recipient=recipient), size
        )
        assert total == len(expected)
        if total:
            same(rows, expected)


def test_business_function_filter_matches_the_graph(env: tuple[Path, int]) -> None:
    from dashboard import findings_view

    db, _ = env
    now = current()
    with EmbeddedStore(db) as store:
        graph = graph_from_store(store)
        report = run_findings(store, as_of=TODAY)
    old_functions = sorted(
        {str(f) for _, f in graph.nodes(data="businessFunction") if isinstance(f, str) and f}
    )
    assert paged.business_functions(now) == old_functions
    for wanted in [[f] for f in old_functions[:3]] + [old_functions[:2]]:
        old = [
            f
            for f in report.findings
            if findings_view.business_functions_of(graph, f) & set(wanted)
        ]
        assert paged.in_functions(now, report.findings, wanted) == old, wanted


def test_a_drawing_from_the_nodes_among_keys_equals_one_from_the_whole_graph(
    env: tuple[Path, int],
) -> None:
    db, _ = env
    with EmbeddedStore(db) as store:
        graph = graph_from_store(store)
        keys = sorted(graph.nodes)
        for chosen in (keys[::3], keys[:40], [*keys[::7], "Nowhere:x"]):
            among = graph_among(store, chosen)
            assert view_of(among, chosen).visual == view_of(graph, chosen).visual
            assert view_of(among, chosen, max_nodes=10).visual == (
                view_of(graph, chosen, max_nodes=10).visual
            )


def test_findings_kept_beside_the_store_are_the_report(
    kynex_store: EmbeddedStore, tmp_path: Path
) -> None:
    report = run_findings(kynex_store, as_of=TODAY)
    assert report.findings
    folder = tmp_path / "kept"
    key = findings_cache.entry_key("abc", TODAY, findings_cache.rules_version())
    assert findings_cache.read(folder, key) is None
    findings_cache.write(folder, key, report)
    assert findings_cache.read(folder, key) == report
    assert findings_cache.entry_key("abd", TODAY, "v") != findings_cache.entry_key(
        "abc", TODAY, "v"
    )
    assert findings_cache.entry_key("abc", TODAY, "v") != (
        findings_cache.entry_key("abc", TODAY + dt.timedelta(days=1), "v")
    )
    entry = folder / f"{key}.json"
    entry.write_text(entry.read_text(encoding="utf-8")[:-20], encoding="utf-8")  # damaged
    assert findings_cache.read(folder, key) is None
    findings_cache.write(folder, key, report)
    other = json.loads(entry.read_text(encoding="utf-8"))
    other["report"]["findings"][0]["severity"] = "catastrophic"  # not a severity
    entry.write_text(json.dumps(other), encoding="utf-8")
    assert findings_cache.read(folder, key) is None
    (folder / "elsewhere.json").write_text(json.dumps({"key": "x", "report": {}}))
    assert findings_cache.read(folder, "elsewhere") is None  # names another key inside


def test_the_overview_summary_is_kept_and_equals_the_report(
    kynex_store: EmbeddedStore, tmp_path: Path
) -> None:
    from dashboard import findings_view

    report = run_findings(kynex_store, as_of=TODAY)
    made = findings_view.summary(report, 5)
    assert made.total == len(report.findings)
    assert made.counts == {str(s): n for s, n in report.counts().items()}
    top = findings_view.top_by_rule(report.findings, 5)
    assert made.top == top.to_dict("records")
    folder = tmp_path / "kept"
    assert findings_cache.read_summary(folder, "k") is None
    findings_cache.write_summary(folder, "k", made)
    assert findings_cache.read_summary(folder, "k") == made
    assert findings_cache.read_summary(folder, "other") is None
    (folder / "k.summary.json").write_text("{not json", encoding="utf-8")
    assert findings_cache.read_summary(folder, "k") is None


def test_a_new_process_reads_the_kept_findings_instead_of_running_the_rules(
    large: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import graph.findings
    from dashboard import data

    record, db = large
    copy = tmp_path / "copy.lbug"
    shutil.copy(db, copy)
    monkeypatch.setenv("ROPAGRAPH_DB", str(copy))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    st.cache_data.clear()
    st.cache_resource.clear()
    first = data.findings(current(), TODAY)
    assert not isinstance(first, data.Unavailable) and first.findings
    assert not first.errors, first.errors
    assert list(findings_cache.folder_of(copy).glob("*.json"))
    data.clear_caches()  # as a new dashboard process: nothing in memory

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rules ran again for the same store generation and date")

    monkeypatch.setattr(graph.findings, "run_findings", must_not_run)
    assert data.findings(current(), TODAY) == first
    data.clear_caches()
    from dashboard import findings_view, overview_data

    today = data.findings(current())  # the Overview's summary is today's (kept as well)
    assert not isinstance(today, data.Unavailable)
    data.clear_caches()
    summary = overview_data.findings_summary(current(), 5)  # from the kept report
    data.clear_caches()
    for entry in findings_cache.folder_of(copy).glob("*.json"):  # only summaries left
        if not entry.name.endswith(".summary.json"):
            entry.unlink()
    summary_again = overview_data.findings_summary(current(), 5)  # from the summary file
    assert summary == summary_again == findings_view.summary(today, 5)


def test_the_large_pages_show_a_page_and_say_how_many(
    large: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, db = large
    monkeypatch.setenv("ROPAGRAPH_DB", str(db))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    st.cache_data.clear()
    st.cache_resource.clear()
    with EmbeddedStore(db) as store:
        activities = store.query(page_queries.ACTIVITIES).rows
        transfers = store.query(get_query("third-country-transfers").cypher).rows
        missing = store.query(get_query("activities-without-basis").cypher).rows
        disclosures = store.query(page_queries.DISCLOSURES).rows

    def page(name: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.run()
        at.switch_page(f"app_pages/{name}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at

    at = page("lawful_basis")
    matrix = next(d.value for d in at.dataframe if "no basis stated" in d.value.columns)
    assert list(matrix["activity"]) == [str(row[1]) for row in activities[:50]]
    pages = -(-len(activities) // 50)
    assert at.number_input(key="basis_matrix-page").label == f"Page (of {pages})"
    assert any(c.value == f"Rows 1–50 of {len(activities):,}" for c in at.caption)
    if missing:
        assert any(w.value.startswith(f"{len(missing):,} activit") for w in at.warning)
    at.number_input(key="basis_matrix-page").set_value(2).run()
    matrix = next(d.value for d in at.dataframe if "no basis stated" in d.value.columns)
    assert list(matrix["activity"]) == [str(row[1]) for row in activities[50:100]]

    at = page("transfers")
    table = next(d.value for d in at.dataframe if "status source" in d.value.columns)
    assert list(table["activity"]) == [str(row[1]) for row in transfers[:50]]
    assert any(c.value == f"Rows 1–50 of {len(transfers):,}" for c in at.caption)
    assert len(at.get("plotly_chart")) == 1  # the world map

    at = page("recipients")
    per_kind = pd.Series([str(row[0]) for row in disclosures]).value_counts()
    assert per_kind.max() > 50
    captions = {c.value for c in at.caption}
    for kind, n in per_kind.items():
        if n > 50:
            assert f"Rows 1–50 of {n:,}" in captions, kind
            assert at.number_input(key=f"recipients_kind_{kind}-page").label == (
                f"Page (of {-(-n // 50)})"
            )
