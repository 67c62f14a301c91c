"""Fixtures for the security tests: scratch stores that an attack may damage without harm."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from graph.build import build_graph
from graph.model import Record
from graph.stores import EmbeddedStore
from tests.conftest import minimal_record_data

PASSWD = Path("/etc/passwd")


@pytest.fixture(scope="session")
def pristine_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal record loaded once; tests get copies of this file."""
    store = EmbeddedStore(tmp_path_factory.mktemp("pristine") / "scratch.lbug")
    store.load(build_graph(Record.model_validate(minimal_record_data()), "scratch"))
    store.close()
    return store.path


@pytest.fixture
def scratch_store(pristine_store: Path, tmp_path: Path) -> EmbeddedStore:
    """A store of its own (the minimal record) in a folder of its own: attacks may break it."""
    folder = tmp_path / "store"
    folder.mkdir()
    shutil.copyfile(pristine_store, folder / "scratch.lbug")
    return EmbeddedStore(folder / "scratch.lbug")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(path: Path) -> list[str]:
    """What is in ``path``, leaving out the findings the dashboard keeps beside a store on
    purpose (``<store>.findings-cache/``, JSON files only: dashboard/findings_cache.py)."""
    return sorted(p.name for p in path.iterdir() if not _findings_kept(p))


def _findings_kept(path: Path) -> bool:
    return (
        path.is_dir()
        and path.name.endswith(".lbug.findings-cache")
        and all(f.is_file() and f.suffix == ".json" for f in path.iterdir())
    )
