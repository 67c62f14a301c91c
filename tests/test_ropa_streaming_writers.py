"""The streaming writers (issue 15) give the documents the previous renderers gave.

The previous renderers are kept verbatim in tests/previous_ropa/ (python-docx objects per
element; Jinja2 rendering the whole page as one string; the XLSX re-packed after writing). On
Kynex (with its findings annex and processor section), a generated record and a record full of
awkward text, the new writers' bytes equal the old ones; python-docx reads the new DOCX back
with the same paragraphs, styles and tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest

from graph.findings import run_findings
from graph.model import Record
from graph.ropa import export_ropa, export_ropa_bytes
from graph.ropa.build import build_document
from graph.ropa.document import FindingLine, RopaDocument, RopaExportError
from graph.ropa.docx_package import package, write_package
from graph.ropa.to_docx import _body, render_docx
from graph.ropa.to_html import render_html, render_markdown
from graph.ropa.to_xlsx import render_xlsx
from graph.synthetic import generate_record
from loaders import load_record
from tests.conftest import minimal_record_data, write_record
from tests.previous_ropa import to_docx as previous_docx
from tests.previous_ropa import to_html as previous_html
from tests.previous_ropa import to_xlsx as previous_xlsx

DAY = dt.date(2026, 1, 1)
AWKWARD = "  A & B <script>alert('x')</script> \"quoted\"\tTab\nsecond line\r\nthird\x0bvt\x0c "


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Record:
    folder = tmp_path_factory.mktemp("generated")
    return load_record(write_record(folder / "record.yaml", generate_record(150, seed=11)))


def _awkward_record(make_record) -> Record:  # type: ignore[no-untyped-def]
    data = minimal_record_data()
    activity = data["activities"][0]
    activity["name"] = AWKWARD
    activity["description"] = " leading and trailing spaces "
    activity["purposes"] = [AWKWARD, "x\n\nafter a blank line", "\ttab first"]
    data["record"]["name"] = "Record <&> " + AWKWARD
    return load_record(make_record(data))


def _documents(kynex: Record, kynex_findings: object, generated: Record) -> list[RopaDocument]:
    with_findings = build_document(
        kynex,
        findings=kynex_findings,
        generated=DAY,
        content_hash="0" * 64,  # type: ignore[arg-type]
    )
    assert with_findings.findings and with_findings.processor  # both optional parts present
    no_findings = dataclasses.replace(with_findings, findings=(), findings_as_of=None)
    big = build_document(generated, generated=DAY)
    annex = (FindingLine("high", AWKWARD, "Activity x", "Art 30", AWKWARD, "-", "r", "§1"),)
    return [with_findings, no_findings, big, dataclasses.replace(big, findings=annex)]


@pytest.fixture(scope="module")
def kynex_findings(kynex_store):  # type: ignore[no-untyped-def]
    return run_findings(kynex_store, as_of=DAY)


def test_docx_bytes_equal_the_python_docx_renderer(
    kynex_record: Record, kynex_findings: object, generated: Record, make_record
) -> None:
    documents = _documents(kynex_record, kynex_findings, generated)
    documents.append(build_document(_awkward_record(make_record), generated=DAY))
    for document in documents:
        assert render_docx(document) == previous_docx.render_docx(document)


def test_html_and_markdown_equal_the_previous_renderer(
    kynex_record: Record, kynex_findings: object, generated: Record, make_record
) -> None:
    documents = _documents(kynex_record, kynex_findings, generated)
    documents.append(build_document(_awkward_record(make_record), generated=DAY))
    for document in documents:
        assert render_html(document) == previous_html.render_html(document)
        assert render_markdown(document) == previous_html.render_markdown(document)


def test_xlsx_bytes_equal_the_previous_renderer(
    kynex_record: Record, kynex_findings: object, generated: Record, make_record
) -> None:
    """Same cells, values, styles, widths, row heights, panes, filters and print setup: the
    workbook written straight into a stable zip equals the re-packed one, byte for byte."""
    documents = _documents(kynex_record, kynex_findings, generated)
    documents.append(build_document(_awkward_record(make_record), generated=DAY))
    for document in documents:
        assert render_xlsx(document) == previous_xlsx.render_xlsx(document)


def _content(data: bytes) -> list[tuple[str, ...]]:
    """What python-docx reads: every paragraph (style, text) and table cell, in body order."""
    document = docx.Document(io.BytesIO(data))
    out: list[tuple[str, ...]] = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            out.extend(tuple(cell.text for cell in row.cells) for row in block.rows)
        else:
            out.append((block.style.name if block.style else "", block.text))
    return out


def test_python_docx_reads_back_the_same_paragraphs_and_tables(
    kynex_record: Record, make_record
) -> None:
    for record in (kynex_record, _awkward_record(make_record)):
        document = build_document(record, generated=DAY)
        new, old = _content(render_docx(document)), _content(previous_docx.render_docx(document))
        assert new == old
        styles = {entry[0] for entry in new if len(entry) == 2}
        assert {"Title", "Heading 1", "Heading 2", "List Bullet"} <= styles


def test_user_text_is_escaped_and_cleaned_in_the_docx(make_record) -> None:
    record = _awkward_record(make_record)
    data = export_ropa_bytes(record, "docx", generated=DAY)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert('x')&lt;/script&gt;" in xml
    assert "\x0b" not in xml and "\x0c" not in xml
    texts = [t for entry in _content(data) for t in entry]
    assert any("A & B <script>alert('x')</script>" in t for t in texts)


def test_characters_xml_cannot_hold_do_not_break_the_documents(make_record) -> None:
    """A lone surrogate (a '\\ud800' escape in a quoted YAML string) made python-docx and the
    UTF-8 encoder fail; it is now a space, like the control characters."""
    record = _awkward_record(make_record)
    activity = record.activities[0].model_copy(update={"name": "Lone \ud800 surrogate"})
    record = record.model_copy(update={"activities": [activity]})
    for fmt in ("docx", "html", "md", "xlsx"):
        assert export_ropa_bytes(record, fmt, generated=DAY)
    texts = [t for entry in _content(export_ropa_bytes(record, "docx")) for t in entry]
    assert "1. Lone   surrogate" in texts


def test_a_large_docx_is_written_with_zip64_headers_and_still_reads(kynex_record: Record) -> None:
    document = build_document(kynex_record, generated=DAY)
    parts = package(document.title, DAY)
    small, large = io.BytesIO(), io.BytesIO()
    write_package(small, parts, _body(document, parts, None), large=False)
    write_package(large, parts, _body(document, parts, None), large=True)
    assert small.getvalue() != large.getvalue()
    assert _content(large.getvalue()) == _content(small.getvalue())


def test_docx_and_html_report_progress_per_activity(generated: Record) -> None:
    for fmt in ("docx", "html"):
        seen: list[tuple[str, int, int]] = []
        export_ropa_bytes(
            generated, fmt, progress=lambda s, d, t, seen=seen: seen.append((s, d, t))
        )
        total = len(generated.activities)
        assert seen[0] == ("building the document", 0, total)
        assert seen[-1] == (f"writing {fmt}", total, total)


def test_export_streams_into_a_temp_file_and_leaves_the_old_file_on_failure(
    kynex_record: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ropa.docx"
    export_ropa(kynex_record, "docx", out, generated=DAY)
    before = out.read_bytes()
    assert before == export_ropa_bytes(kynex_record, "docx", generated=DAY)

    import graph.ropa.to_docx as to_docx

    def broken(*args: object) -> str:
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(to_docx, "_statements", broken)
    with pytest.raises(RuntimeError, match="halfway"):
        export_ropa(kynex_record, "docx", out, generated=dt.date(2027, 1, 1))
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ropa.docx"]


def test_a_body_over_the_plain_zip_limit_is_a_clear_error(
    kynex_record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ZIP64_ABOVE activities the body keeps plain zip headers; should it still pass the
    2 GB limit (about 200 KB of XML per activity), the export says so instead of a traceback.
    The limit is lowered here to Kynex's size to reach that branch."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 100_000)
    with pytest.raises(RopaExportError, match=r"over 2 GB of text.* export xlsx or html instead"):
        export_ropa_bytes(kynex_record, "docx", generated=DAY)
