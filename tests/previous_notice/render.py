"""Write a generated notice as Markdown, a self-contained HTML page, or a Word document.

Every value is record text: HTML autoescapes it; Markdown escapes markup characters (so a
recipient called ``[x](javascript:…)`` stays text); Word takes it as runs. Equal notices give
equal bytes (the Word package is re-zipped with fixed times), and files are written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Pt, RGBColor
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from graph.atomic import atomic_write_bytes
from graph.notice.model import Notice

TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTICE_FORMATS = ("md", "html", "docx")
NOTICE_MEDIA_TYPES = {
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!$])")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def notice_format_for(path: Path | None, fmt: str | None) -> str:
    """The format from ``--format`` or else the file suffix; a clear error if neither says."""
    if fmt is not None:
        if fmt.lower() not in NOTICE_FORMATS:
            raise ValueError(f"unknown format '{fmt}': use one of {', '.join(NOTICE_FORMATS)}")
        return fmt.lower()
    if path is not None and path.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[path.suffix.lower()]
    raise ValueError(
        f"cannot tell the format from '{path}': give --format ({', '.join(NOTICE_FORMATS)})"
    )


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    return _XML_ILLEGAL.sub(" ", value) if isinstance(value, str) else value


def md_escape(value: Any) -> str:
    """One line of text that renders as itself in CommonMark: markup characters escaped."""
    if value is None:
        return ""
    text = " ".join(_clean(str(value)).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    return text


def _environment(markdown: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=not markdown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=md_escape if markdown else _clean,
    )


def render_markdown(notice: Notice) -> str:
    text = _environment(True).get_template("notice.md.j2").render(notice=notice)
    return re.sub(r"\n{3,}", "\n\n", text)


def render_html(notice: Notice) -> str:
    text = _environment(False).get_template("notice.html.j2").render(notice=notice)
    return re.sub(r"\n{2,}", "\n", text)


def render_docx(notice: Notice) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(_clean(notice.title), level=0)
    doc.add_paragraph(_clean(notice.intro))
    for section in notice.sections:
        doc.add_heading(_clean(section.title), level=1)
        note = doc.add_paragraph()
        run = note.add_run(_clean(section.articles))
        run.italic = True
        run.font.size = Pt(8)
        for s in section.statements:
            style = ("List Bullet 2" if s.level else "List Bullet") if s.bullet else None
            paragraph = doc.add_paragraph(style=style)
            if s.label:
                paragraph.add_run(_clean(s.label) + (": " if s.text else "")).bold = True
            body = paragraph.add_run(_clean(s.text))
            if s.gap:
                body.font.color.rgb = RGBColor(0x9C, 0x57, 0x00)
            if s.ref:
                ref = paragraph.add_run(f" (ref: {_clean(s.ref)})")
                ref.italic = True
                ref.font.size = Pt(8)
                ref.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    when = dt.datetime(notice.generated.year, notice.generated.month, notice.generated.day)
    props = doc.core_properties
    props.title = _clean(notice.title)
    props.author = "ropagraph"
    props.last_modified_by = "ropagraph"
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """python-docx stamps the clock into each zip entry: re-pack with a fixed time."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def notice_bytes(notice: Notice, fmt: str) -> bytes:
    if fmt == "md":
        return render_markdown(notice).encode("utf-8")
    if fmt == "html":
        return render_html(notice).encode("utf-8")
    if fmt == "docx":
        return render_docx(notice)
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(NOTICE_FORMATS)}")


def export_notice(notice: Notice, fmt: str, out: Path) -> Path:
    """Write the notice to ``out`` atomically (temp file + rename)."""
    return atomic_write_bytes(out, notice_bytes(notice, fmt))
