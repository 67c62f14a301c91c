"""The importer's working state: collections of elements found so far, each row's cells, and the
problems (sheet, row, column) met on the way. Shared by the sheet and activity readers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from graph.model import ImportNote, LawfulBasisId
from graph.ropa.layout import (
    H_BREACH,
    H_BREACH_LINK,
    H_CONSENT_RECORD,
    H_RETENTION_KEPT,
    H_RETENTION_POLICY,
    H_RETENTION_REASONS,
)
from loaders.ico.parse import (
    IdAllocator,
    Unrecognised,
    is_empty_answer,
    parse_country,
    same_name,
    split_lines,
    split_values,
)
from loaders.ico.workbook import (
    Sheet,
)
from loaders.problems import Problem

RECORD_FILE = "record.yaml"

# Columns the record model has no field for: kept, word for word, in the activity's note.
NOTE_COLUMNS: tuple[str, ...] = (
    H_CONSENT_RECORD,
    H_BREACH,
    H_BREACH_LINK,
    H_RETENTION_POLICY,
    H_RETENTION_KEPT,
    H_RETENTION_REASONS,
)
_DURATION = re.compile(r"^\s*(\d+\s*(?:day|week|month|year)s?)\s*(?:;\s*(.*))?$", re.IGNORECASE)
_COUNTRY_LABEL = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Z]{2})\)$")
_INTERESTS = (LawfulBasisId.legitimate_interests, LawfulBasisId.recognised_legitimate_interest)


# ----------------------------------------------------------------------------- building the record


@dataclass
class _Element:
    data: dict[str, Any]
    rows: list[str] = field(default_factory=list)


class _Collection:
    """Elements met by name across rows: one element (one id) per distinct name."""

    def __init__(self) -> None:
        self.ids = IdAllocator()
        self.by_key: dict[str, _Element] = {}

    def get(self, key: str, name: str, where: str, **data: Any) -> str:
        element = self.by_key.get(key)
        if element is None:
            element = _Element({"id": self.ids.claim(name), "name": name, **data})
            self.by_key[key] = element
        if where not in element.rows:
            element.rows.append(where)
        return str(element.data["id"])

    def elements(self, file: str) -> list[dict[str, Any]]:
        out = []
        for element in self.by_key.values():
            data = dict(element.data)
            data.setdefault("ref", _ref(file, element.rows))
            out.append(data)
        return out


def _ref(file: str, rows: list[str]) -> str:
    """'kynex.xlsx row 12' or 'kynex.xlsx rows 12, 13, 15'."""
    plain = [r for r in rows if r.isdigit()]
    other = [r for r in rows if not r.isdigit()]
    parts = []
    if plain:
        parts.append(("row " if len(plain) == 1 else "rows ") + ", ".join(plain))
    parts.extend(other)
    return f"{file} {'; '.join(parts)}" if parts else file


@dataclass
class _Provenance:
    activity_id: str
    name: str
    role: str
    first_purpose: str
    source: str


@dataclass
class _Row:
    """One table row: its number, its cells by heading, and where each heading sits."""

    sheet: str
    number: int
    cells: dict[str, str]
    columns: dict[str, int]

    def get(self, heading: str) -> str:
        return self.cells.get(heading, "")


class _State:
    def __init__(
        self,
        path: Path,
        sheets: list[Sheet],
        controller_name: str | None,
        country: str | None,
    ) -> None:
        self.path = path
        self.file = path.name
        self.sheets = sheets
        self.controller_name = controller_name
        self.country = country
        self.problems: list[Problem] = []
        self.subjects = _Collection()
        self.categories = _Collection()
        self.sources = _Collection()
        self.measures = _Collection()
        self.systems = _Collection()
        self.retention = _Collection()
        self.recipient_ids = IdAllocator()
        self.recipients: dict[str, _Element] = {}
        self.described: set[str] = set()  # recipients the Recipients sheet describes
        self.transfer_keys: dict[str, set[tuple[str | None, str]]] = {}
        self.activity_ids = IdAllocator()
        self.activities: list[dict[str, Any]] = []
        self.activity_rows: list[int] = []
        self.provenance: dict[int, _Provenance] = {}
        self.lines_only = False
        self.import_notes: list[ImportNote] = []

    # ------------------------------------------------------------------ problems

    def problem(
        self,
        row: _Row | None,
        heading: str | None,
        message: str,
        suggestion: str | None = None,
        *,
        sheet: str | None = None,
        line: int | None = None,
    ) -> None:
        column = row.columns.get(heading) if row is not None and heading else None
        self.problems.append(
            Problem(
                file=str(self.path),
                message=message,
                line=row.number if row is not None else line,
                column=column + 1 if column is not None else None,
                field=(
                    f"{get_column_letter(column + 1)} '{heading}'"
                    if column is not None
                    else heading
                ),
                suggestion=suggestion,
                sheet=row.sheet if row is not None else sheet,
            )
        )

    # ------------------------------------------------------------------ helpers

    def _at(self, where: str) -> str:
        return f"{self.file} {where}" if not where.isdigit() else f"{self.file} row {where}"

    def _recipient(self, name: str, where: str) -> _Element:
        key = same_name(name)
        element = self.recipients.get(key)
        if element is None:
            element = _Element(
                {"id": self.recipient_ids.claim(name), "name": name, "kind": "unspecified"}
            )
            self.recipients[key] = element
        if where not in element.rows:
            element.rows.append(where)
        return element

    def _recipient_list(self) -> list[dict[str, Any]]:
        out = []
        for element in self.recipients.values():
            data = dict(element.data)
            data["ref"] = _ref(self.file, element.rows)
            out.append(data)
        return out

    def _effective_country(self, element: _Element, transfer: dict[str, Any]) -> str | None:
        country = transfer.get("country") or element.data.get("country")
        return str(country) if country else None

    def _add_transfer(self, element: _Element, transfer: dict[str, Any], *, dedupe: bool) -> None:
        keys = self.transfer_keys.setdefault(str(element.data["id"]), set())
        key = (self._effective_country(element, transfer), str(transfer["mechanism"]))
        if dedupe and key in keys:
            return
        keys.add(key)
        element.data.setdefault("transfers", []).append(transfer)

    def _country(self, row: _Row, heading: str, text: str) -> str | None:
        try:
            return parse_country(text)
        except Unrecognised as exc:
            self.problem(
                row, heading, str(exc), "write a country name or ISO code, e.g. 'US' or 'Germany'"
            )
            return None

    def _values(self, row: _Row, heading: str) -> list[str]:
        """A multi-valued cell's values; 'N/A', 'None', '-' in a hand-kept sheet mean none."""
        values = split_values(row.get(heading), lines_only=self.lines_only)
        return values if self.lines_only else [v for v in values if not is_empty_answer(v)]

    def _lines(self, row: _Row, heading: str) -> list[str]:
        """A cell's lines (text values that may hold commas); 'N/A' lines dropped likewise."""
        lines = split_lines(row.get(heading))
        return lines if self.lines_only else [v for v in lines if not is_empty_answer(v)]
