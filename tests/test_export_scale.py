"""Exports at scale: the XLSX streams and reports progress; a DOCX too large to build in
reasonable time is refused up front, with a pointer to XLSX and HTML."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import graph.ropa.export as export
from graph.cli import app
from graph.model import Record
from graph.ropa import RopaExportError
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


def test_docx_over_the_limit_is_refused_before_any_work(
    kynex_record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "DOCX_MAX_ACTIVITIES", len(kynex_record.activities) - 1)
    monkeypatch.setattr(export, "build_document", _must_not_run)
    with pytest.raises(RopaExportError, match=r"export xlsx .* or html instead"):
        export.export_ropa_bytes(kynex_record, "docx")


def test_cli_refuses_a_too_large_docx_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "DOCX_MAX_ACTIVITIES", 1)
    out = tmp_path / "big.docx"
    result = CliRunner().invoke(
        app, ["export", "ropa", str(KYNEX), "-o", str(out), "--no-findings"]
    )
    assert result.exit_code == 1
    assert "is refused" in result.output and "html instead" in result.output
    assert "Traceback" not in result.output and not out.exists()


def _must_not_run(*args: object, **kwargs: object) -> None:
    raise AssertionError("the document was built before the refusal")
