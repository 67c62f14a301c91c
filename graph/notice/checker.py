"""The machinery of the notice check: the items it collects, and where it looks first (the
sections a record fact's ``ref`` cites, the sections on a topic, the paragraph of an anchor).
The items themselves are in :mod:`graph.notice.check`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from graph.model import Record
from graph.notice import law
from graph.notice.extras import topic_blocks
from graph.notice.match import Evidence, Matcher, Needle, fold
from graph.notice.read import Block, NoticeText
from graph.notice.report import DriftItem, Status
from graph.notice.wording import used_ids

TOPIC_WORDS = {"basis": "lawful bases", "recipients": "sharing", "transfers": "transfers"}


class Checker:
    """Collects the items of one check of one notice against one record."""

    def __init__(self, record: Record, notice: NoticeText, as_of: dt.date) -> None:
        self.record = record
        self.m = Matcher(notice)
        self.as_of = as_of
        self.items: list[DriftItem] = []
        self.gaps: list[str] = []
        self.recipient_ids, self.source_ids, self.retention_ids = used_ids(record)
        self.doc = fold(Path(notice.name).stem)
        self._ref_blocks: dict[str, list[Block]] = {}

    # ------------------------------------------------------------------ helpers

    def add(
        self,
        item: str,
        statement: str,
        evidence: Evidence | None,
        *,
        element: str | None = None,
        ref: str | None = None,
        found: str = "",
        missing: str = "",
    ) -> None:
        if evidence is not None:
            how = f'{evidence.method} "{evidence.matched}"'
            explanation = f"found by {how} at {evidence.location}" + (f"; {found}" if found else "")
            if any(b.line == evidence.line for b in self.ref_blocks(ref)):
                explanation += f"; a section the record's ref cites ({ref})"
            status = Status.found
        else:
            explanation = missing or "no name, alias or quoted phrase of it occurs in the notice"
            status = Status.missing
        self.items.append(
            DriftItem(
                status=status,
                item=item,
                articles=law.articles(item),
                element=element,
                statement=statement,
                ref=ref,
                evidence=[evidence] if evidence is not None else [],
                explanation=explanation,
            )
        )

    def find(
        self,
        needles: list[Needle],
        words: Sequence[str | None] = (),
        prefer: Sequence[Block] = (),
        ref: str | None = None,
    ) -> Evidence | None:
        """Look first in the cited sections that are also preferred, then in the sections the
        record's ``ref`` cites (when the notice is that document), then in ``prefer``, then
        anywhere."""
        cited = self.ref_blocks(ref)
        preferred = {id(b) for b in prefer}
        both = [b for b in cited if id(b) in preferred]
        for pool in (both, cited, prefer):
            if pool:
                hit = self.m.find(needles, pool) or self.m.find_words(words, pool)
                if hit is not None:
                    return hit
        return self.m.find(needles) or self.m.find_words(words)

    def ref_blocks(self, ref: str | None) -> list[Block]:
        """Blocks of the sections a ref cites ('kynex-privacy-policy §8, §9'), if the ref names
        this notice (its file name) as its document."""
        if not ref or not self.doc or not fold(ref).startswith(self.doc):
            return []
        if ref not in self._ref_blocks:
            numbers = re.findall(r"§\s*(\d+(?:\.\d+)*)", ref)
            self._ref_blocks[ref] = [
                b for b in self.m.blocks if any(b.section.startswith(f"§{n} ") for n in numbers)
            ]
        return self._ref_blocks[ref]

    def near(
        self, needles: list[Needle], anchor: Evidence | None, topics: Sequence[str]
    ) -> tuple[Evidence | None, str]:
        """Needles in the anchor's block, else its section, else a section on ``topics``."""
        if anchor is not None:
            same = self.m.by_line.get(anchor.line, [])
            hit = self.m.find(needles, same)
            if hit is not None:
                return hit, "in the same paragraph"
            section = next((b.section for b in same), None)
            if section:
                hit = self.m.find(needles, self.m.by_section.get(section, []))
                if hit is not None:
                    return hit, "in the same section"
        for topic in topics:
            hit = self.m.find(needles, topic_blocks(self.m.blocks, topic))
            if hit is not None:
                return (
                    hit,
                    f"in the notice's section on {TOPIC_WORDS.get(topic, topic)} (not tied to this "
                    "item line by line)",
                )
        return None, ""
