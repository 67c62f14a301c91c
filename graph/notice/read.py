"""Read a published privacy notice (plain text, Markdown, HTML or Word) into located blocks.

A block is one paragraph, list item or heading, with the section it sits in and its line (or
paragraph) number, so every match the check reports can say where in the notice it is.
Sections are found from headings: Markdown ``#``, HTML ``<h1>``-``<h6>``, Word heading styles,
and in plain text numbered or capitalised short lines ("9.0 WHEN DO WE SHARE …").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from graph.notice.model import TO_COMPLETE

NOTICE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx")
_NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+(\S.*?)\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~&$])")


class NoticeReadError(ValueError):
    """The notice file cannot be read (missing, unknown kind, not a Word file)."""


@dataclass(frozen=True)
class Block:
    text: str
    line: int
    """1-based line (text, Markdown, HTML) or paragraph number (Word)."""
    section: str
    """The heading above, e.g. '§9 WHEN DO WE SHARE YOUR PERSONAL INFORMATION …' ('' if none)."""
    heading: bool = False
    bullet: bool = False

    @property
    def draft(self) -> bool:
        """A drafting note left by the generator (not something the notice tells people)."""
        return self.text.lstrip("-*• ").startswith(TO_COMPLETE)

    def location(self, unit: str = "line") -> str:
        where = f"{unit} {self.line}"
        return f"{self.section}, {where}" if self.section else where


@dataclass
class NoticeText:
    name: str
    kind: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return "paragraph" if self.kind == "docx" else "line"

    def where(self, block: Block) -> str:
        return block.location(self.unit)


def _section_name(number: str | None, title: str) -> str:
    title = " ".join(title.split())
    if len(title) > 70:
        title = title[:67].rstrip() + "…"
    if number:
        number = re.sub(r"\.0$", "", number)
        return f"§{number} {title}"
    return title


def _text_heading(line: str) -> tuple[str | None, str] | None:
    """A plain-text line that reads as a heading: '9.0 WHEN DO WE SHARE …' or 'EMAIL MARKETING'."""
    stripped = line.strip()
    if not stripped or len(stripped.split()) > 14 or stripped.endswith((".", ",", ";", ":")):
        return None
    numbered = _NUMBERED.match(stripped)
    if numbered:
        return numbered.group(1), numbered.group(2)
    letters = [c for c in stripped if c.isalpha()]
    # two words at least: a lone "HMRC" or "CICAS" in a list is a name, not a heading
    if len(stripped.split()) >= 2 and len(letters) >= 4 and all(c.isupper() for c in letters):
        return None, stripped
    return None


def _add(notice: NoticeText, text: str, line: int, section: str, **kind: bool) -> None:
    text = " ".join(text.split())
    if text:
        notice.blocks.append(Block(text, line, section, **kind))


def parse_text(text: str, name: str = "notice") -> NoticeText:
    notice = NoticeText(name, "txt")
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _text_heading(line)
        if heading is not None:
            section = _section_name(*heading)
            _add(notice, line, number, section, heading=True)
        else:
            _add(notice, line, number, section)
    return notice


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\\\w])\*(?=\S)|(?<=\S)(?<!\\)\*(?!\w)", "", text)
    return _MD_ESCAPE.sub(r"\1", text)


def parse_markdown(text: str, name: str = "notice") -> NoticeText:
    notice = NoticeText(name, "md")
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        heading = _MD_HEADING.match(raw)
        if heading:
            title = _md_inline(heading.group(2))
            numbered = _NUMBERED.match(title)
            section = _section_name(*numbered.groups()) if numbered else _section_name(None, title)
            _add(notice, title, number, section, heading=True)
            continue
        bullet = _MD_BULLET.match(raw)
        if bullet:
            _add(notice, _md_inline(bullet.group(1)), number, section, bullet=True)
        else:
            _add(notice, _md_inline(raw), number, section)
    return notice


class _HtmlBlocks(HTMLParser):
    BLOCKS = frozenset(
        [
            "p",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "td",
            "th",
            "dt",
            "dd",
            "div",
            "section",
            "article",
            "blockquote",
            "tr",
            "title",
        ]
    )
    SKIP = frozenset(("script", "style", "noscript", "template", "head"))

    def __init__(self, notice: NoticeText) -> None:
        super().__init__(convert_charrefs=True)
        self.notice = notice
        self.parts: list[str] = []
        self.start = 1
        self.tags: list[str] = []
        self.skipping = 0
        self.section = ""

    def _flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        self.parts = []
        if not text:
            return
        tag = next((t for t in reversed(self.tags) if t in self.BLOCKS), "")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            numbered = _NUMBERED.match(text)
            self.section = (
                _section_name(*numbered.groups()) if numbered else _section_name(None, text)
            )
            _add(self.notice, text, self.start, self.section, heading=True)
        else:
            _add(self.notice, text, self.start, self.section, bullet=tag == "li")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
            return
        if tag in self.BLOCKS or tag == "br":
            self._flush()
            self.start = self.getpos()[0]
        if tag in self.BLOCKS:
            self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in self.BLOCKS:
            self._flush()
            if tag in self.tags:
                index = len(self.tags) - 1 - self.tags[::-1].index(tag)
                del self.tags[index:]
            self.start = self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            if not self.parts:
                self.start = self.getpos()[0]
            self.parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(text: str, name: str = "notice") -> NoticeText:
    notice = NoticeText(name, "html")
    parser = _HtmlBlocks(notice)
    parser.feed(text)
    parser.close()
    return notice


def parse_docx(data: bytes, name: str = "notice") -> NoticeText:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a non-Word file
        raise NoticeReadError(f"{name} is not a readable Word (.docx) file: {exc}") from None
    notice = NoticeText(name, "docx")
    section = ""
    for number, paragraph in enumerate(document.paragraphs, start=1):
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = paragraph.text
        if style.startswith(("Heading", "Title")):
            numbered = _NUMBERED.match(text.strip())
            section = _section_name(*numbered.groups()) if numbered else _section_name(None, text)
            _add(notice, text, number, section, heading=True)
        else:
            _add(notice, text, number, section, bullet="List" in style)
    offset = len(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                offset += 1
                _add(notice, cell.text, offset, section)
    return notice


def read_notice_bytes(data: bytes, name: str) -> NoticeText:
    """Parse a notice given as bytes; the kind comes from the file name's suffix."""
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return parse_docx(data, name)
    if suffix not in NOTICE_SUFFIXES:
        raise NoticeReadError(
            f"{name}: cannot read a '{suffix or 'suffix-less'}' file as a notice; use "
            + ", ".join(NOTICE_SUFFIXES)
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoticeReadError(
            f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry"
        ) from None
    if suffix in (".md", ".markdown"):
        return parse_markdown(text, name)
    if suffix in (".html", ".htm"):
        return parse_html(text, name)
    return parse_text(text, name)


def read_notice(path: Path) -> NoticeText:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NoticeReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NoticeReadError(f"{path}: is a folder, not a notice file") from None
    except OSError as exc:
        raise NoticeReadError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    return read_notice_bytes(data, str(path))
