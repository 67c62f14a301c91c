"""The ROPA as a workbook in the UK ICO controller-template layout.

Most DPOs keep their record in the ICO's spreadsheet, so the first sheet is laid out as that
template is: the controller block on top, then one row per processing activity under the ICO's
column headings. A second sheet lists recipients in full (kind, country, transfer tool, contract)
and a third says where each row comes from, which is also what lets the importer read our own
exports back without loss. Every cell goes through :func:`neutralise_cell`: a record is authored
text, and text starting with '=' must never become a live formula in someone's Excel.

The workbook is written in openpyxl's write-only (streaming) mode: rows go to disk as they are
made instead of living as cell objects until the end, which is what lets 100,000 activities
export in bounded memory (benchmarks/README.md). Sheet settings (column widths, frozen panes,
filters, row heights, page setup and print titles) must be set on a write-only sheet before its
first row is appended: each ``_*_sheet`` function sets them first, then streams its rows.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
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
from graph.ropa.print_setup import page_settings, row_height
from graph.ropa.stable_zip import generated_datetime, stable_zip
from graph.ropa.text import clean_text
from graph.spreadsheet_safety import neutralise_cell

EXCEL_CELL_LIMIT = 32_767
MIN_WIDTH, MAX_WIDTH = 12, 60

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_WRAP = Alignment(wrap_text=True, vertical="top")

Row = Sequence[str]
Progress = Callable[[int, int], None]
"""progress(rows written, rows in all): called as the sheets stream out."""


def _safe(value: str, where: str) -> str:
    """Text made safe: formula-neutralised, XML-clean, and within Excel's cell limit."""
    text = neutralise_cell(clean_text(value))
    if len(text) > EXCEL_CELL_LIMIT:
        raise RopaExportError(
            f"{where}: {len(text)} characters, over Excel's {EXCEL_CELL_LIMIT}-character cell "
            "limit; shorten the text in the record or export DOCX/HTML instead"
        )
    return text


class _Cells:
    """Styled write-only cells. A style is resolved once into a prototype and copied onto each
    cell (assigning a Font or Alignment per cell re-hashes it: seconds at 10k activities)."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.wrap = self._proto(alignment=_WRAP)
        self.header = self._proto(font=_BOLD, fill=_HEADER_FILL, alignment=_WRAP)
        self.bold = self._proto(font=_BOLD)
        self.title = self._proto(font=_TITLE)
        self.nowrap = self._proto(alignment=Alignment(wrap_text=False))

    def _proto(self, **style: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell

    def text(self, text: str, proto: WriteOnlyCell | None = None) -> WriteOnlyCell | None:
        """A string cell (never a formula, whatever openpyxl would guess); None when empty."""
        if not text:
            return None
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"
        cell._style = copy((proto or self.wrap)._style)
        return cell

    def row(self, values: Row) -> list[WriteOnlyCell | None]:
        return [self.text(v) for v in values]

    def headings(self, headings: Sequence[str]) -> list[WriteOnlyCell | None]:
        return [self.text(h, self.header) if h else self._blank_header() for h in headings]

    def _blank_header(self) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        cell._style = copy(self.header._style)
        return cell


def _widths(header: Sequence[str], rows: Iterable[Row]) -> list[float]:
    """Column widths from the content (capped, so text wraps): headings wrap; a long data line
    should too, but never split a word."""
    longest = [max(map(len, h.split()), default=0) + 2 for h in header]
    for row in rows:
        for column, value in enumerate(row):
            if value:
                words = max(map(len, value.split()))
                line = min(max(map(len, value.splitlines())), 40)
                if words + 2 > longest[column] or line > longest[column]:
                    longest[column] = max(words + 2, line)
    return [max(MIN_WIDTH, min(MAX_WIDTH, n + 2)) for n in longest]


def _table_settings(
    ws: WriteOnlyWorksheet, header_row: int, widths: Sequence[float], data_rows: int
) -> None:
    """Frozen header, auto-filter, widths and print settings (graph/ropa/print_setup.py): set
    before the first row is streamed."""
    ws.freeze_panes = f"A{header_row + 1}"
    last = get_column_letter(len(widths))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(data_rows, 0)}"
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    page_settings(ws, header_row)


def _fit(ws: WriteOnlyWorksheet, row: int, values: Sequence[str], widths: Sequence[float]) -> None:
    """The row's height from its wrapped text (print_setup.fit_rows), before it is written."""
    ws.row_dimensions[row].height = row_height(values, widths)


def _main_rows(doc: RopaDocument) -> Iterator[Row]:
    for ropa_row in doc.rows:
        yield [
            _safe(
                "\n".join(ropa_row.lines(heading)),
                f"activity '{ropa_row.activity_id}', column '{heading}'",
            )
            for heading in ICO_HEADINGS
        ]


def _party_rows(doc: RopaDocument, block: str = "controller block") -> list[Row]:
    return [[_safe(v, f"{block}, {party.role}") for v in party.fields()] for party in doc.parties]


