"""Write a generated notice as Markdown, a self-contained HTML page, or a Word document.

Every value is record text: HTML autoescapes it; Markdown escapes markup characters (so a
recipient called ``[x](javascript:…)`` stays text); Word takes it as runs. Characters XML
cannot hold (control characters, lone surrogates) become spaces in every format. Equal notices
give equal bytes (the Word package has fixed zip entry times), and files are written atomically.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from docx.shared import Pt
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from graph import wordml
from graph.atomic import atomic_write_bytes
from graph.notice.model import Notice, Statement
from graph.wordml import run_content

TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTICE_FORMATS = ("md", "html", "docx")
NOTICE_MEDIA_TYPES = {
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!$])")


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
    return wordml.clean_text(value) if isinstance(value, str) else value


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


_STYLE_IDS = {
    "Title": "Title",
    "Heading 1": "Heading1",
    "List Bullet": "ListBullet",
    "List Bullet 2": "ListBullet2",
}
"""The paragraph styles the Word notice uses, by name, and their ids in the template (checked)."""
_R_LABEL = "<w:r><w:rPr><w:b/></w:rPr>"
_R_ARTICLES = '<w:r><w:rPr><w:i/><w:sz w:val="16"/></w:rPr>'  # italic 8 pt
_R_GAP = '<w:r><w:rPr><w:color w:val="9C5700"/></w:rPr>'  # a drafting note, in amber
_R_REF = '<w:r><w:rPr><w:i/><w:color w:val="666666"/><w:sz w:val="16"/></w:rPr>'


def _paragraph(runs: str, style: str | None = None) -> str:
    """python-docx's add_paragraph: ``<w:p/>`` when it has neither a style nor a run."""
    if style is not None:
        return f'<w:p><w:pPr><w:pStyle w:val="{_STYLE_IDS[style]}"/></w:pPr>{runs}</w:p>'
    return f"<w:p>{runs}</w:p>" if runs else "<w:p/>"


def _text_run(text: str) -> str:
    """add_paragraph(text) / add_heading(text): a plain run, none at all for empty text."""
    return f"<w:r>{run_content(text)}</w:r>" if text else ""


def _statement(s: Statement) -> str:
    style = ("List Bullet 2" if s.level else "List Bullet") if s.bullet else None
    runs = ""
    if s.label:
        runs += f"{_R_LABEL}{run_content(_clean(s.label) + (': ' if s.text else ''))}</w:r>"
    body = run_content(_clean(s.text))
    if s.gap:
        runs += f"{_R_GAP}{body}</w:r>"
    else:
        runs += f"<w:r>{body}</w:r>" if body else "<w:r/>"
    if s.ref:
        runs += f"{_R_REF}{run_content(f' (ref: {_clean(s.ref)})')}</w:r>"
    return _paragraph(runs, style)


def _body(notice: Notice) -> Iterator[str]:
    """document.xml's body, as python-docx's objects serialised it (one piece per section)."""
    yield _paragraph(_text_run(_clean(notice.title)), "Title")
    yield _paragraph(_text_run(_clean(notice.intro)))
    for section in notice.sections:
        out = [
            _paragraph(_text_run(_clean(section.title)), "Heading 1"),
            _paragraph(f"{_R_ARTICLES}{run_content(_clean(section.articles))}</w:r>"),
        ]
        out.extend(_statement(s) for s in section.statements)
        yield "".join(out)


def _too_large() -> ValueError:
    return ValueError(
        "the Word notice is over 2 GB of text, more than a zip without ZIP64 sizes can hold; "
        "export md or html instead"
    )


def write_docx(notice: Notice, out: BinaryIO) -> None:
    """The Word notice into ``out`` (a seekable binary file).

    The body is WordprocessingML text streamed into ``word/document.xml``; the other parts
    (styles with Normal in Calibri 11 pt, properties, the section) come from python-docx's
    template (:mod:`graph.wordml`). python-docx built each paragraph and run as objects: 34 s
    of CPU for a 10,000-activity record. The markup is what those objects wrote, byte for byte
    (tests/test_notice_docx_stream.py compares with the previous renderer); equal notices give
    equal bytes (fixed zip entry times, the generated date in the properties).
    """
    document = wordml.template_document(Pt(11), _STYLE_IDS)
    entries, xml = wordml.saved_template(document, _clean(notice.title), notice.generated)
    head, tail = wordml.split_body(xml)
    body = itertools.chain((head,), _body(notice), (tail,))
    wordml.write_package(out, entries, body, large=False, too_large=_too_large)


def render_docx(notice: Notice) -> bytes:
    buffer = io.BytesIO()
    write_docx(notice, buffer)
    return buffer.getvalue()


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
