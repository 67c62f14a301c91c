"""The ROPA as a self-contained, printable HTML page, and as Markdown.

HTML is what a board pack or a regulator's request most often takes: one file, no external
assets (inline CSS, print CSS for page breaks), readable offline. Every value is user text, so
Jinja2 autoescaping is on for HTML; for Markdown, every ``{{ … }}`` passes through
:func:`md_escape` (Jinja's ``finalize``), so a name like ``<script>`` or ``[x](javascript:…)``
stays text in any Markdown viewer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from graph.ropa.document import RopaDocument
from graph.ropa.layout import NOT_STATED, PROCESSOR_INTRO, PROCESSOR_TITLE
from graph.ropa.sections import doc_items
from graph.ropa.text import clean_text

TEMPLATES = Path(__file__).resolve().parent / "templates"

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


def _context(doc: RopaDocument) -> dict[str, Any]:
    return {
        "doc": doc,
        "sections": [(row, doc_items(row, doc)) for row in doc.rows],
        "not_stated": NOT_STATED,
        "processor_title": PROCESSOR_TITLE,
        "processor_intro": PROCESSOR_INTRO,
    }


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


def render_html(doc: RopaDocument) -> str:
    return _environment(markdown=False).get_template("ropa.html.j2").render(_context(doc))


def render_markdown(doc: RopaDocument) -> str:
    text = _environment(markdown=True).get_template("ropa.md.j2").render(_context(doc))
    return re.sub(r"\n{3,}", "\n\n", text)
