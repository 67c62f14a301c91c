"""The ROPA as a workbook in the UK ICO controller-template layout.

Most DPOs keep their record in the ICO's spreadsheet, so the first sheet is laid out as that
template is: the controller block on top, then one row per processing activity under the ICO's
column headings. A second sheet lists recipients in full (kind, country, transfer tool, contract)
and a third says where each row comes from, which is also what lets the importer read our own
exports back without loss. Every cell goes through :func:`neutralise_cell`: a record is authored
text, and text starting with '=' must never become a live formula in someone's Excel.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from graph.ropa.document import RopaDocument, RopaExportError
from graph.ropa.layout import (
    BLOCK_FIELDS,
    FINDINGS_HEADINGS,
    FINDINGS_SHEET,
    H_PURPOSE,
    ICO_HEADINGS,
    MAIN_SHEET,
    PARTY_CONTROLLER,
    PROCESSOR_SELF,
    PROCESSOR_SHEET,
    PROCESSOR_SHEET_HEADINGS,
    PROVENANCE_HEADINGS,
    PROVENANCE_SHEET,
    RECIPIENT_HEADINGS,
    RECIPIENTS_SHEET,
)
from graph.ropa.print_setup import fit_rows, print_ready
from graph.ropa.stable_zip import generated_datetime, stable_zip
from graph.ropa.text import clean_text
from graph.spreadsheet_safety import neutralise_cell

EXCEL_CELL_LIMIT = 32_767
MIN_WIDTH, MAX_WIDTH = 12, 60

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, column: int, value: str, where: str) -> None:
    """Write text safely: formula-neutralised, XML-clean, and within Excel's cell limit."""
    text = neutralise_cell(clean_text(value))
    if len(text) > EXCEL_CELL_LIMIT:
        raise RopaExportError(
            f"{where}: {len(text)} characters, over Excel's {EXCEL_CELL_LIMIT}-character cell "
            "limit; shorten the text in the record or export DOCX/HTML instead"
        )
    if text:
        cell = ws.cell(row=row, column=column, value=text)
        cell.data_type = "s"  # never a formula, whatever openpyxl would guess
        cell.alignment = _WRAP


