"""Explainable matching of record facts against notice text.

No model, no scores you cannot read: a fact is found when one of its *needles* occurs in a
block of the notice. A needle is a phrase (a name, an alias, a country adjective, a phrase the
record quotes) matched on word boundaries after folding case, quotes and punctuation; or a
capitalised short form ("US", "ICO") matched with its case; or, last, a set of content words that
must all but one occur in one block. Every hit says which needle matched, how, and where.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry
from pydantic import BaseModel, ConfigDict

from graph.notice.read import Block, NoticeText
from graph.reference import reference

_QUOTED = re.compile(r"[\"“”]([^\"“”]{12,}?)[\"“”]")
_URL_PATH = re.compile(r"(\b[\w-]+(?:\.[\w-]+)+)/\S*")
"""A web address's path ('ico.org.uk/your-right-of-access/') is not prose: keep the domain."""
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "any",
        "all",
        "can",
        "may",
        "not",
        "such",
        "other",
        "who",
        "which",
        "what",
        "when",
        "where",
        "how",
        "about",
        "also",
        "only",
        "more",
        "than",
        "some",
        "these",
        "those",
        "us",
        "has",
        "been",
        "being",
    ]
)
QUOTE_MIN_WORDS = 4
OVERLAP_MIN_WORDS = 3


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, curly quotes and apostrophes dropped, '&' as 'and', punctuation as spaces."""
    text = _URL_PATH.sub(r"\1", text.lower()).replace("&", " and ")
    text = re.sub(r"[’'`´]", "", text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def content_words(text: str) -> list[str]:
    words = []
    for word in fold(text).split():
        if word in _STOP or len(word) < 3:
            continue
        words.append(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return list(dict.fromkeys(words))


class Evidence(BaseModel):
    """Where the notice says it: the quoted text, its location, and which needle matched how."""

    model_config = ConfigDict(frozen=True)

    quote: str
    location: str
    method: str
    """'name', 'alias', 'quoted', 'words', 'country', 'mechanism', … — how it was found."""
    matched: str
    """The needle that matched (for 'words': the words found)."""
    line: int


@dataclass(frozen=True)
class Needle:
    text: str
    method: str
    exact_case: bool = False


def phrase_needles(texts: Iterable[str | None], method: str, min_words: int = 1) -> list[Needle]:
    out = []
    for text in texts:
        if text and len(fold(text).split()) >= min_words:
            out.append(Needle(text, method))
            bare = _PAREN.sub(" ", text).strip()
            if bare != text and len(fold(bare).split()) >= min_words:
                out.append(Needle(bare, method))
    return out


def quoted_needles(texts: Iterable[str | None]) -> list[Needle]:
    """Phrases the record quotes from a source document ("…"), long enough to be telling."""
    out = []
    for text in texts:
        for quote in _QUOTED.findall(text or ""):
            for part in re.split(r"\.\.\.|…", quote):
                if len(fold(part).split()) >= QUOTE_MIN_WORDS:
                    out.append(Needle(part.strip(), "quoted"))
    return out


@lru_cache(maxsize=4096)
def _exact(needle: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(needle) + r"(?![A-Za-z0-9])")


class Matcher:
    """Needle search over one notice; blocks that are drafting notes or headings-only are kept
    separate so callers choose whether to count them."""

    def __init__(self, notice: NoticeText) -> None:
        self.notice = notice
        self.blocks = [b for b in notice.blocks if not b.draft]
        self.folded = {id(b): f" {fold(b.text)} " for b in self.blocks}
        self.words = {id(b): set(content_words(b.text)) for b in self.blocks}
        # Whole-notice texts: a needle absent from the notice is ruled out with one search.
        self.whole_folded = "\n".join(self.folded.values())
        self.whole_raw = "\n".join(b.text for b in self.blocks)
        self._anywhere: dict[tuple[str, bool], bool] = {}
        self.by_line: dict[int, list[Block]] = {}
        self.by_section: dict[str, list[Block]] = {}
        for block in self.blocks:
            self.by_line.setdefault(block.line, []).append(block)
            self.by_section.setdefault(block.section, []).append(block)
        self.postings: dict[str, list[Block]] = {}
        for block in self.blocks:
            for word in self.words[id(block)]:
                self.postings.setdefault(word, []).append(block)

    def anywhere(self, needle: Needle) -> bool:
        """Whether the needle occurs anywhere in the notice (a fast test before the blocks)."""
        key = (needle.text, needle.exact_case)
        if key not in self._anywhere:
            self._anywhere[key] = self._search_whole(needle)
        return self._anywhere[key]

    def _search_whole(self, needle: Needle) -> bool:
        if needle.exact_case:
            return bool(_exact(needle.text).search(self.whole_raw))
        folded = fold(needle.text)
        return bool(folded) and f" {folded} " in self.whole_folded

    def evidence(self, block: Block, method: str, matched: str) -> Evidence:
        quote = block.text if len(block.text) <= 240 else self._around(block.text, matched)
        return Evidence(
            quote=quote,
            location=self.notice.where(block),
            method=method,
            matched=matched,
            line=block.line,
        )

    @staticmethod
    def _around(text: str, matched: str) -> str:
        at = text.lower().find(matched.lower().split()[0]) if matched.split() else -1
        start = max(0, at - 80) if at >= 0 else 0
        piece = text[start : start + 240]
        return ("…" if start else "") + piece + ("…" if start + 240 < len(text) else "")

    def hit(self, block: Block, needle: Needle) -> bool:
        if needle.exact_case:
            return bool(_exact(needle.text).search(block.text))
        folded = fold(needle.text)
        return bool(folded) and f" {folded} " in self.folded[id(block)]

    def find(
        self, needles: Sequence[Needle], blocks: Sequence[Block] | None = None
    ) -> Evidence | None:
        """The first needle (in the order given) found in any block: name before alias before
        quoted phrase, so the explanation is the most telling one."""
        pool = self.blocks if blocks is None else blocks
        for needle in needles:
            if not self.anywhere(needle):
                continue
            for block in pool:
                if self.hit(block, needle):
                    return self.evidence(block, needle.method, needle.text)
        return None

    def find_words(
        self, texts: Iterable[str | None], blocks: Sequence[Block] | None = None
    ) -> Evidence | None:
        """A block holding all (or all but one, for 5+ words) content words of one text."""
        pool = self.blocks if blocks is None else blocks
        for text in texts:
            words = content_words(text or "")
            if len(words) < OVERLAP_MIN_WORDS:
                continue
            need = len(words) if len(words) < 5 else len(words) - 1
            counts = Counter(id(b) for w in words for b in self.postings.get(w, ()))
            if not counts or max(counts.values()) < need:
                continue
            for block in pool:
                if counts.get(id(block), 0) < need:
                    continue
                present = [w for w in words if w in self.words[id(block)]]
                if len(present) >= need:
                    matched = f"{len(present)} of {len(words)} words: " + ", ".join(present)
                    return self.evidence(block, "words", matched)
        return None

    def all_hits(
        self, needles: Sequence[Needle], blocks: Sequence[Block] | None = None
    ) -> list[tuple[Block, Needle]]:
        pool = self.blocks if blocks is None else blocks
        present = [n for n in needles if self.anywhere(n)]
        return [(b, n) for b in pool for n in present if self.hit(b, n)]


@cache
def country_needles(code: str) -> tuple[Needle, ...]:
    """A country's names (pycountry's name, common and official name), our aliases and
    adjectives (data/reference/country_adjectives.yaml), and short forms matched with case."""
    out: list[Needle] = []
    country = pycountry.countries.get(alpha_2=code)
    if country is not None:
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                out.append(Needle(str(value), "country"))
    for entry in reference("country_adjectives"):
        if entry.extra("country") == code:
            out += [Needle(str(a), "country") for a in entry.extra("aliases", [])]
            out += [Needle(str(a), "country adjective") for a in entry.extra("adjectives", [])]
            out += [Needle(str(a), "country", True) for a in entry.extra("exact_case", [])]
    seen: dict[tuple[str, bool], Needle] = {}
    for needle in out:
        seen.setdefault(
            (fold(needle.text) if not needle.exact_case else needle.text, needle.exact_case), needle
        )
    return tuple(seen.values())


@cache
def all_country_codes() -> tuple[str, ...]:
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))
