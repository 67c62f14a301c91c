"""The dashboard in a real browser: headless Chromium (Debian's package) through Playwright.

Starts ``ropagraph dashboard`` on a free localhost port with a temporary store (on Kynex, and on
a generated 5,000-activity record), visits every page, and checks what only a browser can: no
error on screen, no request leaving localhost (the dashboard must work with no internet), no raw
identifier as a column header, every node of the explorer's default view labelled readably and
without overlaps, and the world map's country outlines drawn. Screenshots of every page are
written to $ROPAGRAPH_SCREENSHOTS (or a temporary folder), printed in the test log.

Skipped, with the reason shown, when /usr/bin/chromium or Playwright is missing (CI installs
chromium with apt). Never downloads a browser.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KYNEX, ROOT, SCREENSHOTS_KEY

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
STARTUP_S = 240


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


SCREENSHOTS_ENV = "ROPAGRAPH_SCREENSHOTS"
"""Where screenshots go (CI sets it to a folder it keeps); default: a pytest temporary folder.
The folder is printed in the test log either way."""
GENERATED_ACTIVITIES = 5_000
RAW_HEADER = re.compile(r"^(?:[a-z]+(?:[A-Z][a-z0-9]*)+|id|ref)$")
"""A column header that is an identifier, not words: activityId, categoryOnly, ref, id."""


def _start(
    record: Path, folder: Path, store_args: list[str] | None = None
) -> tuple[subprocess.Popen[bytes], str, Any]:
    """``ropagraph dashboard RECORD`` on a free port (default: a fresh embedded store)."""
    port = _free_port()
    url = f"http://localhost:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ROPAGRAPH_UPLOAD_DIR": str(folder / "uploads")}
    log = (folder / "server.log").open("wb")
    command = [sys.executable, "-m", "graph.cli", "dashboard", str(record)]
    store = store_args if store_args is not None else ["--db", str(folder / "store.lbug")]
    command += ["--port", str(port), *store, "--headless"]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    deadline = time.monotonic() + STARTUP_S
    while not _healthy(url):
        if server.poll() is not None or time.monotonic() > deadline:
            log.flush()
            output = (folder / "server.log").read_text(errors="replace")
            _stop(server, log)
            pytest.fail(f"the dashboard did not start:\n{output[-3000:]}")
        time.sleep(0.5)
    return server, url, log


def _stop(server: subprocess.Popen[bytes], log: Any) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)
    log.close()


def _need_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (CI: apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    server, url, log = _start(KYNEX, tmp_path_factory.mktemp("dashboard"))
    try:
        yield url
    finally:
        _stop(server, log)


@pytest.fixture(scope="module")
def generated_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on a generated 5,000-activity record (ropagraph generate)."""
    _need_browser()
    folder = tmp_path_factory.mktemp("generated")
    record = folder / "record"
    generate = ["generate", "-n", str(GENERATED_ACTIVITIES), "--seed", "7", "-o", str(record)]
    subprocess.run(
        [sys.executable, "-m", "graph.cli", *generate],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    server, url, log = _start(record, folder)
    try:
        yield url
    finally:
        _stop(server, log)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS_KEY] = folder  # printed in the run's summary
    return folder


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
    """Wait for the page's title, then for Streamlit to finish running the script (the app
    root's data-test-script-state; the status widget is hidden in minimal toolbar mode), then
    for charts to be drawn."""
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=120_000)
    page.wait_for_function(
        """() => {
             const app = document.querySelector('[data-testid="stApp"]');
             return app && app.getAttribute('data-test-script-state') === 'notRunning'
               && !document.querySelector('[data-testid="stSpinner"]')
               && !document.querySelector('[data-testid="stSkeleton"]');
           }""",
        timeout=180_000,
    )
    page.wait_for_function(  # charts and tables drawn, not just their placeholders
        """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                   .every(c => c.querySelector('.main-svg'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)


def _assert_no_error_on_screen(page: Any, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.all_inner_texts()}"
    assert errors.count() == 0, f"{where}: {errors.all_inner_texts()}"


def _column_headers(page: Any) -> list[str]:
    """Headers of every table on the page (interactive grids and plain tables)."""
    return list(
        page.evaluate(
            """() => Array.from(document.querySelectorAll(
                 '[data-testid="stDataFrame"] [role="columnheader"], [data-testid="stTable"] th'
               )).map(e => e.innerText.trim()).filter(t => t)"""
        )
    )


def _labels(page: Any) -> dict[str, Any]:
    frame = page.frame_locator('iframe[title="Processing graph"]')
    frame.locator('body[data-drawn="yes"]').wait_for(timeout=120_000)
    report: dict[str, Any] = frame.locator("body").evaluate("() => window.ropagraphLabels()")
    return report


def _tour(url: str, browser: Any, folder: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
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
    folder.mkdir(parents=True, exist_ok=True)
    raw: dict[str, list[str]] = {}
    for path, title in PAGES.items():
        page.goto(f"{url}/{path}")
        _settle(page, title)
        if path == "explorer":
            _labels(page)
        if path == "transfers":
            page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        _assert_no_error_on_screen(page, path or "overview")
        page.screenshot(path=str(folder / f"{path or 'overview'}.png"), full_page=True)
        found = [h for h in _column_headers(page) if RAW_HEADER.match(h)]
        if found and path != "console":  # the console shows the user's own column names
            raw[path or "overview"] = found
    assert outside == [], f"requests left localhost: {sorted(set(outside))}"
    assert raw == {}, f"raw identifier column headers: {raw}"
    page.close()


def test_every_page_renders_offline_in_plain_words(
    dashboard_url: str, browser: Any, screenshots: Path
) -> None:
    _tour(dashboard_url, browser, screenshots / "kynex")


def test_every_page_renders_on_a_generated_5000_activity_record(
    generated_url: str, browser: Any, screenshots: Path
) -> None:
    _tour(generated_url, browser, screenshots / "generated-5000")


@pytest.mark.neo4j
def test_every_page_renders_on_neo4j(browser: Any, tmp_path: Path, screenshots: Path) -> None:
    """The same pages, once, with ``--store neo4j``: the dashboard pushes Kynex and reads it
    back from the server named by NEO4J_* (a relationship query in the console draws too)."""
    _need_browser()
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        pytest.skip("no Neo4j server: set NEO4J_URI and NEO4J_PASSWORD (see docs/neo4j.md)")
    from graph.stores.neo4j_store import open_neo4j_store

    store = open_neo4j_store(prompt=None)
    had_kynex = bool(store.query("MATCH (r:Record {id: 'kynex'}) RETURN r.id").rows)
    server, url, log = _start(KYNEX, tmp_path, ["--store", "neo4j"])
    try:
        _tour(url, browser, screenshots / "neo4j")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/console")
        _settle(page, "Cypher console")
        editor = page.get_by_label("Cypher", exact=True)
        editor.fill("MATCH (:Activity)-[d:DISCLOSES_TO]->(:Recipient) RETURN d")
        editor.press("Control+Enter")
        page.get_by_role("button", name="Run").click()
        page.get_by_text("The result as a graph").wait_for(timeout=60_000)
        _assert_no_error_on_screen(page, "console on neo4j")
        page.screenshot(path=str(screenshots / "neo4j" / "console-result.png"), full_page=True)
        page.close()
    finally:
        _stop(server, log)
        if not had_kynex:
            store.remove("kynex")


@pytest.mark.parametrize("which", ["kynex", "generated"])
def test_the_explorer_default_view_labels_every_node_readably(
    which: str, request: pytest.FixtureRequest, browser: Any, screenshots: Path
) -> None:
    url = request.getfixturevalue("dashboard_url" if which == "kynex" else "generated_url")
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{url}/explorer")
    _settle(page, "Graph explorer")
    report = _labels(page)
    page.screenshot(path=str(screenshots / f"explorer-{which}.png"), full_page=True)
    assert report["nodes"] > 20
    assert report["unlabelled"] == 0, report
    assert report["outside"] == 0, f"boxes outside the visible canvas: {report}"
    assert report["overlaps"] == 0, f"labels overlap: {report}"
    assert report["fontPx"] >= 9, f"labels too small to read: {report}"
    legend = page.frame_locator('iframe[title="Processing graph"]').locator("#legend").inner_text()
    assert "Processing activity" in legend and "DataCategory" not in legend
    page.close()


@pytest.mark.parametrize("which", ["kynex", "generated"])
def test_the_transfer_map_draws_country_outlines_offline(
    which: str, request: pytest.FixtureRequest, browser: Any, screenshots: Path
) -> None:
    url = request.getfixturevalue("dashboard_url" if which == "kynex" else "generated_url")
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(("http://localhost", "ws:")) else 0,
    )
    page.goto(f"{url}/transfers")
    _settle(page, "Transfers")
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=60_000)
    rings = chart.evaluate(
        """c => Array.from(c.querySelectorAll('path.js-fill'))
               .map(p => ((p.getAttribute('d') || '').match(/M/g) || []).length)
               .reduce((a, b) => a + b, 0)"""
    )
    legend = chart.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")
    chart.screenshot(path=str(screenshots / f"map-{which}.png"))
    assert rings > 150, f"only {rings} country outlines drawn"
    assert "Tool not in force on the date" in legend  # Privacy Shield transfers, both records
    assert outside == [] or all(u.startswith(("data:", "blob:", "about:")) for u in outside)
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
