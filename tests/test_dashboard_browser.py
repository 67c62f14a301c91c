"""The dashboard in a real browser: headless Chromium (Debian's package) through Playwright.

Starts ``ropagraph dashboard`` on a free localhost port with a temporary store, visits every
page, and checks what only a browser can: no error on screen, the graph canvas actually drawn,
and no request leaving localhost (the dashboard must work with no internet). Screenshots are
saved in the test's temporary folder.

Skipped, with the reason shown, when /usr/bin/chromium or Playwright is missing (CI installs
chromium with apt). Never downloads a browser.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KYNEX, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "": "Overview",
    "explorer": "Graph explorer",
    "lawful_basis": "Lawful basis",
    "transfers": "Transfers",
    "recipients": "Recipients & sources",
    "findings": "Findings",
    "ropa": "ROPA",
    "console": "Cypher console",
    "upload": "Load a record",
}
STARTUP_S = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def _serve(folder: Path, store_args: list[str]) -> Iterator[str]:
    """``ropagraph dashboard`` on Kynex on a free port; its URL once healthy."""
    port = _free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ROPAGRAPH_UPLOAD_DIR": str(folder / "uploads"),
    }
    log = (folder / "server.log").open("wb")
    command = [sys.executable, "-m", "graph.cli", "dashboard", str(KYNEX)]
    command += ["--port", str(port), *store_args, "--headless"]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    try:
        deadline = time.monotonic() + STARTUP_S
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (folder / "server.log").read_text(errors="replace")
                pytest.fail(f"the dashboard did not start:\n{output[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()


def _require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (CI: apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    folder = tmp_path_factory.mktemp("dashboard")
    with _serve(folder, ["--db", str(folder / "store.lbug")]) as url:
        yield url


@pytest.fixture(scope="module")
def browser(dashboard_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _settle(page: Any, title: str) -> None:
    """Wait for the page's title, then for Streamlit to finish running the script."""
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(500)


def _assert_no_error_on_screen(page: Any, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.all_inner_texts()}"
    assert errors.count() == 0, f"{where}: {errors.all_inner_texts()}"


def _visit_every_page(url: str, browser: Any, shots: Path) -> None:
    """Every page renders with no error on screen, and no request leaves localhost."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("http://localhost", "ws://localhost", "data:", "blob:"))
            and not request.url.startswith("about:")
            else None
        ),
    )
    for path, title in PAGES.items():
        page.goto(f"{url}/{path}")
        _settle(page, title)
        if path == "explorer":
            frame = page.frame_locator('iframe[title="Processing graph"]')
            frame.locator("canvas").first.wait_for(timeout=60_000)
            frame.locator('body[data-drawn="yes"]').wait_for(timeout=60_000)
        if path == "transfers":
            page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        _assert_no_error_on_screen(page, path or "overview")
        page.screenshot(path=str(shots / f"{path or 'overview'}.png"), full_page=True)
    assert outside == [], f"requests left localhost: {sorted(set(outside))}"
    page.close()


def test_every_page_renders_offline_without_errors(
    dashboard_url: str, browser: Any, tmp_path: Path
) -> None:
    _visit_every_page(dashboard_url, browser, tmp_path)


@pytest.mark.neo4j
def test_every_page_renders_on_neo4j(browser: Any, tmp_path: Path) -> None:
    """The same pages, once, with ``--store neo4j``: the dashboard pushes Kynex and reads it
    back from the server named by NEO4J_* (a relationship query in the console draws too)."""
    _require_browser()
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        pytest.skip("no Neo4j server: set NEO4J_URI and NEO4J_PASSWORD (see docs/neo4j.md)")
    from graph.stores.neo4j_store import open_neo4j_store

    store = open_neo4j_store(prompt=None)
    had_kynex = bool(store.query("MATCH (r:Record {id: 'kynex'}) RETURN r.id").rows)
    try:
        with _serve(tmp_path, ["--store", "neo4j"]) as url:
            _visit_every_page(url, browser, tmp_path)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/console")
            _settle(page, "Cypher console")
            editor = page.get_by_label("Cypher", exact=True)
            editor.fill("MATCH (:Activity)-[d:DISCLOSES_TO]->(:Recipient) RETURN d")
            editor.press("Control+Enter")
            page.get_by_role("button", name="Run").click()
            page.get_by_text("The result as a graph").wait_for(timeout=60_000)
            _assert_no_error_on_screen(page, "console on neo4j")
            page.screenshot(path=str(tmp_path / "console-neo4j.png"), full_page=True)
            page.close()
    finally:
        if not had_kynex:
            store.remove("kynex")


def test_the_graph_canvas_is_drawn(dashboard_url: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{dashboard_url}/explorer")
    _settle(page, "Graph explorer")
    frame = page.frame_locator('iframe[title="Processing graph"]')
    canvas = frame.locator("canvas").first
    canvas.wait_for(timeout=60_000)
    frame.locator('body[data-drawn="yes"]').wait_for(timeout=60_000)
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert frame.locator("#legend").inner_text().count("Activity") == 1
    page.screenshot(path=str(tmp_path / "explorer.png"), full_page=True)
    page.close()


def test_the_console_refuses_a_write(dashboard_url: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{dashboard_url}/console")
    _settle(page, "Cypher console")
    editor = page.get_by_label("Cypher", exact=True)
    editor.fill("MATCH (n) DETACH DELETE n")
    editor.press("Control+Enter")
    page.get_by_role("button", name="Run").click()
    error = page.locator('[data-testid="stAlertContentError"]')
    error.first.wait_for(timeout=60_000)
    assert "refused" in error.first.inner_text()
    page.screenshot(path=str(tmp_path / "console-refused.png"), full_page=True)
    page.close()


def test_a_ropa_download_is_built_on_click(dashboard_url: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{dashboard_url}/ropa")
    _settle(page, "ROPA")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Excel (.xlsx)").click()
    saved = download.value.path()
    assert saved is not None
    assert download.value.suggested_filename == "kynex-ropa.xlsx"
    assert Path(saved).read_bytes()[:2] == b"PK"  # a real workbook (a zip), not an error page
    page.close()
