"""Formula injection: user text never becomes a live spreadsheet formula, and survives import."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from graph.ropa import export_ropa_bytes
from graph.ropa.layout import H_RECIPIENTS, H_SUBJECTS, MAIN_SHEET
from graph.spreadsheet_safety import FORMULA_TRIGGERS, neutralise_cell, restore_cell
from loaders import load_record
from loaders.ico import read_ico_xlsx
from tests.conftest import minimal_record_data

HYPERLINK = '=HYPERLINK("http://evil.example/x","click me")'


def test_neutralise_quotes_every_trigger() -> None:
    for trigger in FORMULA_TRIGGERS:
        assert neutralise_cell(f"{trigger}1+1") == f"'{trigger}1+1"
    assert neutralise_cell("Plain text") == "Plain text"
    assert neutralise_cell("") == ""
    assert neutralise_cell("a=b") == "a=b"


def test_restore_strips_only_the_quote_neutralise_added() -> None:
    assert restore_cell("'=SUM(A1)") == "=SUM(A1)"
    assert restore_cell("'quoted on purpose") == "'quoted on purpose"
    assert restore_cell("O'Brien") == "O'Brien"


@given(st.text(max_size=30))
def test_neutralise_then_restore_is_identity(value: str) -> None:
    safe = neutralise_cell(value)
    assert not safe.startswith(FORMULA_TRIGGERS)
    assert restore_cell(safe) == value


def test_formula_in_a_record_is_neutralised_in_xlsx_and_survives_import(
    make_record, tmp_path: Path
) -> None:
    data = minimal_record_data()
    data["data_subjects"][0]["name"] = HYPERLINK
    data["recipients"][0]["name"] = "@SUM(1,2)"
    record = load_record(make_record(data))
    xlsx = export_ropa_bytes(record, "xlsx", generated=dt.date(2026, 1, 1))

    ws = openpyxl.load_workbook(io.BytesIO(xlsx))[MAIN_SHEET]
    header = next(r for r in ws.iter_rows() if r[0].value == "Business function")
    columns = {c.value: c.column for c in header}
    data_row = header[0].row + 1
    subject = ws.cell(row=data_row, column=columns[H_SUBJECTS])
    recipient = ws.cell(row=data_row, column=columns[H_RECIPIENTS])
    assert subject.value == "'" + HYPERLINK and subject.data_type == "s"
    assert recipient.value == "'@SUM(1,2)" and recipient.data_type == "s"
    formulas = [
        c.coordinate
        for sheet in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []

    path = tmp_path / "injected.xlsx"
    path.write_bytes(xlsx)
    imported = read_ico_xlsx(path)
    assert [s.name for s in imported.data_subjects] == [HYPERLINK]
    assert [r.name for r in imported.recipients] == ["@SUM(1,2)"]
