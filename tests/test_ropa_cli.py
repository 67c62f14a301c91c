"""``ropagraph export ropa``: formats, format inference, findings annex, errors and exit codes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import docx
import openpyxl
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from graph.cli import app
from graph.ropa.layout import MAIN_SHEET
from loaders import content_hash, load_record
from tests.conftest import KYNEX

runner = CliRunner()
HAS_FINDINGS = importlib.util.find_spec("graph.findings") is not None


def export(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["export", "ropa", *args])
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize("suffix", ["xlsx", "docx", "html", "md"])
def test_export_infers_the_format_from_the_suffix(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"kynex.{suffix}"
    code, output = export(str(KYNEX), "--out", str(out), "--no-findings", "--date", "2026-01-01")
    assert code == 0, output
    assert f"({suffix}: 16 activities)" in output
    assert out.stat().st_size > 1000
    if suffix == "xlsx":
        assert MAIN_SHEET in openpyxl.load_workbook(out).sheetnames
    elif suffix == "docx":
        assert docx.Document(str(out)).core_properties.author == "ropagraph"
    else:
        assert "Kynex" in out.read_text(encoding="utf-8")


def test_export_with_format_and_no_out_uses_the_record_id(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = export(str(KYNEX), "--format", "md", "--no-findings")
    assert code == 0, output
    assert (tmp_path / "kynex-ropa.md").exists()


def test_html_export_carries_the_content_hash_and_date(tmp_path: Path) -> None:
    out = tmp_path / "kynex.html"
    code, output = export(str(KYNEX), "-o", str(out), "--no-findings", "--date", "2025-12-31")
    assert code == 0, output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("dd.hash").get_text(strip=True) == content_hash(KYNEX)
    assert "2025-12-31" in soup.select_one("header.title-page").get_text()
    assert soup.find(id="annex-findings") is None


@pytest.mark.skipif(not HAS_FINDINGS, reason="graph.findings (issue 5) is not present")
def test_export_adds_the_findings_annex_by_default(tmp_path: Path) -> None:
    out = tmp_path / "kynex.html"
    code, output = export(str(KYNEX), "-o", str(out), "--date", "2026-01-01")
    assert code == 0, output
    assert "findings annex with" in output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    annex = soup.find(id="annex-findings")
    assert annex is not None and annex.select("tbody tr")
    assert "as of 2026-01-01" in annex.get_text()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert export(str(KYNEX))[0] == 2  # neither --format nor --out
    code, output = export(str(KYNEX), "-o", str(tmp_path / "kynex.pdf"), "--no-findings")
    assert code == 2 and "cannot tell the format" in output
    code, output = export(str(KYNEX), "-o", str(tmp_path / "k.html"), "-f", "docx")
    assert code == 2 and "does not match" in output
    code, output = export(str(KYNEX), "-f", "pdf", "-o", str(tmp_path / "k"))
    assert code == 2 and "unknown format" in output
    code, output = export(str(KYNEX), "-f", "md", "--date", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in output
    assert not list(tmp_path.iterdir())


def test_invalid_record_exits_1_and_writes_nothing(tmp_path: Path, make_record) -> None:
    from tests.conftest import minimal_record_data

    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    record = make_record(data)
    out = tmp_path / "out.html"
    code, output = export(str(record), "-o", str(out), "--no-findings")
    assert code == 1 and "consnet" in output
    assert not out.exists()


def test_round_trip_through_the_cli(tmp_path: Path) -> None:
    xlsx = tmp_path / "kynex.xlsx"
    assert export(str(KYNEX), "-o", str(xlsx), "--no-findings")[0] == 0
    result = runner.invoke(app, ["import", "ico-xlsx", str(xlsx), "--out", str(tmp_path / "rec")])
    assert result.exit_code == 0, result.output
    imported = load_record(tmp_path / "rec")
    original = load_record(KYNEX)
    assert [a.id for a in imported.activities] == [a.id for a in original.activities]
    assert [r.name for r in imported.recipients] == [r.name for r in original.recipients]
