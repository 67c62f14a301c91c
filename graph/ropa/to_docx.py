"""The ROPA as a Word document for the board and the regulator.

Word is what a DPO edits, signs off and attaches to a reply to the regulator, so the document
reads top to bottom without ropagraph: a title page (controller, DPO, date, record version and
content hash), contents, one section per processing activity with the Art 30(1)(a)–(g) items
under their own headings, then the annexes in landscape (their tables are wide). Each statement
carries a small "Source: …" line: the element's ``ref``, so every claim can be checked.

The body is written as WordprocessingML text, streamed into the package's ``word/document.xml``;
every other part (styles, numbering, theme, settings, document properties) comes from
python-docx's default template, set up as before (:mod:`graph.ropa.docx_package`). python-docx
built each paragraph, run and table cell as Python objects (about 10 µs each, hundreds per
activity: 68 s of CPU for 10,000 activities); the markup below is exactly what those objects
serialised to, so the document is the same, byte for byte (tests/test_ropa_streaming_writers.py
compares both writers). All user text goes through :func:`graph.wordml.run_content`: control
characters XML cannot hold become spaces and ``& < >`` are escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from graph.ropa.document import RopaDocument, Statement
from graph.ropa.docx_package import STYLE_IDS, Package, package, write_package
from graph.ropa.layout import NOT_STATED, PROCESSOR_INTRO, PROCESSOR_TITLE
from graph.ropa.sections import doc_items
from graph.ropa.text import clean_text
from graph.wordml import run_content

Progress = Callable[[int, int], None]
"""progress(activities written, activities in all)."""

ZIP64_ABOVE = 10_000
"""Above this many activities document.xml gets ZIP64 sizes (a 100,000-activity body is about
1 GB of XML; 2 GB is the plain zip limit). Smaller documents keep the plain headers that every
word processor reads; one would need about 200 KB of XML per activity to pass 2 GB."""
MUTED = "5B6570"
SMALL = 16  # half-points: 8 pt
TABLE_TEXT = 17  # half-points: 8.5 pt

_R_PLAIN = "<w:r>"
_R_BOLD = "<w:r><w:rPr><w:b/></w:rPr>"
_R_ITALIC = "<w:r><w:rPr><w:i/></w:rPr>"
_R_TABLE = f'<w:r><w:rPr><w:sz w:val="{TABLE_TEXT}"/></w:rPr>'
_R_TABLE_HEAD = f'<w:r><w:rPr><w:b/><w:sz w:val="{TABLE_TEXT}"/></w:rPr>'
_R_DETAIL = f'<w:r><w:rPr><w:color w:val="{MUTED}"/></w:rPr>'
_R_SOURCE = f'<w:r><w:rPr><w:color w:val="{MUTED}"/><w:sz w:val="{SMALL}"/></w:rPr>'
_BREAK_RUN = "<w:r><w:br/></w:r>"
_text = run_content


def _run(text: str | None, start: str = _R_PLAIN) -> str:
    """A run (python-docx's add_run(text)); an empty one is ``<w:r/>``-like, as it wrote."""
    content = _text(text)
    if not content and start == _R_PLAIN:
        return "<w:r/>"
    return f"{start}{content}</w:r>"


def _paragraph(runs: str = "", style: str | None = None, page_break: bool = False) -> str:
    props = ""
    if style is not None or page_break:
        props = "<w:pPr>"
        if style is not None:
            props += f'<w:pStyle w:val="{STYLE_IDS[style]}"/>'
        if page_break:
            props += "<w:pageBreakBefore/>"
        props += "</w:pPr>"
    if not props and not runs:
        return "<w:p/>"
    return f"<w:p>{props}{runs}</w:p>"


def _heading(text: str, level: int, page_break: bool = False) -> str:
    style = "Title" if level == 0 else f"Heading {level}"
    return _paragraph(_run(text) if text else "", style, page_break)


def _source(ref: str | None) -> str:
    """'Source: kynex-privacy-policy §5.3' in small grey type, on its own line."""
    if not ref:
        return ""
    return _BREAK_RUN + _run(f"Source: {clean_text(ref)}", _R_SOURCE)


def _not_stated(text: str = NOT_STATED) -> str:
    return _paragraph(_run(text, _R_ITALIC))


def _statements(statements: Sequence[Statement]) -> str:
    out = []
    for s in statements:
        runs = _run(s.text)
        if s.detail:
            runs += _run(f" — {clean_text(s.detail)}", _R_DETAIL)
        out.append(_paragraph(runs + _source(s.ref), "List Bullet"))
    return "".join(out)


def _plain(text: str) -> str:
    """A body paragraph of plain text (none at all for empty text, as python-docx wrote)."""
    return _paragraph(_run(text) if text else "")


class _Tables:
    """Tables as python-docx's add_table/add_row wrote them: 'Table Grid', equal columns across
    the section's text width, each cell one paragraph."""

    def __init__(self, width_twips: Callable[[int], int]) -> None:
        self.width = width_twips

    def start(self, cols: int) -> tuple[str, str]:
        """The table's opening (properties and grid) and the cell properties of its columns."""
        w = self.width(cols)
        grid = f'<w:gridCol w:w="{w}"/>' * cols
        opening = (
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
            '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
            'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>"
        )
        return opening, f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr><w:p>'

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[str]]) -> Iterator[str]:
        opening, cell = self.start(len(headings))
        yield opening
        yield '<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>'
        yield "".join(f"{cell}{_run(h, _R_TABLE_HEAD)}</w:p></w:tc>" for h in headings)
        yield "</w:tr>"
        for values in rows:
            cells = "".join(f"{cell}{_run(v, _R_TABLE)}</w:p></w:tc>" for v in values)
            yield f"<w:tr>{cells}</w:tr>"
        yield "</w:tbl>"


