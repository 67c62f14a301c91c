"""The dashboard through Streamlit's AppTest: every page on Kynex, the console, uploads, links.

The app reads its store and record from environment variables; each test points them at a
temporary store (never the user's default one) and clears Streamlit's caches around it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from graph.build import Graph
from graph.stores import EmbeddedStore
from tests.conftest import KYNEX, ROOT, minimal_record_data

APP = ROOT / "dashboard" / "streamlit_app.py"
PAGES = {
    "overview": "Overview",
    "explorer": "Graph explorer",
    "lawful_basis": "Lawful basis",
    "transfers": "Transfers",
    "recipients": "Recipients & sources",
    "findings": "Findings",
    "ropa": "ROPA",
    "console": "Cypher console",
    "upload": "Load a record",
}
TIMEOUT = 60


@pytest.fixture(autouse=True)
def clean_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def kynex_env(
    kynex_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> EmbeddedStore:
    monkeypatch.setenv("ROPAGRAPH_DB", str(kynex_store.path))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(KYNEX))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    return kynex_store


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with a '{column}' column"
    return frames[0]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_runs_on_kynex(kynex_env: EmbeddedStore, page: str) -> None:
    at = open_page(page)
    assert_clean(at)
    assert at.title[0].value == PAGES[page]
    if page != "upload":
        assert "Kynex record of processing" in at.caption[1].value


def test_overview_counts_and_controller(kynex_env: EmbeddedStore) -> None:
    at = open_page("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Activities"] == "16"
    assert metrics["Recipients"] == "15"
    assert metrics["Third-country transfers"] == "2"
    controller = at.dataframe[0].value
    assert "Kynex" in set(controller["value"])
    assert "United Kingdom" in set(controller["value"])
    assert "high findings" in metrics  # findings counts per severity


def test_transfers_lists_google_and_mailchimp_in_the_us(kynex_env: EmbeddedStore) -> None:
    at = open_page("transfers")
    table = frame_with(at, "recipient")
    assert {r.lower() for r in table["recipient"]} == {"google", "mailchimp"}
    assert set(table["country"]) == {"United States"}
    assert all("not in force" in s for s in table.filter(like="status on").iloc[:, 0])
    at.selectbox(key="transfers_recipient").set_value("mailchimp").run()
    goes = frame_with(at, "category")
    assert set(goes["category"]) == {"Newsletter email address"}


def test_lawful_basis_page_flags_missing_bases_and_assessments(kynex_env: EmbeddedStore) -> None:
    at = open_page("lawful_basis")
    matrix = frame_with(at, "no basis stated")
    row = matrix[matrix["activity"] == "Email newsletter (MailChimp)"].iloc[0]
    assert row.filter(like="Consent").iloc[0] == "✓"
    assert any("state no lawful basis" in w.value for w in at.warning)
    lia = frame_with(at, "assessment (LIA)")
    assert set(lia["assessment (LIA)"]) == {"⚠ no assessment recorded"}


def test_console_refuses_writes(kynex_env: EmbeddedStore) -> None:
    at = open_page("console")
    at.text_area(key="console_cypher").input("MATCH (n) DETACH DELETE n")
    at.button[0].click().run()
    assert not at.exception
    assert len(at.error) == 1 and "refused" in at.error[0].value
    assert not at.dataframe


def test_console_runs_a_catalog_query_with_its_parameter(kynex_env: EmbeddedStore) -> None:
    at = open_page("console")
    at.selectbox(key="example").set_value("what-goes-to").run()
    assert "$recipient" in at.text_area(key="console_cypher").value
    at.text_input(key="console_param_recipient").input("mailchimp")
    at.button[0].click().run()
    assert_clean(at)
    result = frame_with(at, "category")
    assert set(result["recipient"]) == {"MailChimp"}
    assert at.get("download_button")


def test_console_draws_returned_nodes_and_reports_errors(kynex_env: EmbeddedStore) -> None:
    at = open_page("console")
    at.text_area(key="console_cypher").input("MATCH (r:Recipient {id: 'google'}) RETURN r")
    at.button[0].click().run()
    assert_clean(at)
    assert [e for e in at.get("iframe")], "the result's nodes are drawn"
    at.text_area(key="console_cypher").input("MATCH (n:NoSuchLabel RETURN n")
    at.button[0].click().run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("The query failed")


def test_explorer_draws_a_self_contained_graph(kynex_env: EmbeddedStore) -> None:
    at = open_page("explorer")
    frames = at.get("iframe")
    assert len(frames) == 1
    page = frames[0].proto.srcdoc
    assert "new vis.Network(" in page and "Recipient:mailchimp" in page
    assert "cdn" not in page.split("<style>")[0]
    at.multiselect(key="explorer_countries").set_value(["US"]).run()
    page = at.get("iframe")[0].proto.srcdoc
    assert "Recipient:google" in page and "Recipient:hmrc" not in page


def test_a_finding_opens_its_element_in_the_explorer(kynex_env: EmbeddedStore) -> None:
    pytest.importorskip("graph.findings", reason="the findings rules (graph/findings) are absent")
    at = open_page("findings")
    assert_clean(at)
    at.button(key="show_TRANSFER-INVALID-MECHANISM_1").click().run()  # one click
    assert_clean(at)
    assert at.title[0].value == "Graph explorer"
    assert at.session_state["explorer_focus"] == "Recipient:mailchimp"
    page = at.get("iframe")[0].proto.srcdoc
    assert '"id": "Recipient:mailchimp"' in page and "#ffd600" in page  # highlighted
    assert any("Transfer under an invalid" in i.value for i in at.info)  # says why
    at.button(key="explorer_back").click().run()  # and the way back
    assert at.title[0].value == "Findings"


def test_ropa_page_offers_every_format(kynex_env: EmbeddedStore) -> None:
    pytest.importorskip("graph.ropa", reason="the ROPA export (graph/ropa/export.py) is absent")
    at = open_page("ropa")
    assert_clean(at)
    labels = " ".join(b.label for b in at.get("download_button"))
    for fmt in ("xlsx", "docx", "html", "md"):
        assert f".{fmt}" in labels


def test_ropa_page_without_a_record_path_says_why(
    kynex_env: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROPAGRAPH_RECORD")
    at = open_page("ropa")
    assert not at.exception
    assert any("started without the record" in w.value for w in at.warning)


def test_an_invalid_upload_shows_its_problems(kynex_env: EmbeddedStore) -> None:
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    at = open_page("upload")
    at.file_uploader(key="upload_files").set_value(
        ("bad.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")
    )
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert at.error and "not valid" in at.error[0].value
    problems = frame_with(at, "suggestion")
    row = problems[problems["message"].str.contains("consnet")].iloc[0]
    assert row["file"] == "bad.yaml" and row["line"] > 0
    assert "lawful_bases" in row["field"]


def test_a_valid_upload_is_explored_without_touching_the_default_store(
    kynex_env: EmbeddedStore,
) -> None:
    before = kynex_env.path.stat().st_mtime_ns
    at = open_page("upload")
    body = yaml.safe_dump(minimal_record_data()).encode()
    at.file_uploader(key="upload_files").set_value(("mine.yaml", body, "application/x-yaml"))
    at.run()
    at.button[0].click().run()
    assert_clean(at)
    assert at.success
    at.switch_page("app_pages/overview.py").run()
    assert_clean(at)
    assert "Test record" in at.caption[1].value
    assert {m.label: m.value for m in at.metric}["Activities"] == "1"
    assert kynex_env.path.stat().st_mtime_ns == before
    at.sidebar.button[0].click().run()  # back to the default record
    assert "Kynex record of processing" in at.caption[1].value


def test_upload_refusal_is_shown(kynex_env: EmbeddedStore) -> None:
    at = open_page("upload")
    at.file_uploader(key="upload_files").set_value(("record.zip", b"PK\x03\x04junk", "x/zip"))
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Upload refused")


def test_an_empty_store_explains_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROPAGRAPH_DB", str(tmp_path / "none.lbug"))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    at = open_page("overview")
    assert not at.exception
    assert at.error and "no store at" in at.error[0].value
    assert "ropagraph dashboard" in at.info[0].value


def test_the_app_keeps_working_while_the_cli_reloads_the_store(
    kynex_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "shared.lbug"
    with EmbeddedStore(db) as store:
        store.load(kynex_graph)
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(minimal_record_data()), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    monkeypatch.setenv("ROPAGRAPH_DB", str(db))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(KYNEX))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert_clean(at)
    assert "Kynex record of processing" in at.caption[1].value

    loader = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "load", str(other), "--db", str(db), "--force"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    runs = 0
    while loader.poll() is None or runs == 0:
        at.run()
        runs += 1
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        time.sleep(0.05)
    _, stderr = loader.communicate()
    assert loader.returncode == 0, stderr.decode()
    at.run()
    assert_clean(at)
    assert "Test record" in at.caption[1].value
    assert {m.label: m.value for m in at.metric}["Activities"] == "1"


def test_ropa_documents_are_built_on_demand_for_the_loaded_record(
    kynex_env: EmbeddedStore,
) -> None:
    pytest.importorskip("graph.ropa", reason="the ROPA export (graph/ropa/export.py) is absent")
    from dashboard import data

    current = data.loaded(data.default_source())
    xlsx = data.ropa(current, "xlsx")
    assert isinstance(xlsx, bytes) and xlsx[:2] == b"PK"
    markdown = data.ropa(current, "md")
    assert isinstance(markdown, bytes) and b"Kynex" in markdown
    assert data.ropa(current, "md") == markdown


def test_neo4j_without_settings_is_a_message_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROPAGRAPH_STORE", "neo4j")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = open_page("overview")
    assert not at.exception
    assert at.error and "NEO4J_URI is not set" in at.error[0].value


@pytest.mark.neo4j
def test_pages_run_on_neo4j(
    kynex_graph: Graph, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        pytest.skip("no Neo4j server: set NEO4J_URI and NEO4J_PASSWORD (see docs/neo4j.md)")
    from graph.stores.neo4j_store import open_neo4j_store

    store = open_neo4j_store(prompt=None)
    other = store.query("MATCH (r:Record) WHERE r.id <> 'kynex' RETURN count(r) AS n").rows[0][0]
    if other:
        pytest.skip("the Neo4j database holds other records: run this on an empty one")
    store.load(kynex_graph)
    try:
        monkeypatch.setenv("ROPAGRAPH_STORE", "neo4j")
        monkeypatch.setenv("ROPAGRAPH_RECORD", str(KYNEX))
        monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path))
        for page in ("overview", "explorer", "transfers", "console"):
            at = open_page(page)
            assert_clean(at)
        at = open_page("transfers")
        table = frame_with(at, "recipient")
        assert {r.lower() for r in table["recipient"]} == {"google", "mailchimp"}
        at = open_page("explorer")
        assert "Recipient:mailchimp" in at.get("iframe")[0].proto.srcdoc
    finally:
        store.remove("kynex")


@pytest.mark.neo4j
def test_two_records_in_one_neo4j_database_are_both_shown(
    kynex_graph: Graph, make_record: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        pytest.skip("no Neo4j server: set NEO4J_URI and NEO4J_PASSWORD (see docs/neo4j.md)")
    from graph.build import build_graph
    from graph.stores.neo4j_store import open_neo4j_store
    from loaders import load_record

    store = open_neo4j_store(prompt=None)
    second = f"second-{uuid.uuid4().hex[:8]}"
    data = minimal_record_data(record={"id": second, "name": "Second record", "ref": "t"})
    store.load(kynex_graph)
    store.load(build_graph(load_record(make_record(data)), "second-hash"))
    try:
        monkeypatch.setenv("ROPAGRAPH_STORE", "neo4j")
        monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path))
        at = open_page("overview")
        assert not at.exception, [e.value for e in at.exception]
        caption = " ".join(c.value for c in at.caption)
        assert "Kynex record of processing" in caption and "Second record" in caption
        assert any("records; the pages show them together" in w.value for w in at.warning)
        ids = {  # headers are plain words: 'id' reads 'identifier'
            i
            for d in at.dataframe
            if "identifier" in d.value.columns
            for i in d.value["identifier"]
        }
        assert {"kynex", second} <= ids
    finally:
        store.remove(second)
        store.remove("kynex")


# --------------------------------------------------------------------------- issue 16


def _values(data: object) -> list[object]:
    """A plotly JSON array: a list, or a typed array {dtype, bdata} (base64)."""
    if isinstance(data, dict):
        import base64

        import numpy as np

        return list(np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]))
    return list(data)  # type: ignore[call-overload]


def test_basis_charts_show_no_basis_stated(kynex_env: EmbeddedStore) -> None:
    from collections import Counter

    from graph.findings import run_findings

    rule_counts = Counter(f.rule for f in run_findings(kynex_env).findings)
    for page in ("overview", "lawful_basis"):
        at = open_page(page)
        assert_clean(at)
        charts = [c.proto.spec for c in at.get("plotly_chart")]
        spec = next(c for c in charts if "Consent (Art 6(1)(a))" in c)
        assert '"no basis stated"' in spec, page
        chart = json.loads(spec)
        bars = {
            y: x
            for trace in chart["data"]
            for x, y in zip(_values(trace["x"]), trace["y"], strict=True)
        }
        # The gaps the rules flag, counted independently: no basis at all, and only vague ones.
        assert bars["no basis stated"] == rule_counts["LAWFUL-BASIS-MISSING"] > 0
        assert bars["basis stated only vaguely"] == rule_counts["LAWFUL-BASIS-VAGUE"] > 0


def test_findings_are_grouped_by_rule_and_sorted_high_to_info(kynex_env: EmbeddedStore) -> None:
    at = open_page("findings")
    assert_clean(at)
    order = ["high", "medium", "low", "info"]
    assert at.multiselect(key="findings_severity").options == order
    headers = [e.label.split("]")[0].split("[")[-1].lower() for e in at.expander]
    groups = [h for h in headers if h in order]
    assert groups and groups == sorted(groups, key=order.index), groups
    from collections import Counter

    from graph.findings import run_findings

    counts = Counter(f.title for f in run_findings(kynex_env).findings)
    for expander in at.expander:  # one group per rule, with its count
        title, _, count = expander.label.split("] ", 1)[-1].rpartition(" — ")
        if title in counts:
            assert int(count) == counts.pop(title), expander.label
    assert not counts, f"rules without a group: {counts}"
    table = at.table[0].value
    ranks = [order.index(s) for s in table["severity"]]
    assert ranks == sorted(ranks) and ranks[0] == 0 and len(set(ranks)) >= 3


WAIVERS = """\
waivers:
  - rule: RECIPIENT-COUNTRY-UNKNOWN
    element: Recipient:business-partners
    reason: UK network operator; location confirmed by contract.
    owner: dpo@example.com
    review_by: 2030-06-30
"""


def test_a_waiver_hides_a_finding_until_its_review_date(
    kynex_env: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    import shutil

    record = tmp_path / "kynex"
    shutil.copytree(KYNEX, record)
    (record / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    at = open_page("findings")
    at.date_input(key="findings_as_of").set_value(dt.date(2030, 6, 30)).run()
    at.multiselect(key="findings_rule").set_value(["RECIPIENT-COUNTRY-UNKNOWN"]).run()
    assert_clean(at)
    shown = at.table[0].value
    assert set(shown["rule"]) == {"RECIPIENT-COUNTRY-UNKNOWN"} and len(shown) > 1
    assert not shown["element"].str.contains("Business Partners").any()  # waived
    waived = frame_with(at, "owner")
    assert list(waived["owner"]) == ["dpo@example.com"]
    at.date_input(key="findings_as_of").set_value(dt.date(2030, 7, 1)).run()
    shown = at.table[0].value
    assert shown["element"].str.contains("Business Partners").any()  # review date passed
    assert any("passed their review date" in w.value for w in at.warning)
