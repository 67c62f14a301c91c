"""The cached, fast loader behind `ropagraph load`: same record, same located errors, and a
reload after editing one file parses only that file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.synthetic import generate_record, write_generated
from loaders import RecordInvalid, load_record
from loaders.cached_record import parse_record_cached
from tests.conftest import minimal_record_data, write_record


def test_same_record_as_the_yaml_loader_and_a_reload_uses_the_cache(
    tmp_path: Path, kynex_path: Path
) -> None:
    cache = tmp_path / "cache"
    record, files, stats = parse_record_cached(kynex_path, cache)
    assert record == load_record(kynex_path)
    assert len(stats.fast) + len(stats.full) == len(files) and not stats.cached
    again, _, stats = parse_record_cached(kynex_path, cache)
    assert again == record
    assert not stats.fast and len(stats.cached) == len(files)  # Kynex takes the fast path


def test_editing_one_file_reparses_only_that_file(tmp_path: Path) -> None:
    folder = tmp_path / "record"
    write_generated(generate_record(120, seed=11), folder, per_file=40)
    cache = tmp_path / "cache"
    parse_record_cached(folder, cache)
    edited = sorted(folder.glob("activities-*.yaml"))[1]
    text = edited.read_text()
    edited.write_text(text.replace("business_function: ", "business_function: Ed ", 1))
    record, files, stats = parse_record_cached(folder, cache)
    assert stats.fast == [edited] and len(stats.cached) == len(files) - 1
    assert record == load_record(folder)
    assert any((a.business_function or "").startswith("Ed ") for a in record.activities)
    # Only the entries of the latest load are kept.
    assert len(list(cache.iterdir())) == len(files)


def test_a_damaged_cache_entry_is_a_miss(tmp_path: Path, make_record: Any) -> None:
    path = make_record()
    cache = tmp_path / "cache"
    parse_record_cached(path, cache)
    [entry] = list(cache.iterdir())
    entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")
    record, _, stats = parse_record_cached(path, cache)
    assert record == load_record(path) and not stats.cached


def _bad_records(tmp_path: Path) -> list[Path]:
    cases: list[Path] = []
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    cases.append(write_record(tmp_path / "enum.yaml", data))
    data = minimal_record_data()
    data["recipients"][0]["contract_reference"] = "X"
    data["recipients"][0]["kind"] = "procesor"
    cases.append(write_record(tmp_path / "fields.yaml", data))
    folder = tmp_path / "dangling"
    folder.mkdir()
    data = minimal_record_data()
    write_record(folder / "a.yaml", {k: v for k, v in data.items() if k != "activities"})
    data["activities"][0]["recipients"] = ["mailchump"]
    write_record(folder / "b.yaml", {"activities": data["activities"]})
    cases.append(folder)
    bad = tmp_path / "syntax.yaml"
    bad.write_text("record:\n  id: x\n  name: [unclosed\ncontroller: {}\n")
    cases.append(bad)
    dup = tmp_path / "dupkey.yaml"
    dup.write_text("record:\n  id: x\n  id: y\n")
    cases.append(dup)
    one_one = tmp_path / "yaml11.yaml"
    data = minimal_record_data()
    data["controller"]["name"] = "PLACEHOLDER"
    one_one.write_text(write_record(one_one, data).read_text().replace("PLACEHOLDER", "yes"))
    cases.append(one_one)
    return cases


def test_bad_records_get_exactly_the_yaml_loaders_errors(tmp_path: Path) -> None:
    for case in _bad_records(tmp_path):
        with pytest.raises(RecordInvalid) as slow:
            load_record(case)
        with pytest.raises(RecordInvalid) as fast:
            parse_record_cached(case, tmp_path / "cache")
        assert [str(p) for p in fast.value.problems] == [str(p) for p in slow.value.problems]
        assert all(p.line is not None for p in fast.value.problems), case
