"""The ROPA as a self-contained, printable HTML page, and as Markdown.

HTML is what a board pack or a regulator's request most often takes: one file, no external
assets (inline CSS, print CSS for page breaks), readable offline. Every value is user text, so
Jinja2 autoescaping is on for HTML; for Markdown, every ``{{ … }}`` passes through
:func:`md_escape` (Jinja's ``finalize``), so a name like ``<script>`` or ``[x](javascript:…)``
stays text in any Markdown viewer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from graph.ropa.document import RopaDocument, RopaRow
from graph.ropa.layout import NOT_STATED, PROCESSOR_INTRO, PROCESSOR_TITLE
from graph.ropa.sections import doc_items
from graph.ropa.text import clean_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHUNK_PIECES = 50_000
"""The page is encoded and written this many template pieces at a time (about a megabyte)."""
Progress = Callable[[int, int], None]
"""progress(activities written, activities in all)."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])")


def md_escape(value: Any) -> str:
    """Text that renders as itself in CommonMark/GFM: one line, markup characters escaped."""
    if value is None:
        return ""
    text = " ".join(clean_text(str(value)).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    return text


def _lines(value: str) -> list[str]:
    return [line for line in value.splitlines() if line.strip()]


def _context(doc: RopaDocument, progress: Progress | None = None) -> dict[str, Any]:
    """The template's names. ``sections`` is made as the template reaches each activity (one
    activity's items at a time, not the whole document's up front) and reports progress."""
    return {
        "doc": doc,
        "sections": _sections(doc, progress),
        "not_stated": NOT_STATED,
        "processor_title": PROCESSOR_TITLE,
        "processor_intro": PROCESSOR_INTRO,
    }


def _sections(doc: RopaDocument, progress: Progress | None) -> Iterator[tuple[RopaRow, Any]]:
    total = len(doc.rows)
    for number, row in enumerate(doc.rows, start=1):
        yield row, doc_items(row, doc)
        if progress is not None and (number % 1000 == 0 or number == total):
            progress(number, total)


def _environment(markdown: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=not markdown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=md_escape if markdown else _clean,
    )
    env.filters["lines"] = _lines
    return env


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    return clean_text(value) if isinstance(value, str) else value


def write_html(doc: RopaDocument, out: BinaryIO, progress: Progress | None = None) -> None:
    """Stream the page into ``out`` (UTF-8) as the template produces it, about a megabyte at a
    time: the whole page (gigabytes at 100,000 activities) is never one string."""
    template = _environment(markdown=False).get_template("ropa.html.j2")
    pieces = template.generate(_context(doc, progress))
    while chunk := "".join(islice(pieces, CHUNK_PIECES)):  # joined in C, not piece by piece
        out.write(chunk.encode("utf-8"))


def render_html(doc: RopaDocument, progress: Progress | None = None) -> str:
    """The page as one string (see :func:`write_html` for large documents)."""
    buffer = io.BytesIO()
    write_html(doc, buffer, progress)
    return buffer.getvalue().decode("utf-8")


def render_markdown(doc: RopaDocument) -> str:
    text = _environment(markdown=True).get_template("ropa.md.j2").render(_context(doc))
    return re.sub(r"\n{3,}", "\n\n", text)
