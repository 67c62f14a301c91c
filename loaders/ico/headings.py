"""The importer's vocabulary of headings and labels, read from data/reference/ico_headings.yaml.

Which wordings count as "Purpose of processing", "Name", "Data Protection Officer" is a table a
DPO can extend, not code: every column heading, controller-block field label, party label and
template title the importer recognises comes from that file (see its header for the kinds).
"""

from __future__ import annotations

from functools import cache

from graph.reference import reference
from graph.ropa.layout import (
    H_P_ACTIVITY_ID,
    H_P_CATEGORIES,
    H_P_CONTROLLER,
    H_P_DPO,
    H_P_REPRESENTATIVE,
)
from loaders.ico.parse import normalise

REFERENCE_NAME = "ico_headings"

# Canonical headings of columns the ICO controller template lacks (names in the reference file).
H_ROLE = "Role or Responsibility"
H_FIDES_SYSTEM = "Fides system"
H_FIDES_DATASET = "Fides dataset"
# The ICO processor template (Art 30(2)): its columns about the controllers served.
PROCESSOR_HEADINGS: tuple[str, ...] = (
    H_P_CONTROLLER,
    H_P_REPRESENTATIVE,
    H_P_DPO,
    H_P_CATEGORIES,
    H_P_ACTIVITY_ID,
)


def _of_kind(kind: str) -> list[tuple[str, list[str]]]:
    out = []
    for entry in reference(REFERENCE_NAME):
        if entry.extra("kind") == kind:
            out.append((entry.name or entry.id, [str(s) for s in entry.extra("synonyms") or []]))
    return out


@cache
def column_headings() -> dict[str, str]:
    """Normalised wording -> canonical heading, for every column the importer reads."""
    table: dict[str, str] = {}
    for name, synonyms in _of_kind("column"):
        for text in (name, *synonyms):
            table.setdefault(normalise(text), name)
    return table


@cache
def field_labels() -> dict[str, str]:
    """Normalised block label -> field ('name', 'address', 'email', 'phone', 'website', …)."""
    return {normalise(t): name for name, synonyms in _of_kind("field") for t in (name, *synonyms)}


@cache
def _fillers() -> frozenset[str]:
    return frozenset(normalise(w) for _, words in _of_kind("filler") for w in words)


@cache
def _parties() -> dict[str, str]:
    return {normalise(t): name for name, synonyms in _of_kind("party") for t in (name, *synonyms)}


@cache
def titles() -> frozenset[str]:
    return frozenset(normalise(t) for _, texts in _of_kind("title") for t in texts)


def party_of(text: str) -> str | None:
    """The party a block label names ('Controller', 'Data Protection Officer', …) or None.

    "Name and contact details of our organisation" and "Organisation name and contact details"
    both reduce to "organisation" once the filler words are dropped; a value such as "Harbour
    Dental Practice Ltd" reduces to itself and names no party.
    """
    key = normalise(text)
    if not key or len(key) > 80:
        return None
    words = [w for w in key.split() if w not in _fillers()]
    return _parties().get(" ".join(words)) if words else None


def is_label(text: str) -> bool:
    """True for any text the importer knows as a label (never to be taken as a value)."""
    key = normalise(text)
    return bool(key) and (
        key in field_labels()
        or key in column_headings()
        or key in titles()
        or party_of(text) is not None
    )