def _main_sheet(ws: WriteOnlyWorksheet, doc: RopaDocument, tick: Callable[[], None]) -> None:
    cells = _Cells(ws)
    parties = _party_rows(doc)
    header_row = 4 + len(parties) + 2
    rows = list(_main_rows(doc))  # made once: the widths need them before the first row
    widths = _widths(ICO_HEADINGS, rows)  # the table's own cells, as before
    _table_settings(ws, header_row, widths, len(doc.rows))
    block_widths = [*widths, *[13.0] * (len(BLOCK_FIELDS) + 1 - len(widths))]
    for offset, values in enumerate(parties):  # the controller block wraps too
        _fit(ws, 5 + offset, [doc.parties[offset].role, *values], block_widths)
    _fit(ws, header_row, ICO_HEADINGS, widths)
    for offset, values in enumerate(rows, start=1):
        _fit(ws, header_row + offset, values, widths)

    about = f"Generated {doc.generated.isoformat()} by ropagraph from “{doc.record_name}”"
    if doc.version:
        about += f", version {doc.version}"
    if doc.content_hash:
        about += f", content sha256 {doc.content_hash}"
    ws.append([cells.text(neutralise_cell(clean_text(doc.title)), cells.title)])
    ws.append([cells.text(_safe(about, "title"), cells.nowrap)])
    ws.append([])
    ws.append(cells.headings(("", *BLOCK_FIELDS)))
    for party, values in zip(doc.parties, parties, strict=True):
        ws.append([cells.text(party.role, cells.bold), *cells.row(values)])
    ws.append([])
    ws.append(cells.headings(ICO_HEADINGS))
    for values in rows:
        ws.append(cells.row(values))
        tick()


def _stream_table(
    ws: WriteOnlyWorksheet,
    headings: Sequence[str],
    rows: list[Row],
    tick: Callable[[], None],
) -> None:
    """A sheet that is one table from row 1: settings first, then the rows streamed."""
    cells = _Cells(ws)
    widths = _widths(headings, rows)
    _table_settings(ws, 1, widths, len(rows))
    _fit(ws, 1, headings, widths)
    for offset, values in enumerate(rows, start=2):
        _fit(ws, offset, values, widths)
    ws.append(cells.headings(headings))
    for values in rows:
        ws.append(cells.row(values))
        tick()


def _recipient_rows(doc: RopaDocument) -> Iterator[Row]:
    for line in doc.recipients:
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
        yield [_safe(v, f"recipient '{line.name}'") for v in values]


def _provenance_rows(doc: RopaDocument, first_data_row: int) -> Iterator[Row]:
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
        yield [_safe(v, f"provenance of '{ropa_row.activity_id}'") for v in values]


def _finding_rows(doc: RopaDocument) -> Iterator[Row]:
    for f in doc.findings or ():
        values = (f.severity, f.title, f.element, f.articles, f.why, f.what_to_do, f.ref or "")
        yield [_safe(v, f"finding '{f.rule}'") for v in values]


def _processor_rows(doc: RopaDocument) -> list[Row]:
    rows: list[Row] = []
    for p in doc.processor:
        values = (
            p.controller,
            p.representative,
            p.dpo,
            p.categories,
            p.countries,
            p.safeguards,
            p.security,
            p.activity_id,
        )
        rows.append([_safe(v, f"processor record of '{p.activity_id}'") for v in values])
    return rows


def _processor_sheet(ws: WriteOnlyWorksheet, doc: RopaDocument, tick: Callable[[], None]) -> None:
    """The ICO processor-template layout (Art 30(2)): our organisation's block on top (we are
    the processor), then one row per controller served and activity."""
    cells = _Cells(ws)
    parties = _party_rows(doc, "processor block")
    header_row = len(parties) + 3
    rows = _processor_rows(doc)
    widths = _widths(PROCESSOR_SHEET_HEADINGS, rows)
    _table_settings(ws, header_row, widths, len(rows))
    _fit(ws, header_row, PROCESSOR_SHEET_HEADINGS, widths)
    for offset, values in enumerate(rows, start=1):
        _fit(ws, header_row + offset, values, widths)
    ws.append(cells.headings(("", *BLOCK_FIELDS)))
    for party, values in zip(doc.parties, parties, strict=True):
        label = PROCESSOR_SELF if party.role == PARTY_CONTROLLER else party.role
        ws.append([cells.text(label, cells.bold), *cells.row(values)])
    ws.append([])
    ws.append(cells.headings(PROCESSOR_SHEET_HEADINGS))
    for values in rows:
        ws.append(cells.row(values))
        tick()


def render_xlsx(doc: RopaDocument, progress: Progress | None = None) -> bytes:
    """The workbook's bytes; equal documents give equal bytes (fixed zip and property dates)."""
    wb = Workbook(write_only=True)
    total = 2 * len(doc.rows) + len(doc.recipients) + len(doc.processor) + len(doc.findings or ())
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)

    _main_sheet(wb.create_sheet(MAIN_SHEET), doc, tick)
    header_row = 4 + len(doc.parties) + 2
    _stream_table(
        wb.create_sheet(RECIPIENTS_SHEET),
        RECIPIENT_HEADINGS,
        list(_recipient_rows(doc)),
        tick,
    )
    _stream_table(
        wb.create_sheet(PROVENANCE_SHEET),
        PROVENANCE_HEADINGS,
        list(_provenance_rows(doc, header_row + 1)),
        tick,
    )
    if doc.processor:
        _processor_sheet(wb.create_sheet(PROCESSOR_SHEET), doc, tick)
    if doc.findings is not None:
        ws = wb.create_sheet(FINDINGS_SHEET)
        _stream_table(ws, FINDINGS_HEADINGS, list(_finding_rows(doc)), tick)
        as_of = doc.findings_as_of.isoformat() if doc.findings_as_of else "today"
        ws.append([])
        ws.append([_Cells(ws).text(f"Rules evaluated as of {as_of}.")])

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
