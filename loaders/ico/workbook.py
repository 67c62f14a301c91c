"""Reading an ICO-layout workbook: its cells as text, the header row, the controller block.

Kept apart from the record assembly (loaders/ico/importer.py) because this is where untrusted files
are met: anything that is not a readable .xlsx (a renamed text file, a password-protected or
legacy .xls, a damaged zip, an empty workbook) is refused here with a message that says what the
file is and how to fix it. Cells come back as stripped text with our formula-injection quote
removed, so the rest of the importer never sees spreadsheet types.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from graph.ropa.layout import H_P_CATEGORIES, H_PURPOSE, ICO_HEADINGS
from graph.spreadsheet_safety import restore_cell
from loaders.ico.headings import column_headings
from loaders.ico.parse import normalise
from loaders.problems import Problem, RecordInvalid

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
"""Largest total size of the workbook's parts once unzipped (a ROPA workbook is a few MB; a
200 MB cell compresses to 199 KB). zipfile stops reading a part at its declared size, so the
declared sizes really bound what is decompressed."""
MAX_CELL_CHARS = 32_767
"""Excel's own limit for one cell: a longer cell was not written by a spreadsheet program."""
_PROLOG_BYTES = 64 * 1024
MAX_ROWS = 100_000
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # zipfile: "File … is encrypted, password required"
)
"""What a damaged or crafted zip raises while it is read (beyond openpyxl's own errors)."""
MAX_COLUMNS = 300
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE2/CFB: encrypted workbooks and legacy .xls
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SCAN_ROWS = 200
MIN_HEADINGS = 3

# ----------------------------------------------------------------------------- cells


@dataclass
class Sheet:
    title: str
    rows: list[list[str]]

    def cell(self, row: int, column: int) -> str:
        """0-based row and column; '' beyond the data."""
        if row >= len(self.rows) or column >= len(self.rows[row]):
            return ""
        return self.rows[row][column]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore_cell(str(value)).strip()


def refuse(path: Path, message: str, suggestion: str | None = None) -> RecordInvalid:
    return RecordInvalid([Problem(str(path), message, suggestion=suggestion)])


