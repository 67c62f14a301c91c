"""The controller block above the table: who the controller, its DPO and representative are.

Workbooks lay this block out in three common shapes, and the importer reads all three without
flags — but never takes a label for a value:

* **a little table**: field labels across a row (Name | Address | Email | Telephone), one row per
  party with the party's label on its left (or the same, transposed);
* **labels down a column with values beside**, under each party's heading (the ICO / Fides
  template: "Organisation name and contact details" over Name / Address / Email / Telephone) —
  or each party's heading with its own Name | Address | … row and the values on the row below;
* **"label | value" pairs**: "Organisation name and contact details | Harbour Dental Ltd, 12 Quay
  Street, …" — one free-text cell per party, split into name, address, email, phone and website.

What each label means comes from data/reference/ico_headings.yaml (loaders/ico/headings.py).
Cells of the block that are neither read nor a template title are returned as ``unused`` so the
import can report them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from graph.ropa.layout import PARTY_CONTROLLER
from loaders.ico.headings import field_labels, is_label, party_of, titles
from loaders.ico.parse import normalise

Cell = tuple[int, int]  # 0-based (row, column) in the sheet

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
WEBSITE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{7,}\d")
LABELLED = re.compile(r"^\s*([A-Za-z][A-Za-z -]{0,30}?)\s*:\s*(.+)$")


@dataclass
class Party:
    """One party of the block: its fields, where they were read, and how."""

    fields: dict[str, str]
    where: str
    free_text: str | None = None  # the cell the fields were split from, if any


@dataclass
class Block:
    parties: dict[str, Party] = field(default_factory=dict)
    unused: list[tuple[Cell, str]] = field(default_factory=list)


def cell_name(cell: Cell) -> str:
    return f"{get_column_letter(cell[1] + 1)}{cell[0] + 1}"


def _at(grid: list[list[str]], r: int, c: int) -> str:
    if 0 <= r < len(grid) and 0 <= c < len(grid[r]):
        return grid[r][c]
    return ""


# ----------------------------------------------------------------------------- shape 1: a table


def _table(grid: list[list[str]], *, transposed: bool) -> tuple[dict[str, Party], set[Cell]]:
    """Field labels across one row, a party per row below (labels on the left)."""
    labels = field_labels()

    def real(r: int, c: int) -> Cell:
        return (c, r) if transposed else (r, c)

    for index, row in enumerate(grid):
        fields = {c: labels[normalise(t)] for c, t in enumerate(row) if normalise(t) in labels}
        if len(set(fields.values())) < 2:
            continue
        first = min(fields)
        parties: dict[str, Party] = {}
        used: set[Cell] = {real(index, c) for c in fields}
        rejected = False
        for offset in range(index + 1, len(grid)):
            line = grid[offset]
            label_at = next((c for c in range(min(first, len(line))) if line[c]), None)
            if label_at is None:
                continue
            role = party_of(line[label_at])
            if role is None or role in parties:
                continue
            values: dict[str, str] = {}
            for c, name in fields.items():
                text = _at(grid, offset, c)
                if not text:
                    continue
                if is_label(text):
                    rejected = True  # labels where values should be: another shape
                    break
                values[name] = text
                used.add(real(offset, c))
            if rejected:
                break
            if values:
                used.add(real(offset, label_at))
                if transposed:
                    cols = [c for c in fields if c < len(line) and line[c]]
                    where = (
                        f"column {get_column_letter(offset + 1)}, rows {min(cols) + 1}-"
                        f"{max(cols) + 1}"
                    )
                else:
                    where = f"row {offset + 1}"
                parties[role] = Party(values, where)
        if parties and not rejected:
            return parties, used
    return {}, set()


# ----------------------------------------------------------------------------- shapes 2 and 3


def _down(grid: list[list[str]], r: int, c: int) -> tuple[dict[str, str], set[Cell]]:
    """Field labels below a party heading in its column, each value in the next column."""
    labels = field_labels()
    values: dict[str, str] = {}
    used: set[Cell] = set()
    for row in range(r + 1, len(grid)):
        label = _at(grid, row, c)
        name = labels.get(normalise(label)) if label else None
        if name is None:
            break
        used.add((row, c))
        for col in (c + 1, c + 2):
            text = _at(grid, row, col)
            if text:
                if not is_label(text):
                    values.setdefault(name, text)
                    used.add((row, col))
                break
    return values, used


def _across(grid: list[list[str]], r: int, c: int) -> tuple[dict[str, str], set[Cell]]:
    """A party's own label row (Name | Address | …, beside or under its heading), values below."""
    labels = field_labels()
    for label_row in (r, r + 1):
        if label_row >= len(grid):
            break
        cols = {
            col: labels[normalise(t)]
            for col, t in enumerate(grid[label_row])
            if col >= c and (label_row, col) != (r, c) and normalise(t) in labels
        }
        if len(set(cols.values())) < 2:
            continue
        values: dict[str, str] = {}
        used: set[Cell] = {(label_row, col) for col in cols}
        for col, name in cols.items():
            text = _at(grid, label_row + 1, col)
            if text and not is_label(text):
                values.setdefault(name, text)
                used.add((label_row + 1, col))
        if values:
            return values, used
    return {}, set()


