"""The dashboard's "Privacy notice" page through Streamlit's AppTest: the generated notice,
its downloads, and the drift report when a published notice is uploaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph.stores import EmbeddedStore
from tests.conftest import KYNEX, ROOT

APP = ROOT / "dashboard" / "streamlit_app.py"
POLICY_TEXT = (
    "6.0 OUR THIRD PARTY DATA PROCESSORS\n\nThe following third parties are based in the USA and "
    "are EU-U.S Privacy Shield compliant:\n\nGoogle\n\nMailChimp\n"
)


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


def open_notice_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("app_pages/notice.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_shows_the_generated_notice_and_its_downloads(kynex_env: EmbeddedStore) -> None:
    at = open_notice_page()
    labels = " ".join(b.label for b in at.get("download_button"))
    for fmt in ("md", "html", "docx"):
        assert f".{fmt}" in labels
    text = " ".join(m.value for m in at.markdown)
    assert "Who we share your information with" in text and "MailChimp" in text
    assert any("drafting note" in w.value for w in at.warning)


def test_an_uploaded_notice_gets_a_drift_report_beside_the_notice(kynex_env: EmbeddedStore) -> None:
    at = open_notice_page()
    at.file_uploader(key="notice_upload").set_value(
        ("policy.txt", POLICY_TEXT.encode(), "text/plain")
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Outdated"]) == 1
    assert int(metrics["Not in the notice"]) > 10  # most of the record is not in this excerpt
    text = " ".join(m.value for m in at.markdown)
    assert "Privacy Shield" in " ".join(c.value for c in at.caption)
    assert "not in the notice" in text
    table = next(d.value for d in at.dataframe if "notice text" in d.value.columns)
    google = table[table["statement"] == "the recipient: Google"].iloc[0]
    assert google["status"] == "found" and google["notice text"] == "Google"


def test_an_unreadable_upload_is_an_error_not_a_crash(kynex_env: EmbeddedStore) -> None:
    at = open_notice_page()
    at.file_uploader(key="notice_upload").set_value(("n.docx", b"not a zip", "x/docx"))
    at.run()
    assert not at.exception
    assert at.error and "not a readable Word" in at.error[0].value


def test_a_long_notice_is_previewed_up_to_a_line_end() -> None:
    from dashboard.widgets import text_preview

    text = "# Notice\n\n- one\n- two\n- three\n"
    assert text_preview(text, 100) == text
    assert text_preview(text, 17) == "# Notice\n\n- one\n"
    assert text_preview("x" * 50, 10) == "x" * 10
