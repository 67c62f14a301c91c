"""Fixtures for the security tests: scratch stores that an attack may damage without harm."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graph.build import build_graph
from graph.model import Record
from graph.stores import EmbeddedStore
from tests.conftest import minimal_record_data

PASSWD = Path("/etc/passwd")


@pytest.fixture
def scratch_store(tmp_path: Path) -> EmbeddedStore:
    """A small store of its own (the minimal record) in a folder of its own."""
    folder = tmp_path / "store"
    folder.mkdir()
    store = EmbeddedStore(folder / "scratch.lbug")
    store.load(build_graph(Record.model_validate(minimal_record_data()), "scratch"))
    store.close()
    return store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())