def split_contact(text: str) -> dict[str, str]:
    """Name, address, email, phone and website from one free-text cell.

    Lines "Email: …" use the label; otherwise the email, website and phone are found by their
    shape, the first remaining part (line, or comma-separated part of a one-line cell) is the
    name and the rest the address.
    """
    labels = field_labels()
    fields: dict[str, str] = {}
    rest: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        match = LABELLED.match(line)
        if match and normalise(match.group(1)) in labels:
            fields.setdefault(labels[normalise(match.group(1))], match.group(2).strip())
            continue
        if line:
            rest.append(line)
    joined = "\n".join(rest)
    for name, pattern in (("email", EMAIL), ("website", WEBSITE), ("phone", PHONE)):
        found = pattern.search(joined)
        if found and name not in fields:
            fields[name] = found.group(0).strip().rstrip(".,;")
        joined = pattern.sub("", joined)
    words = re.compile(r"\b(e-?mail|tel(ephone)?|phone|web(site)?)\s*:?\s*$", re.IGNORECASE)
    parts = [
        words.sub("", p).strip(" ,;:")
        for line in joined.splitlines()
        for p in (line.split(",") if len(rest) == 1 else [line])
    ]
    parts = [p for p in parts if p]
    if parts and "name" not in fields:
        fields["name"] = parts.pop(0)
    if parts and "address" not in fields:
        fields["address"] = ", ".join(parts)
    return fields


def _free_text(grid: list[list[str]], r: int, c: int) -> tuple[str, Cell] | None:
    """The value of a "label | value" pair: to the right of the label, else just below it."""
    for col in range(c + 1, c + 4):
        text = _at(grid, r, col)
        if text:
            if not is_label(text):
                return text, (r, col)
            break  # the next party's heading: the value, if any, is below
    below = _at(grid, r + 1, c)
    if below and not is_label(below):
        return below, (r + 1, c)
    return None


def _labelled(grid: list[list[str]]) -> tuple[dict[str, Party], set[Cell]]:
    parties: dict[str, Party] = {}
    used: set[Cell] = set()
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            role = party_of(text) if text else None
            if role is None or role in parties:
                continue
            values, cells = _down(grid, r, c)
            if not values:
                values, cells = _across(grid, r, c)
            if values:
                rows = sorted({cell[0] for cell in cells})
                where = f"{get_column_letter(c + 1)}{r + 1}, rows {rows[0] + 1}-{rows[-1] + 1}"
                parties[role] = Party(values, where)
                used |= cells | {(r, c)}
                continue
            pair = _free_text(grid, r, c)
            if pair is not None:
                value, at = pair
                parties[role] = Party(split_contact(value), cell_name(at), free_text=value)
                used |= {(r, c), at}
    # A stray "Country | United Kingdom" pair is the controller's country of establishment.
    labels = field_labels()
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if (r, c) in used or labels.get(normalise(text)) != "country":
                continue
            value = _at(grid, r, c + 1)
            controller = parties.get(PARTY_CONTROLLER)
            if value and controller and "country" not in controller.fields:
                controller.fields["country"] = value
                used |= {(r, c), (r, c + 1)}
    return parties, used


# ----------------------------------------------------------------------------- the block


def read_block(grid: list[list[str]]) -> Block:
    """The parties of the block above the table, in whichever shape it is written."""
    width = max((len(r) for r in grid), default=0)
    transposed = [[_at(grid, r, c) for r in range(len(grid))] for c in range(width)]
    parties, used = _table(grid, transposed=False)
    if not parties:
        parties, used = _table(transposed, transposed=True)
    if not parties:
        parties, used = _labelled(grid)
    known = titles()
    unused = [
        ((r, c), text)
        for r, row in enumerate(grid)
        for c, text in enumerate(row)
        if text and (r, c) not in used and normalise(text) not in known and not is_label(text)
    ]
    return Block(parties, unused)
