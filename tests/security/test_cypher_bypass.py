"""Issue 11's three bypasses of the read-only guard, through the CLI and the dashboard console.

On the old main all three worked: the first printed /etc/passwd, the second wrote pwn.csv, the
third left the store unopenable ("checkpoint recovery is pending"). Each test asserts the
opposite of what the attack achieved, so it fails on that code and passes now.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from graph.cli import app
from graph.stores import EmbeddedStore
from tests.conftest import ROOT
from tests.security.conftest import PASSWD, digest, folder_listing

READ_PASSWD = (
    "RETURN 1 /* **/ '*/; LOAD FROM '/etc/passwd' (file_format='csv', header=false, "
    "delim=':') RETURN * LIMIT 3 //'"
)
WRITE_FILE = "RETURN 1 /* **/ '*/; COPY (MATCH (a:Activity) RETURN a.id, a.name) TO 'pwn.csv' //'"
CHECKPOINT = "RETURN 1 /* **/ '*/; CHECKPOINT //'"
BYPASSES = {"read /etc/passwd": READ_PASSWD, "write pwn.csv": WRITE_FILE, "checkpoint": CHECKPOINT}

runner = CliRunner()


def _first_passwd_line() -> str:
    return PASSWD.read_text(encoding="utf-8").splitlines()[0]


def _assert_store_intact(store: EmbeddedStore, before: str, listing: list[str]) -> None:
    assert digest(store.path) == before, "the store file changed"
    assert folder_listing(store.path.parent) == listing, "files appeared beside the store"
    fresh = EmbeddedStore(store.path)
    try:
        assert fresh.query("MATCH (a:Activity) RETURN count(a)").rows == [[1]]
    finally:
        fresh.close()


@pytest.mark.parametrize("cypher", list(BYPASSES.values()), ids=list(BYPASSES))
def test_cli_refuses_the_bypass(
    scratch_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cypher: str
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before, listing = digest(scratch_store.path), folder_listing(scratch_store.path.parent)
    result = runner.invoke(app, ["cypher", cypher, "--db", str(scratch_store.path)])
    assert result.exit_code == 1, result.output
    assert "refused" in result.output
    assert "Traceback" not in result.output
    assert _first_passwd_line() not in result.output
    assert "root" not in result.output
    assert list(work.iterdir()) == [], "the query wrote a file"
    _assert_store_intact(scratch_store, before, listing)
    again = runner.invoke(
        app, ["cypher", "MATCH (a:Activity) RETURN a.id", "--db", str(scratch_store.path)]
    )
    assert again.exit_code == 0 and "newsletter" in again.output


@pytest.fixture
def console_env(
    scratch_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmbeddedStore]:
    monkeypatch.setenv("ROPAGRAPH_DB", str(scratch_store.path))
    monkeypatch.delenv("ROPAGRAPH_RECORD", raising=False)
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield scratch_store
    st.cache_data.clear()
    st.cache_resource.clear()


def _console() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/console.py").run()
    return at


def test_console_refuses_all_three_bypasses(console_env: EmbeddedStore, tmp_path: Path) -> None:
    store = console_env
    before, listing = digest(store.path), folder_listing(store.path.parent)
    at = _console()
    for name, cypher in BYPASSES.items():
        at.text_area(key="console_cypher").input(cypher)
        at.button[0].click().run()
        assert not at.exception, (name, [e.value for e in at.exception])
        assert len(at.error) == 1 and "refused" in at.error[0].value, name
        assert not at.dataframe, f"{name}: rows were shown"
    assert list((tmp_path / "cwd").iterdir()) == []
    _assert_store_intact(store, before, listing)
    at.text_area(key="console_cypher").input("MATCH (a:Activity) RETURN a.id AS id")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert list(at.dataframe[0].value["id"]) == ["newsletter"]


def test_console_says_when_the_row_cap_cut_the_result(console_env: EmbeddedStore) -> None:
    at = _console()
    at.text_area(key="console_cypher").input("UNWIND range(1, 20000) AS x RETURN x")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 10_000
    assert any("Only the first 10,000 rows" in w.value for w in at.warning)
