"""What the notice says that the record does not have: recipients with no counterpart,
safeguards the record does not rely on or that no longer hold, countries the record sends
nothing to, lawful bases the record does not rely on.

A notice is prose, so "what it names" is read only where a reader would look: list items and
short lines in the sections whose heading is about sharing (recipients), about transfers, or
about lawful bases (heading words: data/reference/notice_aliases.yaml, kind topic).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

from graph.model import Record, TransferMechanismId, country_name
from graph.notice import law
from graph.notice.match import (
    Evidence,
    Matcher,
    Needle,
    all_country_codes,
    country_needles,
    fold,
    phrase_needles,
)
from graph.notice.read import Block
from graph.notice.report import DriftItem, Status
from graph.reference import long_date, reference

SHORT_LINE_WORDS = 14
"""A line this short in a sharing section reads as a list of who receives data."""

_CITATIONS = re.compile(r"^(?:\s*Art\s+\d+[\w()]*\s*,?)+$")
"""A line of article numbers only (the generated notice's section citations) names nobody."""
_FAMILY = {
    "eu_scc": {"eu_scc", "legacy_eu_scc", "uk_addendum"},
    "eu_us_dpf": {"eu_us_dpf", "uk_extension_dpf"},
}
"""A notice naming the general tool ("standard contractual clauses", "Data Privacy Framework")
agrees with a record that states the specific one (the UK Addendum, the UK Extension)."""


@lru_cache(maxsize=4096)
def topic_of(section: str) -> frozenset[str]:
    folded = f" {fold(section)} "
    return frozenset(
        {
            str(e.extra("topic"))
            for e in law.aliases("topic")
            if any(f" {fold(str(a))} " in folded for a in e.extra("aliases", []))
        }
    )


def topic_blocks(blocks: Sequence[Block], topic: str) -> list[Block]:
    return [b for b in blocks if b.section and topic in topic_of(b.section)]


def _item(
    status: Status,
    item: str,
    statement: str,
    evidence: list[Evidence],
    explanation: str,
    element: str | None = None,
) -> DriftItem:
    return DriftItem(
        status=status,
        item=item,
        articles=law.articles(item),
        element=element,
        statement=statement,
        evidence=evidence,
        explanation=explanation,
    )


def _recipient_lines(record: Record, m: Matcher) -> list[DriftItem]:
    needles: list[Needle] = []
    for r in record.recipients:
        needles += phrase_needles([r.name], "name")
    out = []
    for block in topic_blocks(m.blocks, "recipients"):
        text = block.text.strip()
        if block.heading or text.endswith(":") or _CITATIONS.match(text):
            continue
        if not block.bullet and len(text.split()) > SHORT_LINE_WORDS:
            continue
        if any(m.hit(block, n) for n in needles):
            continue
        out.append(
            _item(
                Status.extra,
                "recipients",
                f"the notice names a recipient: {text}",
                [m.evidence(block, "list line", text)],
                "not in the record: no recorded recipient's name occurs in this line of a "
                "section on sharing",
            )
        )
    return out


def _mechanisms(record: Record, m: Matcher, day: dt.date) -> list[DriftItem]:
    home = record.controller.country
    relied = {t.mechanism.value for r in record.recipients for t in r.transfers}
    out = []
    for entry in law.aliases("mechanism"):
        mechanism = TransferMechanismId(str(entry.extra("mechanism")))
        ref = law.mechanism_entry(mechanism)
        named = str(ref.name) if ref is not None else mechanism.value
        needles = [Needle(str(a), "mechanism alias") for a in entry.extra("aliases", []) or []]
        needles += [
            Needle(str(a), "mechanism alias", True) for a in entry.extra("exact_case", []) or []
        ]
        if ref is not None:
            needles.insert(0, Needle(named, "mechanism"))
        hits = m.all_hits(needles)
        if not hits:
            continue
        block, needle = hits[0]
        evidence = [m.evidence(b, n.method, n.text) for b, n in hits[:3]]
        status = law.mechanism_status(mechanism, home, day)
        in_record = bool(_FAMILY.get(mechanism.value, {mechanism.value}) & relied)
        record_says = (
            "the record relies on it too: update both"
            if in_record
            else "the record does not rely on it"
        )
        if not status.valid and ref is not None and "no longer" in status.reason:
            out.append(
                _item(
                    Status.outdated,
                    "transfers",
                    f"the notice names {named} as a safeguard",
                    evidence,
                    f"{named} is {status.reason}; {record_says}",
                    element=f"mechanism:{mechanism.value}",
                )
            )
        elif not in_record:
            out.append(
                _item(
                    Status.extra,
                    "transfers",
                    f"the notice names {named} as a safeguard",
                    evidence,
                    "not in the record: no recorded transfer relies on it",
                    element=f"mechanism:{mechanism.value}",
                )
            )
        del block, needle
    return out


def _record_phrases(record: Record) -> list[str]:
    """The record's own wording a notice may repeat: names and purposes of what it records."""
    phrases: list[str] = []
    for activity in record.activities:
        phrases += [activity.name, *activity.purposes]
    for group in (record.recipients, record.sources, record.data_categories, record.systems):
        phrases += [element.name for element in group]
    return [f" {fold(p)} " for p in phrases if fold(p)]


def _countries(record: Record, m: Matcher) -> list[DriftItem]:
    known = {record.controller.country}
    known |= {r.country for r in record.recipients if r.country}
    known |= {t.country for r in record.recipients for t in r.transfers if t.country}
    known |= {s.location for s in record.systems if s.location}
    pool = [b for b in m.blocks if topic_of(b.section) & {"recipients", "transfers"}]
    phrases = _record_phrases(record)
    out = []
    for code in all_country_codes():
        if code in known:
            continue
        for block, needle in m.all_hits(country_needles(code), pool):
            # "for the Ireland business" quoted from a recorded activity name is not a transfer
            word = f" {fold(needle.text)} "
            quoting = [p for p in phrases if word in p and p in m.folded[id(block)]]
            if quoting:
                continue
            out.append(
                _item(
                    Status.extra,
                    "transfers",
                    f"the notice names {country_name(code)} where it speaks of sharing "
                    "or transfers",
                    [m.evidence(block, needle.method, needle.text)],
                    f"not in the record: no recipient, transfer or system is in "
                    f"{country_name(code)}",
                    element=f"country:{code}",
                )
            )
            break
    return out


def _bases(record: Record, m: Matcher) -> list[DriftItem]:
    relied = {c.basis.value for a in law.notice_activities(record) for c in a.lawful_bases}
    pool = topic_blocks(m.blocks, "basis")
    out = []
    for entry in law.aliases("basis"):
        basis = str(entry.extra("basis"))
        if basis in relied:
            continue
        hits = m.all_hits([Needle(str(a), "basis alias") for a in entry.extra("aliases", [])], pool)
        if hits:
            block, needle = hits[0]
            out.append(
                _item(
                    Status.extra,
                    "lawful-basis",
                    f"the notice gives {needle.text!r} as a lawful basis",
                    [m.evidence(block, needle.method, needle.text)],
                    "not in the record: no activity relies on that basis",
                    element=f"basis:{basis}",
                )
            )
    return out


def _legislation(record: Record, m: Matcher, day: dt.date) -> list[DriftItem]:
    """Laws the notice cites that no longer apply (legislation.yaml: patterns, invalid_from)."""
    cited = " ".join(
        f" {fold(law_.name)} {fold(law_.id)} " for law_ in record.controller.legislation_cited
    )
    out = []
    for entry in reference("legislation"):
        if entry.invalid_from is None or day < entry.invalid_from:
            continue
        needles = [Needle(str(p), "legislation") for p in entry.extra("patterns", []) or []]
        hits = m.all_hits(needles)
        if not hits:
            continue
        block, needle = hits[0]
        in_record = any(f" {fold(n.text)} " in cited for n in needles)
        replaced = entry.extra("replaced_by")
        out.append(
            _item(
                Status.outdated,
                "law-cited",
                f"the notice cites {entry.name}",
                [m.evidence(block, needle.method, needle.text)],
                f"{entry.name} no longer applies since {long_date(entry.invalid_from)}"
                + (f" (replaced by {replaced})" if replaced else "")
                + ("; the record cites it too" if in_record else ""),
                element=f"legislation:{entry.id}",
            )
        )
    return out


def extras(record: Record, m: Matcher, day: dt.date) -> list[DriftItem]:
    return (
        _legislation(record, m, day)
        + _recipient_lines(record, m)
        + _mechanisms(record, m, day)
        + _countries(record, m)
        + _bases(record, m)
    )
