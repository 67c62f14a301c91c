"""Legal reference data: lawful bases, Art 9 conditions, transfer tools, adequacy, ...

Legal facts change (a mechanism is invalidated, a country gains adequacy, a new lawful basis
commences), so they are data with a source and a date, kept in data/reference/*.yaml, never
constants in code. Each file holds ``entries``: a list of mappings with at least ``id``,
``source`` (URL) and ``checked`` (the date the source was read), and optionally ``valid_from`` /
``invalid_from`` (first day in force / first day no longer in force).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

REFERENCE_DIR = Path(
    os.environ.get(
        "ROPAGRAPH_REFERENCE", Path(__file__).resolve().parent.parent / "data" / "reference"
    )
)


class ReferenceEntry(BaseModel):
    """One dated legal fact. Extra keys are kept: each reference file adds its own."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    name: str | None = None
    article: str | None = None
    source: str
    checked: dt.date
    valid_from: dt.date | None = None
    invalid_from: dt.date | None = None
    note: str | None = None

    def in_force(self, on: dt.date) -> bool:
        """Whether the fact holds on ``on`` (valid_from inclusive, invalid_from exclusive)."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.invalid_from is None or on < self.invalid_from

    def extra(self, key: str, default: Any = None) -> Any:
        return (self.model_extra or {}).get(key, default)


@cache
def reference(name: str) -> tuple[ReferenceEntry, ...]:
    """Entries of data/reference/<name>.yaml, validated."""
    path = REFERENCE_DIR / f"{name}.yaml"
    if not path.exists():
        raise FileNotFoundError(f"reference data {path} is missing")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(ReferenceEntry.model_validate(entry) for entry in data.get("entries", []))


def reference_by_id(name: str) -> dict[str, ReferenceEntry]:
    return {entry.id: entry for entry in reference(name)}


def reference_files() -> list[str]:
    """Names of every reference file (without .yaml)."""
    return sorted(p.stem for p in REFERENCE_DIR.glob("*.yaml"))


def entries_in_force(name: str, on: dt.date) -> tuple[ReferenceEntry, ...]:
    """Entries of data/reference/<name>.yaml that hold on ``on``."""
    return tuple(entry for entry in reference(name) if entry.in_force(on))


def long_date(day: dt.date) -> str:
    """'16 July 2020': how legal dates read in messages (no leading zero, month in words)."""
    return f"{day.day} {day:%B %Y}"
