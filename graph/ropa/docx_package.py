"""The DOCX package around the ROPA's body: python-docx's default template, set up once.

python-docx makes the package the document has always had (styles with the Normal font set to
Calibri 10.5 pt, numbering, theme, settings, the document properties, a portrait first section
and a landscape last one for the annexes); :mod:`graph.ropa.to_docx` streams the body between
them. The zip is written as :func:`graph.ropa.stable_zip.stable_zip` re-packed it (fixed entry
times, Unix permissions), so equal documents still give equal bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.section import Section
from docx.shared import Emu, Pt

from graph.ropa.document import RopaExportError
from graph.ropa.stable_zip import generated_datetime, stable_entry

DOCUMENT_PART = "word/document.xml"
STYLE_IDS = {
    "Title": "Title",
    "Heading 1": "Heading1",
    "Heading 2": "Heading2",
    "Heading 3": "Heading3",
    "List Bullet": "ListBullet",
}
"""The paragraph styles the body uses, by name, and their ids in the template (checked)."""
CHUNK_CHARS = 1 << 20
"""document.xml is encoded and compressed in pieces of about this many characters."""


@dataclass(frozen=True)
class Package:
    """Everything of the DOCX but its body."""

    entries: tuple[tuple[str, bytes], ...]  # in the template's order; document.xml's is b""
    head: str  # document.xml up to and including <w:body>
    section_break: str  # the paragraph ending the portrait section
    tail: str  # the landscape section's properties, </w:body></w:document>
    portrait_column: Callable[[int], int]  # column width (twips) of an n-column table
    landscape_column: Callable[[int], int]


def _column_width(section: Section) -> Callable[[int], int]:
    """python-docx's add_table: the text width split evenly, in twips."""
    width = Emu(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
    return lambda cols: Emu(width // cols).twips if cols > 0 else 0


def package(title: str, generated: dt.date) -> Package:
    """The template package, with the properties the ROPA document has always carried."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for name, style_id in STYLE_IDS.items():
        if doc.styles[name].style_id != style_id:  # a python-docx template change: say so
            raise RuntimeError(f"python-docx's template names style '{name}' differently")
    portrait = _column_width(doc.sections[-1])
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    landscape = _column_width(doc.sections[-1])

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
    with zipfile.ZipFile(buffer) as source:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == DOCUMENT_PART:
                xml = data.decode("utf-8")
                data = b""
            entries.append((info.filename, data))
    body = xml.index("<w:body>") + len("<w:body>")
    end_of_break = xml.index("</w:p>", body) + len("</w:p>")
    return Package(
        entries=tuple(entries),
        head=xml[:body],
        section_break=xml[body:end_of_break],
        tail=xml[end_of_break:],
        portrait_column=portrait,
        landscape_column=landscape,
    )


def write_package(out: BinaryIO, parts: Package, body: Iterable[str], *, large: bool) -> None:
    """The zip: the template's parts as they are, document.xml streamed from ``body``.

    ``large`` writes document.xml with ZIP64 sizes, which a body over 2 GB needs (its size is
    not known before it is written); smaller documents keep the plain headers.
    """
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.entries:
            if name != DOCUMENT_PART:
                archive.writestr(stable_entry(name), data)
                continue
            with archive.open(stable_entry(name), "w", force_zip64=large) as target:
                written = 0

                def put(chunk: bytes) -> None:
                    nonlocal written
                    written += len(chunk)
                    if not large and written > zipfile.ZIP64_LIMIT:
                        raise RopaExportError(
                            "the Word document is over 2 GB of text, more than a zip without "
                            "ZIP64 sizes can hold; export xlsx or html instead"
                        )
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
