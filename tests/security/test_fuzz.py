"""A bounded fuzz pass over the two readers of untrusted files: the YAML record loader and the
ICO workbook reader. Whatever the input, the outcome is a record or a RecordInvalid with its
problems, never another exception (a traceback for the user). Hypothesis runs a fixed number of
derandomised examples, so the pass takes seconds and repeats exactly in CI."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.ropa.layout import H_ART6, H_CATEGORIES, H_PURPOSE, H_SUBJECTS
from loaders import RecordInvalid, load_record
from loaders.ico import read_ico_xlsx
from tests.conftest import minimal_record_data

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALID_YAML = yaml.safe_dump(minimal_record_data(), sort_keys=False)
YAML_PIECES = [
    "&a ",
    "*a",
    "&b [1, 2]",
    "<<: *a\n",
    "? [1, 2]\n: 3\n",
    "? {x: 1}\n",
    "!!binary aGk=",
    "!!python/object:os.system ls",
    "!!set {a, b}",
    "!!timestamp 2024-01-01",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\n",
    "  ",
    "\t",
    "'",
    '"',
    "\\x00",
    "#",
    "|\n  text\n",
    ">-\n  folded\n",
    "record:",
    "activities:",
    "lawful_bases:",
    "id: x",
    "data_categories:\n- id: e\n",
    "data_categories:\n- id: f\n",
    "\ufeff",
    "é",
    "\x85",
    "[" * 60,
    "]" * 60,
    "  " * 60 + "- x\n",
    "9" * 30,
    "0x1F",
    ".nan",
    "~",
    "null",
    "yes",
]


def _check_yaml(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_record(path)
    except RecordInvalid as exc:
        assert exc.problems, "a RecordInvalid must say what is wrong"
        for problem in exc.problems:
            assert problem.file and problem.message


@FUZZ
@given(pieces=st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=6), max_size=12))
def test_fuzzed_yaml_gives_a_record_or_problems(tmp_path: Path, pieces: list[str]) -> None:
    try:
        text = "".join(pieces)
        text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate cannot be written as UTF-8: not a file anyone can have
    _check_yaml(tmp_path / "fuzz.yaml", text)


@FUZZ
@given(
    position=st.integers(min_value=0, max_value=len(VALID_YAML)),
    insert=st.sampled_from(YAML_PIECES),
    cut=st.integers(min_value=0, max_value=20),
)
def test_a_valid_record_damaged_anywhere_gives_problems(
    tmp_path: Path, position: int, insert: str, cut: int
) -> None:
    text = VALID_YAML[:position] + insert + VALID_YAML[position + cut :]
    _check_yaml(tmp_path / "damaged.yaml", text)


def _base_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ROPA"
    ws.append([H_PURPOSE, H_SUBJECTS, H_CATEGORIES, H_ART6])
    ws.append(["Payroll", "Employees", "Bank details", "Art 6(1)(b)"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


BASE_XLSX = _base_workbook()
XML_PIECES = [
    b"<!DOCTYPE x>",
    b"<!ENTITY a 'b'>",
    b"</row>",
    b"<row r='1'>",
    b"<c r='A1' t='s'><v>99</v></c>",
    b"<c r='ZZZZ9999999'><v>1</v></c>",
    b"<c t='inlineStr'><is><t>x</t></is></c>",
    b"&a;",
    b"\x00",
    b"<",
    b">",
    b"'",
    b"<v>1e999</v>",
    b"<f>=HYPERLINK(1)</f>",
    b"<c r='A1' t='e'><v>#N/A</v></c>",
    b"<dimension ref='A1:XFD1048576'/>",
    b"\xff\xfe",
    b"<?xml version='1.0'?>",
]


def _rezip(edit_part: str, edit: bytes, position: int, cut: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(BASE_XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == edit_part:
                at = position % (len(part) + 1)
                part = part[:at] + edit + part[at + cut :]
            target.writestr(info, part)
    return buffer.getvalue()


PARTS = sorted(zipfile.ZipFile(io.BytesIO(BASE_XLSX)).namelist())


@FUZZ
@given(
    part=st.sampled_from(PARTS),
    edit=st.sampled_from(XML_PIECES) | st.binary(max_size=8),
    position=st.integers(min_value=0, max_value=5000),
    cut=st.integers(min_value=0, max_value=30),
)
def test_fuzzed_workbook_xml_gives_a_record_or_problems(
    tmp_path: Path, part: str, edit: bytes, position: int, cut: int
) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(_rezip(part, edit, position, cut))
    _check_workbook(path)


@FUZZ
@given(position=st.integers(min_value=0, max_value=len(BASE_XLSX) - 1), byte=st.integers(0, 255))
def test_a_workbook_with_a_damaged_byte_gives_a_record_or_problems(
    tmp_path: Path, position: int, byte: int
) -> None:
    data = bytearray(BASE_XLSX)
    data[position] = byte
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    _check_workbook(path)


def _check_workbook(path: Path) -> None:
    try:
        read_ico_xlsx(path, controller_name="Acme", country="GB")
    except RecordInvalid as exc:
        assert exc.problems


def test_the_fuzz_base_workbook_is_itself_valid(tmp_path: Path) -> None:
    path = tmp_path / "base.xlsx"
    path.write_bytes(BASE_XLSX)
    try:
        record = read_ico_xlsx(path, controller_name="Acme", country="GB")
    except RecordInvalid as exc:  # pragma: no cover - a failure shows the problems
        pytest.fail(str(exc))
    assert record.activities
