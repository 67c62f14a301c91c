"""Export the ROPA (GDPR Art 30 record of processing): XLSX (ICO layout), DOCX, HTML, Markdown.

The public entry point the CLI and the dashboard share. The row model lives in
:mod:`graph.ropa.document`, the ICO layout in :mod:`graph.ropa.layout`, one renderer per format in
``to_xlsx``, ``to_docx`` and ``to_html`` (imported only when asked for, so an HTML export
does not pay for python-docx).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from graph.atomic import atomic_write_bytes
from graph.model import Record
from graph.ropa.build import build_document
from graph.ropa.document import FindingLike, FindingsLike, RopaExportError
from graph.ropa.layout import ICO_HEADINGS

__all__ = [
    "DOCX_MAX_ACTIVITIES",
    "ICO_HEADINGS",
    "ROPA_FORMATS",
    "ROPA_MEDIA_TYPES",
    "SUFFIX_FORMATS",
    "FindingLike",
    "FindingsLike",
    "RopaExportError",
    "export_ropa",
    "export_ropa_bytes",
    "format_for",
]

ROPA_FORMATS = ("xlsx", "docx", "html", "md")
DOCX_MAX_ACTIVITIES = 20_000
"""Above this a DOCX is refused: python-docx builds every paragraph and table cell as Python
objects (about 10 s per 1,000 activities on 2 cores, benchmarks/README.md), so 100,000
activities would take a quarter of an hour or more; the XLSX and HTML exports stream."""
Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as an export advances (rows written, for XLSX)."""
ROPA_MEDIA_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
SUFFIX_FORMATS: dict[str, str] = {
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
}


def format_for(out: Path, fmt: str | None = None) -> str:
    """The format asked for, or the one ``out``'s suffix names; ValueError if neither/conflict."""
    inferred = SUFFIX_FORMATS.get(out.suffix.lower())
    if fmt is None:
        if inferred is None:
            raise ValueError(
                f"cannot tell the format from '{out.name}': use --format "
                f"({', '.join(ROPA_FORMATS)}) or a suffix {', '.join(SUFFIX_FORMATS)}"
            )
        return inferred
    fmt = fmt.lower().lstrip(".")
    if fmt == "markdown":
        fmt = "md"
    if fmt not in ROPA_FORMATS:
        raise ValueError(f"unknown format '{fmt}': use one of {', '.join(ROPA_FORMATS)}")
    if inferred is not None and inferred != fmt:
        raise ValueError(f"--format {fmt} does not match the file name '{out.name}'")
    return fmt


def export_ropa_bytes(
    record: Record,
    fmt: str,
    *,
    findings: FindingsLike | None = None,
    generated: dt.date | None = None,
    content_hash: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The ROPA of ``record`` in ``fmt`` (one of :data:`ROPA_FORMATS`) as bytes.

    ``findings`` adds the findings annex; ``generated`` fixes the date shown (tests, reproducible
    builds); ``content_hash`` (loaders.content_hash of the record's files) identifies the version.
    A DOCX of more than :data:`DOCX_MAX_ACTIVITIES` activities is refused with
    :class:`RopaExportError` (before any work), pointing at XLSX and HTML.
    """
    if fmt not in ROPA_FORMATS:
        raise ValueError(f"unknown format '{fmt}': use one of {', '.join(ROPA_FORMATS)}")
    activities = len(record.activities)
    if fmt == "docx" and activities > DOCX_MAX_ACTIVITIES:
        raise RopaExportError(
            f"a DOCX of {activities:,} activities is refused: Word documents are built object by "
            f"object and this one would take well over {activities // 1000 * 10 // 60} minutes "
            f"(the limit is {DOCX_MAX_ACTIVITIES:,} activities); export xlsx (the ICO layout, "
            "streamed) or html instead"
        )
    if progress is not None:
        progress("building the document", 0, activities)
    document = build_document(
        record, findings=findings, generated=generated, content_hash=content_hash
    )
    if fmt == "xlsx":
        from graph.ropa.to_xlsx import render_xlsx

        step = (lambda done, total: progress("writing rows", done, total)) if progress else None
        return render_xlsx(document, step)
    if progress is not None:
        progress(f"writing {fmt}", 0, activities)
    if fmt == "docx":
        from graph.ropa.to_docx import render_docx

        return render_docx(document)
    from graph.ropa.to_html import render_html, render_markdown

    text = render_html(document) if fmt == "html" else render_markdown(document)
    return text.encode("utf-8")


def export_ropa(
    record: Record,
    fmt: str,
    out: Path,
    *,
    findings: FindingsLike | None = None,
    generated: dt.date | None = None,
    content_hash: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the ROPA to ``out`` atomically (an interrupted run leaves the old file intact)."""
    data = export_ropa_bytes(
        record,
        fmt,
        findings=findings,
        generated=generated,
        content_hash=content_hash,
        progress=progress,
    )
    return atomic_write_bytes(out, data)
