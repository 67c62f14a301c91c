"""Issue 11's bad-input reproductions: each ends in a located message, never a traceback or
silently lost data (YAML records, record folders, uploads, ICO workbooks, store paths)."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from dashboard import uploads
from graph.cli import app
from graph.stores import EmbeddedStore
from graph.stores.embedded import remove_leftovers
from loaders import RecordInvalid, load_record, record_files, skipped_files
from loaders.ico import read_ico_xlsx
from tests.conftest import minimal_record_data, write_record

runner = CliRunner()


def _problems(path: Path) -> list[str]:
    with pytest.raises(RecordInvalid) as info:
        load_record(path)
    return [str(p) for p in info.value.problems]


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, " ".join(result.output.split())


# ----------------------------------------------------------------------------- YAML


def test_a_large_string_repeated_by_aliases_is_refused_by_bytes(tmp_path: Path) -> None:
    data = minimal_record_data()
    text = yaml.safe_dump(data, sort_keys=False)
    big = "x" * 1_000_000
    text += f"x-notes: &big {big}\nx-copies: [{', '.join(['*big'] * 400)}]\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    problems = _problems(path)
    assert any("alias" in p and "MB of text" in p for p in problems), problems
    assert time.monotonic() - started < 10


def test_a_key_given_twice_in_an_activity_names_both_lines(tmp_path: Path) -> None:
    path = write_record(tmp_path / "r.yaml", minimal_record_data())
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  lawful_bases:\n", "  lawful_bases:\n  - legitimate_interests\n  lawful_bases:\n", 1
    )
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    first = lines.index("  lawful_bases:") + 1
    second = lines.index("  lawful_bases:", first) + 1
    problems = _problems(path)
    assert any(f"lines {first} and {second}" in p and "lawful_bases" in p for p in problems), (
        problems
    )


def test_a_top_level_key_given_twice_is_an_error_not_a_lost_list(tmp_path: Path) -> None:
    path = write_record(tmp_path / "r.yaml", minimal_record_data())
    extra = "data_categories:\n- id: health\n  name: Health data\n  ref: test §3\n"
    path.write_text(extra + path.read_text(encoding="utf-8"), encoding="utf-8")
    problems = _problems(path)
    assert any("'data_categories' is given twice" in p for p in problems), problems


def test_an_anchor_with_a_complex_key_is_located(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("x: &a 1\n? [1, 2]\n: *a\n", encoding="utf-8")
    problems = _problems(path)
    assert problems == [
        f"{path}:2:3: a mapping key must be plain text, not a list or a mapping — "
        "write the key as a word, e.g. 'name:'"
    ]


@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_is_located(tmp_path: Path, style: str) -> None:
    path = tmp_path / "deep.yaml"
    if style == "flow":
        path.write_text("record: " + "[" * 900 + "]" * 900 + "\n", encoding="utf-8")
    else:
        path.write_text(
            "record:\n" + "".join("  " * i + "-\n" for i in range(1, 900)), encoding="utf-8"
        )
    code, output = _cli("validate", str(path))
    assert code == 1 and "nested more than 100 levels" in output and "deep.yaml:" in output


def test_hidden_folders_and_escaping_links_are_left_out_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "record"
    folder.mkdir()
    write_record(folder / "record.yaml", minimal_record_data())
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    outside = tmp_path / "outside.yaml"
    outside.write_text("activities: []\n", encoding="utf-8")
    (folder / "linked.yaml").symlink_to(outside)
    assert record_files(folder) == [folder / "record.yaml"]
    warnings = " ".join(str(p) for p in skipped_files(folder))
    assert ".github" in warnings and "hidden folder" in warnings
    assert "linked.yaml" in warnings and "outside the record folder" in warnings
    code, output = _cli("validate", str(folder))
    assert code == 0
    assert "warning:" in output and "outside the record folder" in output and ".github" in output


# ----------------------------------------------------------------------------- uploads


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_upload_with_a_file_and_a_folder_of_one_name_is_refused(tmp_path: Path) -> None:
    data = _zip({"a.yaml": b"x: 1\n", "a.yaml/b.yaml": b"y: 2\n"})
    outcome = uploads.ingest([("r.zip", data)], tmp_path / "up")
    assert outcome.refused and "both a file and a folder" in outcome.refused


def test_an_upload_with_an_over_long_name_is_refused(tmp_path: Path) -> None:
    data = _zip({"a" * 300 + ".yaml": b"x: 1\n"})
    outcome = uploads.ingest([("r.zip", data)], tmp_path / "up")
    assert outcome.refused and "shorten it" in outcome.refused


def test_an_upload_leaves_hidden_folders_out_like_the_cli(tmp_path: Path) -> None:
    record = yaml.safe_dump(minimal_record_data(), sort_keys=False).encode()
    data = _zip({"record.yaml": record, ".github/workflows/ci.yml": b"on: push\n"})
    outcome = uploads.ingest([("r.zip", data)], tmp_path / "up")
    assert outcome.ok and outcome.staged is not None
    assert outcome.staged.files == ["record.yaml"]
    assert any(".github" in w and "hidden folder" in w for w in outcome.staged.warnings)


# ----------------------------------------------------------------------------- ICO workbooks


def _workbook(
    tmp_path: Path, edit: object = None, part_name: str = "xl/worksheets/sheet1.xml"
) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "ROPA"
    wb.active["A1"] = "Purpose of processing"
    wb.active["A2"] = "SHORT"
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    if edit is None:
        return path
    out = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == part_name:
                part = edit(part)  # type: ignore[operator]
            target.writestr(info, part)
    return out


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda x: b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>' + x, "declares a DTD"),
        (
            lambda x: x.replace(b"</sheetData>", b"</sheetDatx>"),
            "malformed (mismatched tag: line 1",
        ),
        (
            lambda x: x.replace(
                b"</sheetData>",
                b"<row r='2'><c r='A2' t='inlineStr'><is><t>"
                + b"x" * (70 * 2**20)
                + b"</t></is></c></row></sheetData>",
            ),
            "unzips to more than 64 MB",
        ),
    ],
    ids=["dtd", "mismatched-tag", "huge-part"],
)
def test_hostile_workbooks_are_refused_with_a_message(
    tmp_path: Path, edit: object, expected: str
) -> None:
    path = _workbook(tmp_path, edit)
    code, output = _cli("import", "ico-xlsx", str(path), "-o", str(tmp_path / "out"))
    assert code == 1 and expected in output, output
    assert not (tmp_path / "out").exists()


def test_a_cell_longer_than_a_spreadsheet_allows_is_located(tmp_path: Path) -> None:
    # Spreadsheet programs (and openpyxl) stop at 32,767 characters: only a crafted file is longer.
    path = _workbook(tmp_path, lambda x: x.replace(b"SHORT", b"x" * 40_000))
    with pytest.raises(RecordInvalid) as info:
        read_ico_xlsx(path)
    assert "cell A2 holds 40,000 characters" in str(info.value)


# ----------------------------------------------------------------------------- store paths


def test_load_refuses_to_replace_a_yaml_file(tmp_path: Path, make_record) -> None:
    target = tmp_path / "existing.yaml"
    target.write_text("precious: true\n", encoding="utf-8")
    code, output = _cli("load", str(make_record()), "--db", str(target))
    assert code == 1 and "not a ropagraph store" in output
    assert target.read_text(encoding="utf-8") == "precious: true\n"


def test_load_into_a_folder_says_so(tmp_path: Path, make_record) -> None:
    code, output = _cli("load", str(make_record()), "--db", str(tmp_path))
    assert code == 1 and "is a folder" in output


def test_leftover_build_folders_are_removed_by_the_next_load(tmp_path: Path, make_record) -> None:
    db = tmp_path / "store.lbug"
    dead = 2**22 + 12345  # above the kernel's default pid_max: no such process
    leftover = tmp_path / f".store.lbug.building-{dead}"
    leftover.mkdir()
    (leftover / "data").write_bytes(b"\0" * 1024)
    busy = tmp_path / f".store.lbug.building-{os.getpid()}x"
    code, _ = _cli("load", str(make_record()), "--db", str(db))
    assert code == 0
    assert not leftover.exists()
    assert not busy.exists()
    assert remove_leftovers(db) == []
    assert EmbeddedStore(db).record_info() is not None


def test_a_bad_neo4j_uri_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://[::1")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    code, output = _cli("cypher", "RETURN 1", "--store", "neo4j")
    assert code in (1, 2) and "NEO4J_URI" in output
