"""Word documents written as WordprocessingML text: the machinery the ROPA and the notice share.

python-docx builds every paragraph and run as Python objects (about 10 µs each): tens of seconds
of CPU for a 10,000-activity record, minutes at 100,000. The Word writers (graph/ropa/to_docx.py,
graph/notice/render.py) write the body as the markup those objects serialised to, streamed into
``word/document.xml``; every other part (styles, numbering, theme, settings, document
properties, sections) still comes from python-docx's default template, set up here once per
document. Entries get a fixed time and Unix permissions, so equal documents give equal bytes
(openpyxl and python-docx stamp the clock into each entry; a regulator's copy and the team's
copy should not differ).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any, BinaryIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Length

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOCUMENT_PART = "word/document.xml"
CHUNK_CHARS = 1 << 20
"""document.xml is encoded and compressed in pieces of about this many characters."""
Entries = tuple[tuple[str, bytes], ...]
"""A package's parts in the template's order; document.xml's bytes are b"" (it is streamed)."""

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def clean_text(value: str) -> str:
    """Characters XML 1.0 cannot hold become spaces: control characters (stray form feeds from
    pasted text), lone surrogates (a ``\\ud800`` escape in a quoted YAML string; they cannot
    be written as UTF-8 either) and the non-characters U+FFFE/U+FFFF."""
    return _XML_ILLEGAL.sub(" ", value)


def text_element(text: str) -> str:
    """``<w:t>`` as python-docx wrote it: escaped, ``xml:space`` kept when spaces lead or trail."""
    escaped = text.translate(_ESCAPES)
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def run_content(value: str | None) -> str:
    """User text as run content, as python-docx's ``run.text`` wrote it: ``<w:t>`` pieces,
    ``<w:br/>`` for each ``\\n`` or ``\\r``, ``<w:tab/>`` for a tab; cleaned and escaped."""
    text = clean_text(value or "")
    if "\n" not in text and "\r" not in text and "\t" not in text:
        return text_element(text) if text else ""
    out: list[str] = []
    piece: list[str] = []
    for char in text:
        if char in "\t\r\n":
            if piece:
                out.append(text_element("".join(piece)))
                piece.clear()
            out.append("<w:tab/>" if char == "\t" else "<w:br/>")
        else:
            piece.append(char)
    if piece:
        out.append(text_element("".join(piece)))
    return "".join(out)


def generated_datetime(day: dt.date) -> dt.datetime:
    """Document properties carry the generated date at midnight (UTC, naive) — no clock time."""
    return dt.datetime(day.year, day.month, day.day)


def template_document(font_size: Length, style_ids: Mapping[str, str]) -> DocxDocument:
    """python-docx's default template with Normal set to Calibri ``font_size``; the styles the
    body names by id are checked, so a template change fails loudly instead of unstyled text."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = font_size
    for name, style_id in style_ids.items():
        if doc.styles[name].style_id != style_id:
            raise RuntimeError(f"python-docx's template names style '{name}' differently")
    return doc


def saved_template(doc: DocxDocument, title: str, generated: dt.date) -> tuple[Entries, str]:
    """The package's parts with the properties every export carries (title, author ropagraph,
    the generated date), and document.xml's text, whose body the writer fills."""
    when = generated_datetime(generated)
    props = doc.core_properties
    props.title = title
    props.author = "ropagraph"
    props.last_modified_by = "ropagraph"
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1

    buffer = io.BytesIO()
    doc.save(buffer)
    entries: list[tuple[str, bytes]] = []
    xml = ""
    with zipfile.ZipFile(buffer) as source:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == DOCUMENT_PART:
                xml = data.decode("utf-8")
                data = b""
            entries.append((info.filename, data))
    return tuple(entries), xml


def split_body(xml: str) -> tuple[str, str]:
    """document.xml's text up to and including ``<w:body>``, and the rest (the template's
    body: its final section properties, then the closing tags)."""
    body = xml.index("<w:body>") + len("<w:body>")
    return xml[:body], xml[body:]


def write_package(
    out: BinaryIO,
    entries: Entries,
    body: Iterable[str],
    *,
    large: bool,
    too_large: Callable[[], Exception],
) -> None:
    """The zip: the template's parts as they are, document.xml streamed from ``body``.

    ``large`` writes document.xml with ZIP64 sizes, which a body over 2 GB needs (its size is
    not known before it is written); smaller documents keep the plain headers, and should the
    body pass 2 GB all the same, ``too_large()`` is raised (an error in the user's terms).
    """
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name != DOCUMENT_PART:
                archive.writestr(stable_entry(name), data)
                continue
            with archive.open(stable_entry(name), "w", force_zip64=large) as target:
                written = 0

                def put(chunk: bytes) -> None:
                    nonlocal written
                    written += len(chunk)
                    if not large and written > zipfile.ZIP64_LIMIT:
                        raise too_large()
                    target.write(chunk)

                pending: list[str] = []
                size = 0
                for piece in body:
                    pending.append(piece)
                    size += len(piece)
                    if size >= CHUNK_CHARS:
                        put("".join(pending).encode("utf-8"))
                        pending.clear()
                        size = 0
                put("".join(pending).encode("utf-8"))


def stable_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry as :func:`stable_zip` writes it: fixed time, Unix permissions, deflated."""
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3  # Unix, whatever the platform: same bytes everywhere
    entry.external_attr = 0o644 << 16
    return entry


class StableZipFile(zipfile.ZipFile):
    """A zip that writes every entry as :func:`stable_zip` would re-pack it, so a library that
    writes into it (openpyxl's ExcelWriter) gives the same bytes without the re-pack: no second
    compression pass and no second copy of the package in memory."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        super().writestr(stable_entry(str(name)), data)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """A file's bytes, streamed (a write-only worksheet is a temp file of any size)."""
        entry = stable_entry(str(arcname if arcname is not None else filename))
        entry.file_size = os.path.getsize(filename)  # ZIP64 decided as writestr would
        with open(filename, "rb") as source, self.open(entry, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def stable_zip(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed entry times so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(stable_entry(info.filename), source.read(info.filename))
    return out.getvalue()


__all__ = [
    "CHUNK_CHARS",
    "DOCUMENT_PART",
    "FIXED_ZIP_TIME",
    "Entries",
    "StableZipFile",
    "clean_text",
    "generated_datetime",
    "run_content",
    "saved_template",
    "split_body",
    "stable_entry",
    "stable_zip",
    "template_document",
    "text_element",
    "write_package",
]
