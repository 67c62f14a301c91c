"""Export the ROPA (GDPR Art 30 record of processing): XLSX (ICO layout), DOCX, HTML, Markdown.

The public entry point the CLI and the dashboard share. The row model lives in
:mod:`graph.ropa.document`, the ICO layout in :mod:`graph.ropa.layout`, one renderer per format in
``to_xlsx``, ``to_docx`` and ``to_html`` (imported only when asked for, so an HTML export
does not pay for python-docx).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from graph.atomic import atomic_path
from graph.gcpause import gc_paused
from graph.model import Record
from graph.ropa.build import build_document
from graph.ropa.document import FindingLike, FindingsLike, RopaExportError
from graph.ropa.layout import ICO_HEADINGS

__all__ = [
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
    "write_ropa",
]

ROPA_FORMATS = ("xlsx", "docx", "html", "md")
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


def write_ropa(
    record: Record,
    fmt: str,
    out: BinaryIO,
    *,
    findings: FindingsLike | None = None,
    generated: dt.date | None = None,
    content_hash: str | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the ROPA of ``record`` in ``fmt`` (one of :data:`ROPA_FORMATS`) to ``out``.

    ``out`` is a seekable binary file (the zip formats go back to fill in entry sizes). DOCX
    and HTML are streamed as they are made; each XLSX sheet is streamed to a temp file by
    openpyxl, then into the zip. ``findings`` adds the findings annex; ``generated`` fixes the
    date shown (tests, reproducible builds); ``content_hash`` (loaders.content_hash of the
    record's files) identifies the version. Every format is written whatever the record's
    size: the DOCX was refused above 20,000 activities while python-docx built it (a quarter
    of an hour for 100,000); as streamed WordprocessingML it takes under a minute of CPU
    there (benchmarks/README.md).
    """
    if fmt not in ROPA_FORMATS:
        raise ValueError(f"unknown format '{fmt}': use one of {', '.join(ROPA_FORMATS)}")
    activities = len(record.activities)
    if progress is not None:
        progress("building the document", 0, activities)
    # The document and its renderings are millions of small objects and no reference cycles:
    # the cyclic collector's rescans of the growing heap were a third of the work.
    with gc_paused():
        document = build_document(
            record, findings=findings, generated=generated, content_hash=content_hash
        )
        if fmt == "xlsx":
            from graph.ropa.to_xlsx import write_xlsx

            write_xlsx(document, out, _stage(progress, "writing rows"))
            return
        if progress is not None:
            progress(f"writing {fmt}", 0, activities)
        writing = _stage(progress, f"writing {fmt}")
        if fmt == "docx":
            from graph.ropa.to_docx import write_docx

            write_docx(document, out, writing)
            return
        from graph.ropa.to_html import render_markdown, write_html

        if fmt == "html":
            write_html(document, out, writing)
        else:
            out.write(render_markdown(document).encode("utf-8"))


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """A renderer's progress(done, total) reported as ``stage`` of the export."""
    if progress is None:
        return None
    report = progress
    return lambda done, total: report(stage, done, total)


def export_ropa_bytes(
    record: Record,
    fmt: str,
    *,
    findings: FindingsLike | None = None,
    generated: dt.date | None = None,
    content_hash: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The ROPA of ``record`` in ``fmt`` as bytes (see :func:`write_ropa`)."""
    buffer = io.BytesIO()
    write_ropa(
        record,
        fmt,
        buffer,
        findings=findings,
        generated=generated,
        content_hash=content_hash,
        progress=progress,
    )
    return buffer.getvalue()


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
    """Write the ROPA to ``out`` atomically, streamed into a temp file beside it that replaces
    ``out`` only when complete (an interrupted or refused export leaves the old file intact)."""
    with atomic_path(out) as tmp, tmp.open("wb") as handle:
        write_ropa(
            record,
            fmt,
            handle,
            findings=findings,
            generated=generated,
            content_hash=content_hash,
            progress=progress,
        )
        handle.flush()
        os.fsync(handle.fileno())
    return out
