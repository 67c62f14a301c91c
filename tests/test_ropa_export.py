"""ROPA export: the Kynex record in each format, read back with the format's own reader."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from bs4 import BeautifulSoup

from graph.model import LawfulBasisId, Record, TransferMechanismId
from graph.reference import reference_by_id
from graph.ropa import (
    ICO_HEADINGS,
    ROPA_FORMATS,
    ROPA_MEDIA_TYPES,
    export_ropa,
    export_ropa_bytes,
    format_for,
)
from graph.ropa.build import build_document
from graph.ropa.layout import (
    H_ART6,
    H_BREACH,
    H_CONSENT_RECORD,
    H_COUNTRIES,
    H_PURPOSE,
    H_SAFEGUARDS,
    MAIN_SHEET,
    PROVENANCE_SHEET,
    RECIPIENT_HEADINGS,
    RECIPIENTS_SHEET,
)
from loaders import content_hash, load_record
from tests.conftest import KYNEX, minimal_record_data

DAY = dt.date(2026, 3, 1)
NEWSLETTER = "email-newsletter"


@pytest.fixture(scope="module")
def exports(kynex_record: Record) -> dict[str, bytes]:
    digest = content_hash(KYNEX)
    return {
        fmt: export_ropa_bytes(kynex_record, fmt, generated=DAY, content_hash=digest)
        for fmt in ROPA_FORMATS
    }


def _article(table: str, entry: str) -> str:
    article = reference_by_id(table)[entry].article
    assert article
    return article


# ----------------------------------------------------------------------------- XLSX


def _header_row(ws) -> int:
    for row in ws.iter_rows(min_row=1, max_row=40):
        if row[0].value == ICO_HEADINGS[0]:
            return int(row[0].row)
    raise AssertionError("no ICO header row")


def _rows_by_activity(wb) -> dict[str, dict[str, str]]:
    main, provenance = wb[MAIN_SHEET], wb[PROVENANCE_SHEET]
    header = _header_row(main)
    headings = [c.value for c in main[header]]
    rows: dict[str, dict[str, str]] = {}
    for number, activity_id, *_ in provenance.iter_rows(min_row=2, values_only=True):
        cells = [c.value or "" for c in main[int(number)]]
        rows[str(activity_id)] = dict(zip(headings, cells, strict=False))
    return rows


def test_xlsx_has_the_ico_headings_in_order(exports: dict[str, bytes]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(exports["xlsx"]))[MAIN_SHEET]
    header = _header_row(ws)
    assert tuple(c.value for c in ws[header]) == ICO_HEADINGS
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith(f"A{header}:")
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[header]]
    assert all(12 <= w <= 60 for w in widths)


def test_xlsx_has_every_activity_once(exports: dict[str, bytes], kynex_record: Record) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(exports["xlsx"]))
    rows = _rows_by_activity(wb)
    assert list(rows) == [a.id for a in kynex_record.activities]
    main = wb[MAIN_SHEET]
    header = _header_row(main)
    purposes = [r[1] for r in main.iter_rows(min_row=header + 1, values_only=True)]
    assert len(purposes) == len(kynex_record.activities)
    for activity in kynex_record.activities:
        assert sum(1 for p in purposes if p and p.split("\n")[0] == activity.purposes[0]) == 1


def test_xlsx_newsletter_row_names_the_us_transfer_and_consent(
    exports: dict[str, bytes],
) -> None:
    row = _rows_by_activity(openpyxl.load_workbook(io.BytesIO(exports["xlsx"])))[NEWSLETTER]
    assert "United States" in row[H_COUNTRIES] and "(US)" in row[H_COUNTRIES]
    assert "MailChimp" in row[H_COUNTRIES]
    privacy_shield = reference_by_id("transfer_mechanisms")[TransferMechanismId.privacy_shield]
    assert privacy_shield.name and privacy_shield.name in row[H_SAFEGUARDS]
    assert "EU-U.S Privacy Shield compliant" in row[H_SAFEGUARDS]  # the record's words
    assert row[H_ART6] == f"Consent — {_article('lawful_bases', LawfulBasisId.consent)}"


def test_xlsx_multi_valued_cells_are_one_value_per_line(
    exports: dict[str, bytes], kynex_record: Record
) -> None:
    row = _rows_by_activity(openpyxl.load_workbook(io.BytesIO(exports["xlsx"])))[
        "service-provision"
    ]
    activity = next(a for a in kynex_record.activities if a.id == "service-provision")
    assert row[H_PURPOSE].split("\n") == activity.purposes


def test_xlsx_leaves_columns_the_record_cannot_fill_empty(exports: dict[str, bytes]) -> None:
    rows = _rows_by_activity(openpyxl.load_workbook(io.BytesIO(exports["xlsx"])))
    for heading in (H_BREACH, H_CONSENT_RECORD):
        assert all(row[heading] == "" for row in rows.values()), heading


def test_xlsx_controller_block_and_recipients_sheet(exports: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(exports["xlsx"]))
    block = {r[0]: r[1:] for r in wb[MAIN_SHEET].iter_rows(min_row=1, max_row=8, values_only=True)}
    assert block["Controller"][0] == "Kynex"
    assert "United Kingdom (GB)" in block["Controller"]
    assert block["Data Protection Officer"][0] == "IT Manager"

    sheet = wb[RECIPIENTS_SHEET]
    assert tuple(c.value for c in sheet[1]) == RECIPIENT_HEADINGS
    mailchimp = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "MailChimp"]
    assert len(mailchimp) == 1
    values = dict(zip(RECIPIENT_HEADINGS, mailchimp[0], strict=True))
    assert values["Kind"] == "processor"
    assert values["Country"] == "United States (US)"
    assert "Privacy Shield" in values["Transfer mechanism"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_xlsx_provenance_sheet_gives_each_rows_ref(
    exports: dict[str, bytes], kynex_record: Record
) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(exports["xlsx"]))[PROVENANCE_SHEET]
    refs = {r[1]: r[5] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert refs == {a.id: a.ref for a in kynex_record.activities}


# ----------------------------------------------------------------------------- DOCX


def test_docx_has_title_page_contents_sections_and_annexes(
    exports: dict[str, bytes], kynex_record: Record
) -> None:
    document = docx.Document(io.BytesIO(exports["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    names = [f"{i}. {a.name}" for i, a in enumerate(kynex_record.activities, start=1)]
    assert headings[0] == "Contents"
    assert headings[1 : 1 + len(names)] == names
    assert headings[1 + len(names) :] == [
        "Processor record (Art 30(2))",  # Kynex is also a processor (§10)
        "Annex A. Recipients",
        "Annex B. International transfers and safeguards",
        "Annex C. Retention schedule",
        "Annex D. Security measures",
    ]
    title = document.tables[0]
    facts = {r.cells[0].text: r.cells[1].text for r in title.rows}
    assert facts["Generated"] == DAY.isoformat()
    assert facts["Content hash (SHA-256)"] == content_hash(KYNEX)
    assert facts["Record version"] == kynex_record.record.version
    assert facts["Data Protection Officer"].startswith("IT Manager")


def test_docx_sections_carry_art30_items_and_provenance(exports: dict[str, bytes]) -> None:
    document = docx.Document(io.BytesIO(exports["docx"]))
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    for letter in "abcdefg":
        article = _article("art30_items", letter)
        assert sum(1 for h in level2 if h.startswith(article)) == 16, article
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Source: kynex-privacy-policy §5.3" in text
    assert "EU-U.S Privacy Shield compliant" in text


# ----------------------------------------------------------------------------- HTML / Markdown


def test_html_is_self_contained_and_printable(exports: dict[str, bytes]) -> None:
    soup = BeautifulSoup(exports["html"].decode("utf-8"), "html.parser")
    assert soup.find("script") is None
    assert soup.find("link") is None
    assert not [t for t in soup.find_all(src=True)]
    style = soup.find("style")
    assert style is not None and "@media print" in style.text


def test_html_has_one_section_per_activity_with_contents(
    exports: dict[str, bytes], kynex_record: Record
) -> None:
    soup = BeautifulSoup(exports["html"].decode("utf-8"), "html.parser")
    sections = soup.select("section.activity")
    assert [s["id"] for s in sections] == [f"activity-{a.id}" for a in kynex_record.activities]
    links = [a["href"] for a in soup.select("nav.contents a")]
    assert all(soup.find(id=link[1:]) is not None for link in links)
    newsletter = soup.find(id=f"activity-{NEWSLETTER}")
    assert newsletter is not None
    text = newsletter.get_text(" ")
    assert "United States (US)" in text and "Privacy Shield" in text
    assert f"Consent — {_article('lawful_bases', 'consent')}" in text
    assert "Source: kynex-privacy-policy §5.3" in text


def test_markdown_has_sections_and_annexes(exports: dict[str, bytes], kynex_record: Record) -> None:
    text = exports["md"].decode("utf-8")
    assert text.startswith("# Record of processing activities — Kynex\n")
    headings = re.findall(r"^## (\d+)\. (.+)$", text, flags=re.MULTILINE)
    assert [h[1] for h in headings] == [a.name for a in kynex_record.activities]
    assert "## Annex B. International transfers and safeguards" in text
    assert "| MailChimp | United States (US) |" in text


def test_user_text_is_escaped_in_html_and_markdown(make_record) -> None:
    data = minimal_record_data()
    data["activities"][0]["name"] = "<script>alert(1)</script>"
    data["data_subjects"][0]["name"] = "[click](javascript:alert(1))"
    record = load_record(make_record(data))
    html = export_ropa_bytes(record, "html", generated=DAY).decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert "<script>alert(1)</script>" in soup.get_text()
    markdown = export_ropa_bytes(record, "md", generated=DAY).decode()
    assert "<script>" not in markdown
    assert "[click](javascript" not in markdown
    assert r"\[click\](javascript:alert(1))" in markdown


# ----------------------------------------------------------------------------- all formats


def test_exports_are_deterministic_apart_from_the_date(
    kynex_record: Record, exports: dict[str, bytes]
) -> None:
    digest = content_hash(KYNEX)
    for fmt in ROPA_FORMATS:
        again = export_ropa_bytes(kynex_record, fmt, generated=DAY, content_hash=digest)
        later = export_ropa_bytes(
            kynex_record, fmt, generated=DAY + dt.timedelta(days=1), content_hash=digest
        )
        assert exports[fmt] == again, fmt
        assert exports[fmt] != later, fmt


def test_findings_annex_appears_only_when_findings_are_given(kynex_record: Record, kynex_store):
    findings_module = pytest.importorskip("graph.findings", reason="graph.findings not present")
    report = findings_module.run_findings(kynex_store, as_of=DAY)
    assert report.findings, "the Kynex sample should have findings"
    first = report.findings[0]
    html = export_ropa_bytes(kynex_record, "html", generated=DAY, findings=report).decode()
    soup = BeautifulSoup(html, "html.parser")
    annex = soup.find(id="annex-findings")
    assert annex is not None
    assert len(annex.select("tbody tr")) == len(report.findings)
    assert first.title in annex.get_text()
    without = export_ropa_bytes(kynex_record, "html", generated=DAY).decode()
    assert 'id="annex-findings"' not in without

    document = docx.Document(
        io.BytesIO(export_ropa_bytes(kynex_record, "docx", generated=DAY, findings=report))
    )
    assert "Annex E. Findings" in [p.text for p in document.paragraphs]
    wb = openpyxl.load_workbook(
        io.BytesIO(export_ropa_bytes(kynex_record, "xlsx", generated=DAY, findings=report))
    )
    assert "Findings" in wb.sheetnames
    titles = [r[1] for r in wb["Findings"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert titles == [f.title for f in report.findings]


def test_every_export_lists_each_activity_once(kynex_record: Record, exports) -> None:
    document = build_document(kynex_record, generated=DAY)
    assert [r.activity_id for r in document.rows] == [a.id for a in kynex_record.activities]
    html = exports["html"].decode()
    md = exports["md"].decode()
    for activity in kynex_record.activities:
        assert html.count(f'id="activity-{activity.id}"') == 1
        assert len(re.findall(rf"^## \d+\. {re.escape(activity.name)}$", md, re.M)) == 1


def test_export_writes_atomically_and_infers_formats(tmp_path: Path, kynex_record) -> None:
    out = tmp_path / "deep" / "kynex.html"
    written = export_ropa(kynex_record, "html", out, generated=DAY)
    assert written == out and out.read_bytes() == export_ropa_bytes(
        kynex_record, "html", generated=DAY
    )
    assert [p.name for p in out.parent.iterdir()] == ["kynex.html"]  # no temp files left
    assert format_for(Path("a.XLSX")) == "xlsx"
    assert format_for(Path("a.markdown")) == "md"
    assert format_for(Path("out"), "docx") == "docx"
    with pytest.raises(ValueError, match="cannot tell the format"):
        format_for(Path("a.pdf"))
    with pytest.raises(ValueError, match="does not match"):
        format_for(Path("a.html"), "docx")
    assert set(ROPA_MEDIA_TYPES) == set(ROPA_FORMATS)


def test_docs_mapping_table_lists_every_ico_heading_in_order() -> None:
    text = (KYNEX.parent.parent / "docs" / "ropa.md").read_text(encoding="utf-8")
    table = text.split("## Column mapping", 1)[1].split("\n## ", 1)[0]
    rows = [
        line.split(" | ")[0].lstrip("| ") for line in table.splitlines() if line.startswith("| ")
    ]
    assert tuple(rows[1:]) == ICO_HEADINGS  # rows[0] is the table's own header


def test_control_characters_from_pasted_text_do_not_break_any_format(make_record) -> None:
    data = minimal_record_data()
    data["activities"][0]["name"] = "Newsletter\x0bsign-up\x0c"
    record = load_record(make_record(data))
    for fmt in ROPA_FORMATS:
        assert export_ropa_bytes(record, fmt, generated=DAY), fmt
    wb = openpyxl.load_workbook(io.BytesIO(export_ropa_bytes(record, "xlsx", generated=DAY)))
    names = [r[2] for r in wb[PROVENANCE_SHEET].iter_rows(min_row=2, values_only=True)]
    assert names == ["Newsletter sign-up"]


def test_a_cell_over_excels_limit_is_a_clear_error(make_record, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app
    from graph.ropa import RopaExportError

    data = minimal_record_data()
    data["activities"][0]["purposes"] = ["x" * 40_000]
    path = make_record(data)
    with pytest.raises(RopaExportError, match=r"activity 'newsletter'.*Purpose of processing"):
        export_ropa_bytes(load_record(path), "xlsx")
    assert export_ropa_bytes(load_record(path), "html")  # documents have no such limit
    out = tmp_path / "too-long.xlsx"
    result = CliRunner().invoke(app, ["export", "ropa", str(path), "-o", str(out), "--no-findings"])
    assert result.exit_code == 1 and "Excel" in result.output
    assert not out.exists()