def _header(ws: Worksheet, row: int, headings: Sequence[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        cell = ws.cell(row=row, column=column, value=heading)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP


def _table_finish(ws: Worksheet, header_row: int, columns: int, last_row: int) -> None:
    """Frozen header, auto-filter, and widths from the content (capped, so text wraps)."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{max(last_row, header_row)}"
    for column in range(1, columns + 1):
        longest = 0
        for row in range(header_row, last_row + 1):
            value = ws.cell(row=row, column=column).value
            if isinstance(value, str):
                words = max((len(w) for w in value.split()), default=0)
                line = max((len(x) for x in value.splitlines()), default=0)
                # Headings wrap; a long data line should too, but never split a word.
                longest = max(longest, words + 2, min(line, 40) if row > header_row else 0)
        width = max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))
        ws.column_dimensions[get_column_letter(column)].width = width
    print_ready(ws, header_row, last_row)


def _main_sheet(ws: Worksheet, doc: RopaDocument) -> None:
    ws.title = MAIN_SHEET
    ws.cell(row=1, column=1, value=neutralise_cell(clean_text(doc.title))).font = _TITLE
    about = f"Generated {doc.generated.isoformat()} by ropagraph from “{doc.record_name}”"
    if doc.version:
        about += f", version {doc.version}"
    if doc.content_hash:
        about += f", content sha256 {doc.content_hash}"
    _put(ws, 2, 1, about, "title")
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=False)

    _header(ws, 4, ("", *BLOCK_FIELDS))
    row = 5
    for party in doc.parties:
        ws.cell(row=row, column=1, value=party.role).font = _BOLD
        for column, value in enumerate(party.fields(), start=2):
            _put(ws, row, column, value, f"controller block, {party.role}")
        row += 1

    header_row = row + 1
    _header(ws, header_row, ICO_HEADINGS)
    for offset, ropa_row in enumerate(doc.rows, start=1):
        for column, heading in enumerate(ICO_HEADINGS, start=1):
            where = f"activity '{ropa_row.activity_id}', column '{heading}'"
            _put(ws, header_row + offset, column, "\n".join(ropa_row.lines(heading)), where)
    last = header_row + len(doc.rows)
    _table_finish(ws, header_row, len(ICO_HEADINGS), last)
    fit_rows(ws, 5, header_row - 2)  # the controller block wraps too


def _recipients_sheet(ws: Worksheet, doc: RopaDocument) -> None:
    _header(ws, 1, RECIPIENT_HEADINGS)
    for row, line in enumerate(doc.recipients, start=2):
        values = (
            line.name,
            line.kind,
            line.named,
            line.country,
            line.contract_ref,
            line.transfer_to,
            line.mechanism,
            line.stated_as,
            line.certified,
            line.derogation,
            line.disclosed_by,
            line.ref or "",
        )
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, f"recipient '{line.name}'")
    _table_finish(ws, 1, len(RECIPIENT_HEADINGS), len(doc.recipients) + 1)


def _provenance_sheet(ws: Worksheet, doc: RopaDocument, first_data_row: int) -> None:
    _header(ws, 1, PROVENANCE_HEADINGS)
    for index, ropa_row in enumerate(doc.rows):
        purposes = ropa_row.lines(H_PURPOSE)
        values = (
            str(first_data_row + index),
            ropa_row.activity_id,
            ropa_row.name,
            ropa_row.role.value,
            purposes[0] if purposes else "",
            ropa_row.ref or "",
        )
        for column, value in enumerate(values, start=1):
            _put(ws, index + 2, column, value, f"provenance of '{ropa_row.activity_id}'")
    _table_finish(ws, 1, len(PROVENANCE_HEADINGS), len(doc.rows) + 1)


def _findings_sheet(ws: Worksheet, doc: RopaDocument) -> None:
    _header(ws, 1, FINDINGS_HEADINGS)
    findings = doc.findings or ()
    for row, f in enumerate(findings, start=2):
        values = (f.severity, f.title, f.element, f.articles, f.why, f.what_to_do, f.ref or "")
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, f"finding '{f.rule}'")
    as_of = doc.findings_as_of.isoformat() if doc.findings_as_of else "today"
    _put(ws, len(findings) + 3, 1, f"Rules evaluated as of {as_of}.", "findings")
    _table_finish(ws, 1, len(FINDINGS_HEADINGS), len(findings) + 1)


def _processor_sheet(ws: Worksheet, doc: RopaDocument) -> None:
    """The ICO processor-template layout (Art 30(2)): our organisation's block on top (we are
    the processor), then one row per controller served and activity."""
    _header(ws, 1, ("", *BLOCK_FIELDS))
    for row, party in enumerate(doc.parties, start=2):
        label = PROCESSOR_SELF if party.role == PARTY_CONTROLLER else party.role
        ws.cell(row=row, column=1, value=label).font = _BOLD
        for column, value in enumerate(party.fields(), start=2):
            _put(ws, row, column, value, f"processor block, {party.role}")
    header_row = len(doc.parties) + 3
    _header(ws, header_row, PROCESSOR_SHEET_HEADINGS)
    for row, p in enumerate(doc.processor, start=header_row + 1):
        values = (p.controller, p.representative, p.dpo, p.categories, p.countries,
                  p.safeguards, p.security, p.activity_id)  # fmt: skip
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, f"processor record of '{p.activity_id}'")
    _table_finish(ws, header_row, len(PROCESSOR_SHEET_HEADINGS), header_row + len(doc.processor))


def render_xlsx(doc: RopaDocument) -> bytes:
    """The workbook's bytes; equal documents give equal bytes (fixed zip and property dates)."""
    wb = Workbook()
    main = wb.active
    assert isinstance(main, Worksheet)
    _main_sheet(main, doc)
    header_row = 4 + len(doc.parties) + 2
    _recipients_sheet(wb.create_sheet(RECIPIENTS_SHEET), doc)
    _provenance_sheet(wb.create_sheet(PROVENANCE_SHEET), doc, header_row + 1)
    if doc.processor:
        _processor_sheet(wb.create_sheet(PROCESSOR_SHEET), doc)
    if doc.findings is not None:
        _findings_sheet(wb.create_sheet(FINDINGS_SHEET), doc)

    when = generated_datetime(doc.generated)
    wb.properties.creator = "ropagraph"
    wb.properties.title = clean_text(doc.title)
    wb.properties.created = when
    wb.properties.modified = when

    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() stamps the current time into the properties.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return stable_zip(buffer.getvalue())
