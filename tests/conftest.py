"""Shared fixtures: the Kynex sample, a loaded embedded store, and small records built in tests."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.build import Graph, build_graph
from graph.model import Record
from graph.stores import EmbeddedStore
from loaders import content_hash, load_record

# Rich wraps tables at the terminal width (80 when there is none): give CLI tests room.
os.environ["COLUMNS"] = "250"

ROOT = Path(__file__).resolve().parent.parent
KYNEX = ROOT / "data" / "kynex"


def _shared_folder() -> Path:
    """The project's shared/ folder: beside the repository (CI, the main checkout), or one level
    further up for a git worktree kept in a folder of worktrees."""
    candidates = (ROOT.parent / "shared", ROOT.parents[1] / "shared")
    return next((c for c in candidates if c.is_dir()), candidates[0])


SHARED = _shared_folder()
POLICY = SHARED / "seeds" / "kynex-privacy-policy.txt"
INTEROP = SHARED / "interop"
needs_interop = pytest.mark.skipif(
    not INTEROP.is_dir(), reason=f"the public Fides/DPV samples are not at {INTEROP}"
)

MINIMAL: dict[str, Any] = {
    "record": {"id": "t", "name": "Test record", "ref": "test §1"},
    "controller": {"id": "acme", "name": "Acme Ltd", "country": "GB", "ref": "test §1"},
    "activities": [
        {
            "id": "newsletter",
            "name": "Newsletter",
            "purposes": ["Send the newsletter"],
            "data_subjects": ["subscribers"],
            "data_categories": ["email"],
            "lawful_bases": ["consent"],
            "consent_withdrawal": {"mechanism": "unsubscribe link"},
            "recipients": ["mailchimp"],
            "retention": ["while-subscribed"],
            "ref": "test §2",
        }
    ],
    "data_categories": [{"id": "email", "name": "Email address", "ref": "test §3"}],
    "data_subjects": [{"id": "subscribers", "name": "Subscribers", "ref": "test §3"}],
    "recipients": [
        {
            "id": "mailchimp",
            "name": "Mailchimp",
            "kind": "processor",
            "country": "US",
            "contract_ref": "DPA-2024-01",
            "transfers": [{"mechanism": "uk_extension_dpf", "certified": True}],
            "ref": "test §4",
        }
    ],
    "retention_rules": [
        {"id": "while-subscribed", "name": "While subscribed", "criteria": "until unsubscribe"}
    ],
}


def minimal_record_data(**overrides: Any) -> dict[str, Any]:
    """A deep copy of a small valid record, with top-level keys replaced by ``overrides``."""
    data = copy.deepcopy(MINIMAL)
    data.update(copy.deepcopy(overrides))
    return data


def write_record(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def make_record(tmp_path: Path):
    """make_record(data) -> Path of a YAML file holding ``data`` (a fresh file each call)."""
    counter = iter(range(10_000))

    def make(data: dict[str, Any] | None = None, **overrides: Any) -> Path:
        content = data if data is not None else minimal_record_data(**overrides)
        return write_record(tmp_path / f"record-{next(counter)}.yaml", content)

    return make


@pytest.fixture(scope="session")
def kynex_path() -> Path:
    return KYNEX


@pytest.fixture(scope="session")
def kynex_record() -> Record:
    return load_record(KYNEX)


@pytest.fixture(scope="session")
def kynex_graph(kynex_record: Record) -> Graph:
    return build_graph(kynex_record, content_hash(KYNEX))


@pytest.fixture(scope="session")
def kynex_store(tmp_path_factory: pytest.TempPathFactory, kynex_graph: Graph):
    """An embedded store loaded with Kynex, shared by the session's read-only tests."""
    store = EmbeddedStore(tmp_path_factory.mktemp("kynex-store") / "kynex.lbug")
    store.load(kynex_graph)
    yield store
    store.close()


# With ROPAGRAPH_REQUIRE_NEO4J=1 (.ci/run sets it once its Neo4j test server is up), a Neo4j
# test skipped for a Neo4j reason (no server, a database not empty) is a failure: a server that
# is up must be tested, not skipped past. Other reasons (no chromium) stay skips.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and os.environ.get("ROPAGRAPH_REQUIRE_NEO4J") == "1"
        and item.get_closest_marker("neo4j") is not None
    ):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        if "neo4j" not in str(reason).lower():
            return
        report.outcome = "failed"
        report.longrepr = f"a Neo4j test skipped while the Neo4j test server is up: {reason}"


SCREENSHOTS_KEY = pytest.StashKey[Path]()
"""Where the browser test wrote its screenshots (printed at the end of the run, for CI logs)."""


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(SCREENSHOTS_KEY, None)
    if folder is not None:
        terminalreporter.write_line(f"dashboard screenshots: {folder}")
