"""The Fides vocabularies and how they map to the record's: read from data/reference.

fideslang ships the Fides default taxonomy (data categories, data uses, data subjects); the
mapping of its legal-basis enums, special-category keys and transfer wordings to the record's
vocabularies is reference data (data/reference/fides_mapping.yaml). Both the importer
(loaders/fides) and the exporter (graph/interop/fides_export) read them from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from graph.model import Art9Condition, LawfulBasisId, SpecialCategory, TransferMechanismId
from graph.reference import reference

REFERENCE_NAME = "fides_mapping"
CRIMINAL = "criminal_offence"
KINDS = ("data_category", "data_use", "data_subject")


@dataclass(frozen=True)
class TaxonomyItem:
    key: str
    name: str
    description: str | None
    parent: str | None
    default: bool


@cache
def default_taxonomy() -> dict[str, dict[str, TaxonomyItem]]:
    """kind -> key -> item, from the fideslang package's default taxonomy."""
    out: dict[str, dict[str, TaxonomyItem]] = {}
    for kind in KINDS:
        out[kind] = {
            item.fides_key: TaxonomyItem(
                item.fides_key,
                item.name or item.fides_key,
                item.description,
                getattr(item, "parent_key", None),
                True,
            )
            for item in getattr(DEFAULT_TAXONOMY, kind)
        }
    return out


def taxonomy_with(custom: dict[str, Iterable[object]]) -> dict[str, dict[str, TaxonomyItem]]:
    """The default taxonomy plus the custom items a manifest defines (they win)."""
    out = {kind: dict(items) for kind, items in default_taxonomy().items()}
    for kind, items in custom.items():
        for item in items:
            key = str(getattr(item, "fides_key", ""))
            out[kind][key] = TaxonomyItem(
                key,
                str(getattr(item, "name", None) or key),
                getattr(item, "description", None),
                getattr(item, "parent_key", None),
                False,
            )
    return out


def _pairs(kind: str) -> list[tuple[str, str]]:
    return [
        (str(e.extra("fides")), str(e.extra("ropagraph")))
        for e in reference(REFERENCE_NAME)
        if e.extra("kind") == kind
    ]


@cache
def basis_from_fides() -> dict[str, LawfulBasisId]:
    return {f: LawfulBasisId(r) for f, r in _pairs("lawful_basis")}


@cache
def basis_to_fides() -> dict[LawfulBasisId, str]:
    return {r: f for f, r in basis_from_fides().items()}


@cache
def condition_from_fides() -> dict[str, Art9Condition]:
    return {f: Art9Condition(r) for f, r in _pairs("art9_condition")}


@cache
def condition_to_fides() -> dict[Art9Condition, str]:
    return {r: f for f, r in condition_from_fides().items()}


@cache
def tool_from_fides() -> dict[str, TransferMechanismId]:
    return {f.casefold(): TransferMechanismId(r) for f, r in _pairs("transfer_tool")}


def tool_to_fides(mechanism: TransferMechanismId) -> str:
    """Fides's wording for a tool where it has one, else the reference name of the tool."""
    for fides, ours in _pairs("transfer_tool"):
        if ours == mechanism.value:
            return fides
    if mechanism is TransferMechanismId.legacy_eu_scc:
        return "SCCs"
    names = {e.id: e.name for e in reference("transfer_mechanisms")}
    return str(names.get(mechanism.value) or mechanism.value)


@cache
def _special() -> list[tuple[str, str]]:
    return sorted(_pairs("special_category"), key=lambda p: -len(p[0]))


def special_of(key: str) -> SpecialCategory | str | None:
    """The Art 9(1) category (or 'criminal_offence') a Fides data category key falls under."""
    for prefix, ours in _special():
        if key == prefix or key.startswith(prefix + "."):
            return CRIMINAL if ours == CRIMINAL else SpecialCategory(ours)
    return None


def category_for_special(special: SpecialCategory | None, criminal: bool) -> str | None:
    """The Fides key for a special category (the shortest mapped key), None if none."""
    wanted = CRIMINAL if criminal else (special.value if special else None)
    if wanted is None:
        return None
    keys = [f for f, r in _pairs("special_category") if r == wanted]
    return keys[0] if keys else None  # the first listed is the canonical one


_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def key_to_id(key: str) -> str | None:
    """A record id for a Fides key: '.' becomes '-'; None when that is not a valid id."""
    candidate = key.replace(".", "-")
    return candidate if _SLUG_OK.match(candidate) and len(candidate) <= 120 else None


def id_to_key(element_id: str, known: Iterable[str]) -> str | None:
    """The Fides key whose record id is ``element_id``, among ``known`` keys."""
    for key in known:
        if key_to_id(key) == element_id:
            return key
    return None
