"""Reading a record off the main thread (the dashboard's script threads) goes through a worker
process with the fast parser and gives exactly the record, or the problems, of a main-thread
read."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from loaders.cached_record import parse_record_cached
from loaders.problems import RecordInvalid
from loaders.record_worker import read_record
from tests.conftest import KYNEX


def _in_thread(path: Path) -> Any:
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(read_record(path))
        except RecordInvalid as exc:
            result.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return result[0]


def test_a_thread_reads_the_same_record_as_the_main_thread() -> None:
    expected = parse_record_cached(KYNEX)[0]
    assert read_record(KYNEX) == expected
    assert _in_thread(KYNEX) == expected


def test_a_thread_gets_the_same_problems(tmp_path: Path) -> None:
    bad = tmp_path / "record"
    bad.mkdir()
    for file in KYNEX.iterdir():
        if file.suffix == ".yaml":
            (bad / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    activities = bad / "activities.yaml"
    text = activities.read_text(encoding="utf-8")
    activities.write_text(text.replace("consent", "consnet", 1), encoding="utf-8")
    with pytest.raises(RecordInvalid) as direct:
        parse_record_cached(bad)
    got = _in_thread(bad)
    assert isinstance(got, RecordInvalid)
    assert [str(p) for p in got.problems] == [str(p) for p in direct.value.problems]
    assert str(got) == str(direct.value)
