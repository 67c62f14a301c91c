"""The notice's streamed Word writer (issue 15) gives the document the previous renderer gave.

The previous renderer (python-docx objects per paragraph and run) is kept verbatim in
tests/previous_notice/. On Kynex, generated records and notices full of awkward text the new
bytes equal the old ones, and python-docx reads the new file back with the same paragraphs,
styles and run formatting.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import RGBColor
from typer.testing import CliRunner

from graph.cli import app
from graph.model import Record
from graph.notice import build_notice, export_notice, notice_bytes
from graph.notice.model import Notice, Section, Statement
from graph.notice.render import render_docx
from graph.synthetic import generate_record
from loaders import load_record
from tests.conftest import KYNEX, minimal_record_data, write_record
from tests.previous_notice import render as previous

DAY = dt.date(2026, 1, 1)
AWKWARD = "  A & B <script>alert('x')</script> \"quoted\"\tTab\nsecond line\r\nthird\x0bvt\x0c\x00 "


def _statements() -> list[Statement]:
    """Every combination the renderer branches on: label (none, empty, text), text (empty,
    leading space, awkward), gap, ref (none, empty, awkward), plain / bullet / sub-bullet."""
    return [
        Statement(text=text, ref=ref, bullet=bullet, level=level, gap=gap, label=label)
        for text in ("", " leading space", "trailing space ", AWKWARD)
        for label in (None, "", "Name", AWKWARD)
        for gap in (False, True)
        for ref in (None, "", "policy §2", AWKWARD)
        for bullet, level in ((False, 0), (True, 0), (True, 1))
    ]


def _awkward_notice(text: str) -> Notice:
    return Notice(
        title=text,
        controller="c",
        generated=dt.date(2026, 2, 3),
        record_id="r",
        intro=text,
        sections=[
            Section(id="all", title=text, articles=text, statements=_statements()),
            Section(id="empty", title="", articles=""),
        ],
    )


@pytest.mark.parametrize("text", [AWKWARD, "", "  ", "plain"])
def test_awkward_text_gives_the_previous_bytes(text: str) -> None:
    notice = _awkward_notice(text)
    assert render_docx(notice) == previous.render_docx(notice)


def test_kynex_gives_the_previous_bytes(kynex_record: Record) -> None:
    notice = build_notice(kynex_record, DAY)
    assert notice_bytes(notice, "docx") == previous.notice_bytes(notice, "docx")


@pytest.mark.parametrize("activities", [300, 3000])
def test_a_generated_record_gives_the_previous_bytes(tmp_path: Path, activities: int) -> None:
    record = load_record(write_record(tmp_path / "r.yaml", generate_record(activities, seed=5)))
    notice = build_notice(record, DAY)
    assert len(notice.statements()) > activities
    assert render_docx(notice) == previous.render_docx(notice)


def test_a_record_with_awkward_text_gives_the_previous_bytes(make_record) -> None:  # type: ignore[no-untyped-def]
    data = minimal_record_data()
    data["record"]["name"] = "Record <&> " + AWKWARD
    data["activities"][0]["name"] = AWKWARD
    data["activities"][0]["purposes"] = [AWKWARD, "\ttab first", "x\n\nafter a blank line"]
    notice = build_notice(load_record(make_record(data)), DAY)
    assert AWKWARD.strip()[:5] in notice.title + "".join(s.text for s in notice.statements())
    assert render_docx(notice) == previous.render_docx(notice)


def test_a_lone_surrogate_becomes_a_space_instead_of_a_crash() -> None:
    """The previous renderer failed on a lone surrogate (a '\\ud800' escape in a quoted YAML
    string cannot be written as UTF-8); it now becomes a space, as control characters do, in
    every format. Otherwise the document is the one the previous renderer gave."""
    notice = _awkward_notice("Lone \ud800 surrogate")
    with pytest.raises(UnicodeEncodeError):
        previous.render_docx(notice)
    spaced = _awkward_notice("Lone   surrogate")
    assert render_docx(notice) == previous.render_docx(spaced)
    assert "# Lone surrogate" in notice_bytes(notice, "md").decode("utf-8")  # spaces collapsed
    assert "Lone   surrogate" in notice_bytes(notice, "html").decode("utf-8")


def test_python_docx_reads_the_new_file_back(kynex_record: Record) -> None:
    notice = build_notice(kynex_record, DAY)
    document = docx.Document(io.BytesIO(render_docx(notice)))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == notice.title
    assert document.core_properties.author == "ropagraph"
    assert document.core_properties.created == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in notice.sections]
    refs = [r for p in paragraphs for r in p.runs if r.text.startswith(" (ref: ")]
    assert len(refs) == sum(1 for s in notice.statements() if s.ref)
    assert all(r.italic and r.font.color.rgb == RGBColor(0x66, 0x66, 0x66) for r in refs)
    gaps = [r for p in paragraphs for r in p.runs if r.font.color.rgb == RGBColor(0x9C, 0x57, 0)]
    assert len(gaps) == len(notice.gaps) > 0
    styles = {p.style.name for p in paragraphs}
    assert {"List Bullet", "Normal"} <= styles
    with zipfile.ZipFile(io.BytesIO(render_docx(notice))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_export_writes_the_bytes_atomically_and_keeps_the_old_file_on_failure(
    kynex_record: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = build_notice(kynex_record, DAY)
    out = tmp_path / "notice.docx"
    export_notice(notice, "docx", out)
    before = out.read_bytes()
    assert before == render_docx(notice)

    import graph.notice.render as render

    def broken(*args: object) -> str:
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(render, "_statement", broken)
    with pytest.raises(RuntimeError, match="halfway"):
        export_notice(build_notice(kynex_record, dt.date(2027, 1, 1)), "docx", out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["notice.docx"]


def test_a_body_over_the_plain_zip_limit_is_a_clear_error(
    kynex_record: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notice would need about 2 GB of text to pass the plain zip limit; should it, the export
    says so instead of writing a broken file, and the command line prints it without a
    traceback. The limit is lowered to Kynex's size here."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 10_000)
    with pytest.raises(ValueError, match=r"over 2 GB of text.* export md or html instead"):
        notice_bytes(build_notice(kynex_record, DAY), "docx")
    out = tmp_path / "notice.docx"
    result = CliRunner().invoke(app, ["export", "notice", str(KYNEX), "--out", str(out)])
    assert result.exit_code == 1 and "export md or html instead" in result.output
    assert "Traceback" not in result.output and not out.exists()
