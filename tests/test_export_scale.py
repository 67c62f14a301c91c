"""Exports at scale: every format reports progress, and a DOCX of any size is written (it was
refused above 20,000 activities while python-docx built it; the streamed writer takes about a
minute of CPU at 100,000, benchmarks/README.md)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
from typer.testing import CliRunner

import graph.ropa.export as export
from graph.cli import app
from graph.model import Record
from graph.ropa.layout import MAIN_SHEET
from tests.conftest import KYNEX


def test_xlsx_reports_progress_up_to_every_row(kynex_record: Record) -> None:
    seen: list[tuple[str, int, int]] = []
    data = export.export_ropa_bytes(
        kynex_record, "xlsx", progress=lambda s, d, t: seen.append((s, d, t))
    )
    assert seen[0][0] == "building the document"
    stage, done, total = seen[-1]
    assert stage == "writing rows" and done == total >= 2 * len(kynex_record.activities)
    ws = openpyxl.load_workbook(io.BytesIO(data))[MAIN_SHEET]
    assert ws.freeze_panes is not None and ws.auto_filter.ref


def test_cli_exports_a_docx_without_a_size_refusal(tmp_path: Path) -> None:
    out = tmp_path / "kynex.docx"
    result = CliRunner().invoke(
        app, ["export", "ropa", str(KYNEX), "-o", str(out), "--no-findings"]
    )
    assert result.exit_code == 0, result.output
    assert "is refused" not in result.output and "Traceback" not in result.output
    document = docx.Document(str(out))
    assert document.paragraphs[0].style.name == "Title"