def read_sheets(path: Path) -> list[Sheet]:
    """Every worksheet's cells as text; a clear error for anything that is not an xlsx."""
    if not path.exists():
        raise refuse(path, "no such file")
    if path.is_dir():
        raise refuse(path, "is a folder, not a spreadsheet", "give the .xlsx file's path")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refuse(
            path,
            f"file is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
            "remove images or unrelated sheets from the workbook",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise refuse(path, "the file is empty", "save the workbook again as .xlsx")
    if head.startswith(OLE_MAGIC):
        raise refuse(
            path,
            "password-protected or legacy .xls workbook: it cannot be read",
            "remove the password (File › Info › Protect Workbook) and save as "
            "'Excel Workbook (.xlsx)', then import again",
        )
    if not head.startswith(ZIP_MAGIC):
        raise refuse(
            path,
            "not an xlsx workbook (the file does not start like one)",
            "open it in Excel or LibreOffice and save as 'Excel Workbook (.xlsx)'",
        )
    _check_package(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except SyntaxError as exc:  # xml.etree's ParseError: malformed XML in the workbook's parts
        raise refuse(
            path,
            f"the workbook's XML is malformed ({exc})",
            "open it in Excel or LibreOffice and save as 'Excel Workbook (.xlsx)'",
        ) from None
    except (InvalidFileException, KeyError, *_DAMAGED) as exc:
        raise refuse(
            path,
            f"not a readable xlsx workbook ({type(exc).__name__}: {exc})",
            "open it in Excel or LibreOffice and save as 'Excel Workbook (.xlsx)'",
        ) from None
    title = ""
    try:
        sheets = []
        for ws in workbook.worksheets:
            title = str(ws.title)
            sheets.append(_read_sheet(path, ws))
        return sheets
    except SyntaxError as exc:  # xml.etree's ParseError, with its line and column
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    f"the sheet's XML is malformed ({exc})",
                    sheet=title,
                    suggestion="open it in Excel or LibreOffice and save it again as .xlsx",
                )
            ]
        ) from None
    except (KeyError, *_DAMAGED) as exc:
        raise refuse(path, f"the workbook is damaged ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()


def _check_package(path: Path) -> None:
    """Refuse a workbook that unzips to too much, or whose XML declares a DTD.

    Spreadsheet programs never write a DTD; one in a workbook is there to expand entities or
    reach other files, so it is refused before any XML parser sees it.
    """
    try:
        with zipfile.ZipFile(path) as package:
            total = 0
            for info in package.infolist():
                total += info.file_size
                if total > MAX_UNZIPPED_BYTES:
                    raise refuse(
                        path,
                        f"the workbook unzips to more than {MAX_UNZIPPED_BYTES // 2**20} MB "
                        f"(at part {info.filename}); a record of processing is far smaller",
                        "remove images, embedded files or very long cells, and save again",
                    )
                if info.filename.endswith((".xml", ".rels")):
                    with package.open(info) as part:
                        prolog = part.read(_PROLOG_BYTES)
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise refuse(
                            path,
                            f"part {info.filename} declares a DTD (<!DOCTYPE>), which "
                            "spreadsheet programs never write; refused",
                            "open it in Excel or LibreOffice and save as 'Excel Workbook (.xlsx)'",
                        )
    except _DAMAGED as exc:
        raise refuse(
            path,
            f"not a readable xlsx workbook ({type(exc).__name__}: {exc})",
            "open it in Excel or LibreOffice and save as 'Excel Workbook (.xlsx)'",
        ) from None


def _read_sheet(path: Path, ws: Any) -> Sheet:
    rows: list[list[str]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        for column, value in enumerate(values[:MAX_COLUMNS]):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise RecordInvalid(
                    [
                        Problem(
                            str(path),
                            f"cell {get_column_letter(column + 1)}{number} holds "
                            f"{len(value):,} characters; spreadsheet cells hold at most "
                            f"{MAX_CELL_CHARS:,}",
                            line=number,
                            sheet=ws.title,
                            suggestion="shorten the cell (long texts belong in a linked document)",
                        )
                    ]
                )
        if number > MAX_ROWS:
            raise RecordInvalid(
                [
                    Problem(
                        str(path),
                        f"more than {MAX_ROWS} rows",
                        sheet=ws.title,
                        suggestion="split the record into several workbooks",
                    )
                ]
            )
        row = [_cell_text(v) for v in values[:MAX_COLUMNS]]
        while row and not row[-1]:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(str(ws.title), rows)


def _headings() -> dict[str, str]:
    """Normalised wording -> canonical heading: the ICO headings and the reference synonyms."""
    return {normalise(h): h for h in ICO_HEADINGS} | column_headings()


def find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """(0-based row, heading -> 0-based column) of the row holding the ICO headings.

    A controller table has "Purpose of processing"; a processor table (Art 30(2)) has
    "Categories of processing" instead. Wordings come from data/reference/ico_headings.yaml.
    """
    table = _headings()
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for column, text in enumerate(row):
            heading = table.get(normalise(text)) if text else None
            if heading is not None and heading not in found:
                found[heading] = column
        if (H_PURPOSE in found or H_P_CATEGORIES in found) and len(found) >= MIN_HEADINGS:
            return index, found
    return None


def find_table(sheet: Sheet, required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """A simple table (our Recipients / Provenance sheets) by its own headings."""
    wanted = {normalise(h): h for h in required}
    for index, row in enumerate(sheet.rows[:20]):
        found = {wanted[normalise(t)]: c for c, t in enumerate(row) if normalise(t) in wanted}
        if all(h in found for h in required):
            return index, found
    return None
