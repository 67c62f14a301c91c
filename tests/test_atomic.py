"""Atomic writes leave the old file or the new one, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from graph.atomic import atomic_directory, atomic_path, atomic_write_text


def test_write_replaces_and_keeps_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_gets_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_failure_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_directory_swapped_whole(tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.mkdir()
    (target / "stale.csv").write_text("old")
    with atomic_directory(target) as tmp:
        (tmp / "fresh.csv").write_text("new")
    assert [p.name for p in target.iterdir()] == ["fresh.csv"]
    assert stat.S_IMODE(target.stat().st_mode) & 0o055  # readable by others, unlike mkdtemp's 0700
    with pytest.raises(RuntimeError), atomic_directory(target) as tmp:
        (tmp / "partial.csv").write_text("x")
        raise RuntimeError("crash")
    assert [p.name for p in target.iterdir()] == ["fresh.csv"]
