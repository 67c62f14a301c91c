"""Loading YAML records: every kind of bad input gets a clear, located error; good input loads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from loaders import Problem, RecordInvalid, content_hash, load_record
from tests.conftest import minimal_record_data, write_record


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(RecordInvalid) as info:
        load_record(path)
    return info.value.problems


def test_minimal_record_loads(make_record) -> None:
    record = load_record(make_record())
    assert record.controller.name == "Acme Ltd"


def test_folder_of_files_is_merged(tmp_path: Path) -> None:
    data = minimal_record_data()
    write_record(tmp_path / "a.yaml", {"record": data["record"], "controller": data["controller"]})
    write_record(tmp_path / "b.yml", {"activities": data["activities"]})
    sub = tmp_path / "more"
    sub.mkdir()
    write_record(
        sub / "c.yaml",
        {k: data[k] for k in ("data_categories", "data_subjects", "recipients", "retention_rules")},
    )
    record = load_record(tmp_path)
    assert [a.id for a in record.activities] == ["newsletter"]
    assert record.recipients[0].id == "mailchimp"


def test_wrong_enum_value_suggests_the_closest(tmp_path: Path) -> None:
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    [problem] = problems_of(write_record(tmp_path / "r.yaml", data))
    assert problem.message.startswith("lawful_basis 'consnet' is not one of")
    assert problem.suggestion == "did you mean 'consent'?"
    assert problem.field == "activities[0].lawful_bases[0].basis"
    text = (tmp_path / "r.yaml").read_text().splitlines()
    assert problem.line is not None and "consnet" in text[problem.line - 1]


def test_unknown_field_names_the_closest_valid_one(tmp_path: Path) -> None:
    data = minimal_record_data()
    data["recipients"][0]["contract_reference"] = "X"
    [problem] = problems_of(write_record(tmp_path / "r.yaml", data))
    assert problem.message == "unknown field 'contract_reference'"
    assert problem.suggestion == "did you mean 'contract_ref'?"
    lines = (tmp_path / "r.yaml").read_text().splitlines()
    assert problem.line is not None and "contract_reference" in lines[problem.line - 1]


def test_all_errors_of_a_file_reported_at_once(tmp_path: Path) -> None:
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    data["recipients"][0]["kind"] = "procesor"
    data["recipients"][0]["country"] = "XX"
    del data["controller"]["country"]
    problems = problems_of(write_record(tmp_path / "r.yaml", data))
    fields = {p.field for p in problems}
    assert fields == {
        "activities[0].lawful_bases[0].basis",
        "recipients[0].kind",
        "recipients[0].country",
        "controller.country",
    }
    assert all(p.line is not None for p in problems)


def test_dangling_reference_lists_near_ids_and_points_at_the_file(tmp_path: Path) -> None:
    data = minimal_record_data()
    write_record(tmp_path / "a.yaml", {k: v for k, v in data.items() if k != "activities"})
    acts = data["activities"]
    acts[0]["recipients"] = ["mailchump"]
    write_record(tmp_path / "b.yaml", {"activities": acts})
    [problem] = problems_of(tmp_path)
    assert problem.file.endswith("b.yaml")
    assert problem.field == "activities[0].recipients[0].recipient"
    assert problem.suggestion == "did you mean 'mailchimp'?"
    assert "mailchump" in (tmp_path / "b.yaml").read_text().splitlines()[problem.line - 1]


def test_duplicate_ids_reported(tmp_path: Path) -> None:
    data = minimal_record_data()
    data["data_subjects"].append({"id": "subscribers", "name": "Again"})
    [problem] = problems_of(write_record(tmp_path / "r.yaml", data))
    assert problem.message == "duplicate id 'subscribers' in data_subjects"
    assert problem.field == "data_subjects[1].id"


def test_malformed_yaml_gives_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("record:\n  id: x\n  name: [unclosed\ncontroller: {}\n")
    [problem] = problems_of(path)
    assert problem.message.startswith("malformed YAML")
    assert problem.line is not None and problem.column is not None


def test_empty_record(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing here\n")
    [problem] = problems_of(path)
    assert problem.message == "the record is empty"


def test_folder_without_yaml(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    [problem] = problems_of(tmp_path)
    assert problem.message == "folder has no YAML files"


def test_missing_path(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "nope")
    assert problem.message == "no such file or folder"


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("record: {id: x, name: 'caf\u00e9'}\n".encode("latin-1"))
    [problem] = problems_of(path)
    assert problem.message.startswith("not UTF-8 text")
    assert problem.line == 1
    assert problem.suggestion == "save the file as UTF-8"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    [problem] = problems_of(path)
    assert "alias" in problem.message


def test_modest_aliases_are_fine(tmp_path: Path) -> None:
    data = minimal_record_data()
    text = yaml.safe_dump(data, sort_keys=False)
    text = text.replace("record:\n", "common: &ref test §9\nrecord:\n", 1)
    path = tmp_path / "r.yaml"
    path.write_text(text.replace("ref: test §1", "ref: *ref"))
    # 'common' is not a record key: the alias works, the unknown key is reported by name.
    [problem] = problems_of(path)
    assert problem.message == "unknown top-level key 'common'"


def test_controller_given_twice(tmp_path: Path) -> None:
    data = minimal_record_data()
    write_record(tmp_path / "a.yaml", data)
    write_record(tmp_path / "b.yaml", {"controller": data["controller"]})
    [problem] = problems_of(tmp_path)
    assert problem.message.startswith("'controller' is given again")
    assert problem.file.endswith("b.yaml")


def test_large_file_loads(tmp_path: Path) -> None:
    """A record of several MB (thousands of activities) loads through the fast path."""
    data = minimal_record_data()
    template = data["activities"][0]
    data["activities"] = [
        {**template, "id": f"act-{i}", "name": f"Activity {i}", "description": "x" * 200}
        for i in range(8000)
    ]
    path = write_record(tmp_path / "big.yaml", data)
    assert path.stat().st_size > 3_000_000
    assert len(load_record(path).activities) == 8000


def test_content_hash_changes_with_content(make_record) -> None:
    a = make_record()
    b = make_record(record={"id": "t", "name": "Other name"})
    assert content_hash(a) != content_hash(b)
    assert content_hash(a) == content_hash(a)


def test_oversized_file_refused_clearly(make_record, monkeypatch: pytest.MonkeyPatch) -> None:
    import loaders.yaml_record as yaml_record

    path = make_record()
    monkeypatch.setattr(yaml_record, "MAX_FILE_BYTES", 100)
    [problem] = problems_of(path)
    assert "limit" in problem.message
    assert problem.suggestion == "split the record into several files in a folder"


def test_collector_is_back_on_after_a_load_even_a_failed_one(make_record, tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    load_record(make_record())
    assert gc.isenabled()
    with pytest.raises(RecordInvalid):
        load_record(tmp_path / "missing.yaml")
    assert gc.isenabled()
