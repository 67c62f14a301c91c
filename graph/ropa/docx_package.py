"""The DOCX package around the ROPA's body: python-docx's default template, set up once.

python-docx makes the package the document has always had (styles with the Normal font set to
Calibri 10.5 pt, numbering, theme, settings, the document properties, a portrait first section
and a landscape last one for the annexes); :mod:`graph.ropa.to_docx` streams the body between
them. The template, the properties and the zip with fixed entry times are the shared
:mod:`graph.wordml` (the notice's Word export uses the same), so equal documents give equal bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.section import Section
from docx.shared import Emu, Pt

from graph import wordml
from graph.ropa.document import RopaExportError
from graph.wordml import CHUNK_CHARS, DOCUMENT_PART, Entries

STYLE_IDS = {
    "Title": "Title",
    "Heading 1": "Heading1",
    "Heading 2": "Heading2",
    "Heading 3": "Heading3",
    "List Bullet": "ListBullet",
}
"""The paragraph styles the body uses, by name, and their ids in the template (checked)."""

__all__ = ["CHUNK_CHARS", "DOCUMENT_PART", "STYLE_IDS", "Package", "package", "write_package"]


@dataclass(frozen=True)
class Package:
    """Everything of the DOCX but its body."""

    entries: Entries  # in the template's order; document.xml's is b""
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
    doc = wordml.template_document(Pt(10.5), STYLE_IDS)
    portrait = _column_width(doc.sections[-1])
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    landscape = _column_width(doc.sections[-1])
    entries, xml = wordml.saved_template(doc, title, generated)
    head, rest = wordml.split_body(xml)
    end_of_break = rest.index("</w:p>") + len("</w:p>")
    return Package(
        entries=entries,
        head=head,
        section_break=rest[:end_of_break],
        tail=rest[end_of_break:],
        portrait_column=portrait,
        landscape_column=landscape,
    )


def _too_large() -> RopaExportError:
    return RopaExportError(
        "the Word document is over 2 GB of text, more than a zip without "
        "ZIP64 sizes can hold; export xlsx or html instead"
    )


def write_package(out: BinaryIO, parts: Package, body: Iterable[str], *, large: bool) -> None:
    """The zip: the template's parts as they are, document.xml streamed from ``body``
    (:func:`graph.wordml.write_package`; ``large`` gives ZIP64 sizes, needed past 2 GB)."""
    wordml.write_package(out, parts.entries, body, large=large, too_large=_too_large)
