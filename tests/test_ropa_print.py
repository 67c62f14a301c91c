"""The ROPA workbook prints: converted to PDF by LibreOffice headless, it stays a few pages,
rows are tall enough for their wrapped text, and the header row repeats on every page.

Skipped, with the reason, where LibreOffice (soffice) or pdftotext is not installed."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.model import Record
from graph.ropa import export_ropa_bytes
from graph.ropa.layout import MAIN_SHEET
from graph.ropa.print_setup import lines_needed
from graph.synthetic.generate import generate_record
from loaders import load_record

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_office = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are needed to print to PDF",
)


def _pdf_pages(xlsx: bytes, folder: Path) -> list[str]:
    """The text of each page of the workbook printed to PDF by LibreOffice."""
    source = folder / "ropa.xlsx"
    source.write_bytes(xlsx)
    profile = folder / "profile"
    assert SOFFICE is not None and PDFTOTEXT is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(folder / "ropa.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_every_sheet_is_set_up_to_print(kynex_path: Path) -> None:
    workbook = load_workbook(io.BytesIO(export_ropa_bytes(load_record(kynex_path), "xlsx")))
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows, f"{ws.title}: no repeated header row"
    main = workbook[MAIN_SHEET]
    header = int(str(main.print_title_rows).split(":")[0].lstrip("$"))
    assert main.cell(row=header, column=2).value  # the ICO headings row repeats
    for row in range(header + 1, main.max_row + 1):
        for cell in main[row]:
            if isinstance(cell.value, str):
                width = main.column_dimensions[cell.column_letter].width
                needed = lines_needed(cell.value, width) * 15
                height = main.row_dimensions[row].height
                assert height is not None and height >= min(needed, 409), (row, cell.value)


@needs_office
def test_kynex_workbook_prints_on_few_pages(kynex_path: Path, tmp_path: Path) -> None:
    pages = _pdf_pages(export_ropa_bytes(load_record(kynex_path), "xlsx"), tmp_path)
    assert 3 <= len(pages) <= 10, f"{len(pages)} pages"  # 38 before print settings
    assert "Purpose of processing" in pages[0]


@needs_office
def test_the_header_row_repeats_on_every_page_of_a_long_record(tmp_path: Path) -> None:
    record = Record.model_validate(generate_record(60, seed=3))
    pages = _pdf_pages(export_ropa_bytes(record, "xlsx"), tmp_path)
    footers = [[line for line in p.splitlines() if line.strip()][-1].strip() for p in pages]
    assert all(f.endswith(f"Page {n} of {len(pages)}") for n, f in enumerate(footers, start=1))
    main_pages = [p for p, f in zip(pages, footers, strict=True) if f.startswith(MAIN_SHEET)]
    assert len(main_pages) >= 2, f"the main sheet printed on {len(main_pages)} page(s)"
    for number, page in enumerate(main_pages, start=1):
        assert "Purpose of processing" in page, f"page {number} has no header row"
    recipients = [p for p, f in zip(pages, footers, strict=True) if f.startswith("Recipients")]
    assert recipients and all("Transfer mechanism" in p for p in recipients)
