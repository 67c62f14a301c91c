"""The ICO processor template (Art 30(2)): controllers served and what is done for each.

A sheet in the processor layout has "Categories of processing" where the controller template has
"Purpose of processing", and three columns about each controller served (name and contact
details, its representative, its DPO). Each row becomes a processor activity (its categories are
its purposes; transfers and security measures are read as in the controller template) with
``on_behalf_of`` naming a ``controllers_served`` element built from the controller cell.

In a workbook ropagraph wrote, the "Processor record" sheet sits beside the main table: its rows
name the activity by id, so they only add the controllers served to activities already read.
"""

from __future__ import annotations

from typing import Any

from graph.ropa.layout import (
    CATEGORY_OF_CONTROLLERS,
    H_P_ACTIVITY_ID,
    H_P_CATEGORIES,
    H_P_CONTROLLER,
    H_P_DPO,
    H_P_REPRESENTATIVE,
    H_PURPOSE,
)
from loaders.ico.block import split_contact
from loaders.ico.controller import contact_fields
from loaders.ico.parse import IdAllocator, Unrecognised, parse_country, same_name, split_lines
from loaders.ico.rows import _Row, _State

NOT_RECORDED_PREFIX = "controller not recorded"


def as_purpose_row(row: _Row) -> _Row:
    """The row with its categories of processing read as the activity's purposes."""
    cells = dict(row.cells)
    columns = dict(row.columns)
    cells[H_PURPOSE] = row.get(H_P_CATEGORIES)
    if H_P_CATEGORIES in columns:
        columns[H_PURPOSE] = columns[H_P_CATEGORIES]
    return _Row(row.sheet, row.number, cells, columns)


class ServedControllers:
    """The controllers a processor serves, one element per distinct name."""

    def __init__(self) -> None:
        self.ids = IdAllocator()
        self.by_key: dict[str, dict[str, Any]] = {}

    def elements(self) -> list[dict[str, Any]]:
        return list(self.by_key.values())

    def from_row(self, state: _State, row: _Row) -> str | None:
        """The id of the row's controller served; None when the row names none."""
        text = row.get(H_P_CONTROLLER)
        if not text or text.casefold().startswith(NOT_RECORDED_PREFIX):
            return None
        lines = split_lines(text)
        category_only = CATEGORY_OF_CONTROLLERS in lines
        fields = split_contact("\n".join(x for x in lines if x != CATEGORY_OF_CONTROLLERS))
        name = fields.get("name") or lines[0]
        key = same_name(name)
        ref = f"{state.file} {row.sheet} row {row.number}"
        if key in self.by_key:
            return str(self.by_key[key]["id"])
        data: dict[str, Any] = {"id": self.ids.claim(name), "name": name, "ref": ref}
        if category_only:
            data["category_only"] = True
        if fields.get("country"):
            try:
                data["country"] = parse_country(fields["country"])
            except Unrecognised as exc:
                state.problem(row, H_P_CONTROLLER, str(exc), "write an ISO code, e.g. 'GB'")
        contact = contact_fields(fields)
        if contact:
            data["contact"] = contact
        if len(lines) == 1 and fields.get("address"):
            data["note"] = f"Name and contact details split from one line: '{text}'; check them."
        for heading, key_name in ((H_P_REPRESENTATIVE, "representative"), (H_P_DPO, "dpo")):
            person_text = row.get(heading)
            if not person_text:
                continue
            person_fields = split_contact(person_text)
            person: dict[str, Any] = {"name": person_fields.get("name") or person_text, "ref": ref}
            person_contact = contact_fields(person_fields)
            if person_contact:
                person["contact"] = person_contact
            data[key_name] = person
        self.by_key[key] = data
        return str(data["id"])


def link_processor_row(
    state: _State, served: ServedControllers, row: _Row, activity: dict[str, Any]
) -> None:
    """Make ``activity`` a processor activity for the row's controller served."""
    activity["role"] = "processor"
    controller_id = served.from_row(state, row)
    if controller_id is not None:
        behalf = activity.setdefault("on_behalf_of", [])
        if controller_id not in behalf:
            behalf.append(controller_id)


def existing_activity(state: _State, row: _Row) -> dict[str, Any] | None:
    """The already-read activity a "Processor record" row is about (by id, else by name)."""
    wanted_id = row.get(H_P_ACTIVITY_ID)
    first = (split_lines(row.get(H_P_CATEGORIES)) or [""])[0]
    for activity in state.activities:
        if wanted_id and activity["id"] == wanted_id:
            return activity
    for activity in state.activities:
        if first and same_name(str(activity["name"])) == same_name(first):
            return activity
    return None