def _title_page(ropa: RopaDocument, tables: _Tables) -> Iterator[str]:
    yield _heading(clean_text(ropa.title), 0)
    yield _plain("Record of processing activities (GDPR Article 30), generated by ropagraph.")
    facts: list[tuple[str, str]] = []
    for party in ropa.parties:
        contact = "; ".join(
            f"{label}: {value}"
            for label, value in (
                ("Address", party.address),
                ("Email", party.email),
                ("Telephone", party.phone),
                ("Website", party.website),
                ("Country", party.country),
            )
            if value
        )
        facts.append((party.role, party.name + (f" ({contact})" if contact else "")))
    facts.append(("Record", ropa.record_name))
    if ropa.version:
        facts.append(("Record version", ropa.version))
    if ropa.content_hash:
        facts.append(("Content hash (SHA-256)", ropa.content_hash))
    if ropa.sources:
        facts.append(("Source documents", ", ".join(ropa.sources)))
    facts.append(("Generated", ropa.generated.isoformat()))
    opening, cell = tables.start(2)
    yield opening
    for label, value in facts:
        yield (
            f"<w:tr>{cell}{_run(label, _R_BOLD)}</w:p></w:tc>"
            f"{cell}{_run(value)}</w:p></w:tc></w:tr>"
        )
    yield "</w:tbl>"


def _annex_names(ropa: RopaDocument) -> list[str]:
    annexes = [
        "Annex A. Recipients",
        "Annex B. International transfers and safeguards",
        "Annex C. Retention schedule",
        "Annex D. Security measures",
    ]
    if ropa.findings is not None:
        annexes.append("Annex E. Findings")
    return annexes


def _contents(ropa: RopaDocument) -> Iterator[str]:
    yield _heading("Contents", 1, page_break=True)
    for number, row in enumerate(ropa.rows, start=1):
        yield _plain(f"{number}. {clean_text(row.name)}")
    for annex in _annex_names(ropa):
        yield _plain(annex)


def _activities(ropa: RopaDocument, progress: Progress | None) -> Iterator[str]:
    total = len(ropa.rows)
    for number, row in enumerate(ropa.rows, start=1):
        out = [_heading(f"{number}. {clean_text(row.name)}", 1, page_break=True)]
        if row.description or row.ref:
            description = clean_text(row.description or "")
            out.append(_paragraph((_run(description) if description else "") + _source(row.ref)))
        for item in doc_items(row, ropa):
            out.append(_heading(clean_text(item.title), 2))
            for part in item.parts:
                if part.label:
                    out.append(_heading(part.label, 3))
                if part.statements:
                    out.append(_statements(part.statements))
                else:
                    out.append(_not_stated(item.empty))
        yield "".join(out)
        if progress is not None and (number % 1000 == 0 or number == total):
            progress(number, total)


