"""Print settings for the ROPA workbook, so a DPO can send a regulator a PDF of it.

A sheet without them prints as dozens of pages: LibreOffice and Excel do not grow rows for
wrapped text that openpyxl wrote (the text overlaps the next row), and 30 columns are split
across pages in portrait. So every table sheet gets:

* row heights computed from the wrapped text (lines per cell from the column width);
* A3 landscape, fitted to one page wide (the PDF is vector: zoom in to read), as many pages
  tall as needed;
* the header row repeated on every page (print titles), narrow margins, and a footer with the
  sheet name and "page N of M".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

LINE_HEIGHT = 15.0
"""Points per line of 11 pt text (Calibri's default row is 15 pt)."""
MAX_ROW_HEIGHT = 409.0
"""Excel's maximum row height, in points."""
CHARS_PER_WIDTH_UNIT = 1.15
"""Characters of ordinary text per unit of column width (a unit is one '0' wide)."""


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` units wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH_UNIT) - 1)
    total = 0
    for line in text.splitlines() or [""]:
        total += max(1, math.ceil(len(line) / per_line))
    return total


def fit_rows(ws: Worksheet, first_row: int, last_row: int) -> None:
    """Set each row's height to show all of its wrapped text."""
    widths = {
        column: ws.column_dimensions[get_column_letter(column)].width or 13.0
        for column in range(1, ws.max_column + 1)
    }
    for row in range(first_row, last_row + 1):
        lines = 1
        for column, width in widths.items():
            value = ws.cell(row=row, column=column).value
            if isinstance(value, str) and value:
                lines = max(lines, lines_needed(value, width))
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 3)


def row_height(values: Sequence[str | None], widths: Sequence[float]) -> float:
    """The height :func:`fit_rows` gives a row holding ``values`` in columns ``widths`` wide
    (for write-only sheets, whose rows are set before they are written and never read back)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            lines = max(lines, lines_needed(value, width))
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 3)


def print_ready(ws: Worksheet, header_row: int, last_row: int) -> None:
    """Row heights, A3 landscape fitted to the page width, header row on every page."""
    fit_rows(ws, header_row, last_row)
    page_settings(ws, header_row)


def page_settings(ws: Any, header_row: int) -> None:
    """A3 landscape fitted to the page width, header row on every page, margins, footer (any
    worksheet, write-only ones included: set before their first row)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.gridLines = True
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"