def _processor_section(ropa: RopaDocument, tables: _Tables) -> Iterator[str]:
    """Art 30(2): the controllers served, what is done for each, transfers and security."""
    if not ropa.processor:
        return
    yield _heading(PROCESSOR_TITLE, 1, page_break=True)
    yield _plain(PROCESSOR_INTRO)
    yield from tables.table(
        ("Controller", "Representative", "DPO", "Categories of processing", "Third countries",
         "Safeguards", "Security measures"),
        [(p.controller, p.representative, p.dpo, p.categories, p.countries, p.safeguards,
          p.security) for p in ropa.processor],
    )  # fmt: skip


def _annexes(ropa: RopaDocument, tables: _Tables) -> Iterator[str]:
    yield _heading("Annex A. Recipients", 1)
    if ropa.recipients:
        yield from tables.table(
            ("Recipient", "Kind", "Named or category", "Country", "Contract", "Disclosed by"),
            [
                (r.name, r.kind, r.named, r.country, r.contract_ref, r.disclosed_by)
                for r in ropa.distinct_recipients
            ],
        )
    else:
        yield _not_stated()

    yield _heading("Annex B. International transfers and safeguards", 1, page_break=True)
    if ropa.transfers:
        yield from tables.table(
            ("Recipient", "Destination", "Mechanism relied on", "Legal instrument", "As stated",
             "Certification recorded", "Derogation", "Source"),
            [(t.recipient, t.destination, t.mechanism, t.article, t.stated_as, t.certified,
              t.derogation, t.ref or "") for t in ropa.transfers],
        )  # fmt: skip
    else:
        yield _not_stated(
            "The record states no transfers to third countries or international organisations."
        )

    yield _heading("Annex C. Retention schedule", 1, page_break=True)
    if ropa.retention:
        yield from tables.table(
            ("Rule", "Period", "Criteria", "Stated vaguely", "Activities", "Source"),
            [(r.name, r.period, r.criteria, "Yes" if r.vague else "No", r.activities,
              r.ref or "") for r in ropa.retention],
        )  # fmt: skip
    else:
        yield _not_stated()

    yield _heading("Annex D. Security measures", 1, page_break=True)
    if ropa.measures:
        yield from tables.table(
            ("Measure", "Kind", "Description", "Activities", "Source"),
            [(m.name, m.kind, m.description, m.activities, m.ref or "") for m in ropa.measures],
        )
    else:
        yield _not_stated()

    if ropa.findings is None:
        return
    yield _heading("Annex E. Findings", 1, page_break=True)
    if ropa.findings_as_of:
        yield _plain(f"Rules evaluated as of {ropa.findings_as_of.isoformat()}.")
    if not ropa.findings:
        yield _plain("No findings.")
        return
    yield from tables.table(
        ("Severity", "Finding", "Element", "Articles", "Why", "What to do", "Source"),
        [(f.severity, f.title, f.element, f.articles, f.why, f.what_to_do, f.ref or "")
         for f in ropa.findings],
    )  # fmt: skip


def _body(ropa: RopaDocument, parts: Package, progress: Progress | None) -> Iterator[str]:
    """document.xml in pieces: the portrait sections, the section break, the landscape annexes."""
    portrait = _Tables(parts.portrait_column)
    yield parts.head
    yield from _title_page(ropa, portrait)
    yield from _contents(ropa)
    yield from _activities(ropa, progress)
    yield from _processor_section(ropa, portrait)
    yield parts.section_break
    yield from _annexes(ropa, _Tables(parts.landscape_column))
    yield parts.tail


def write_docx(ropa: RopaDocument, out: BinaryIO, progress: Progress | None = None) -> None:
    """Write the document to ``out`` (a seekable binary file); equal documents give equal bytes
    (fixed zip entry times and property dates)."""
    parts = package(clean_text(ropa.title), ropa.generated)
    large = len(ropa.rows) > ZIP64_ABOVE
    write_package(out, parts, _body(ropa, parts, progress), large=large)


def render_docx(ropa: RopaDocument, progress: Progress | None = None) -> bytes:
    """The document's bytes (see :func:`write_docx`)."""
    import io

    buffer = io.BytesIO()
    write_docx(ropa, buffer, progress)
    return buffer.getvalue()
