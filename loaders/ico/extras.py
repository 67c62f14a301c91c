"""Columns beyond the ICO controller template, and the columns nobody recognises.

"Role or Responsibility" (the Fides datamap template) says whether the organisation is the
controller or a processor for the row; "Fides system" names the system, which becomes a system
of the activity; "Fides dataset" is kept word for word in the activity's note. A column whose
heading is not in data/reference/ico_headings.yaml is never dropped silently: each of its
non-empty cells becomes an import note (sheet, row, column, heading, text) and a line of the
activity's note.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter

from graph.model import ActivityRole, ImportNote
from loaders.ico.headings import H_FIDES_DATASET, H_FIDES_SYSTEM, H_ROLE
from loaders.ico.parse import normalise, same_name, split_lines

ROLES: dict[str, ActivityRole] = {
    "controller": ActivityRole.controller,
    "data controller": ActivityRole.controller,
    "joint controller": ActivityRole.joint_controller,
    "processor": ActivityRole.processor,
    "data processor": ActivityRole.processor,
    "sub processor": ActivityRole.processor,
    "subprocessor": ActivityRole.processor,
}


def unknown_columns(header: list[str], known: dict[str, int]) -> dict[int, str]:
    """Column -> heading text of every non-empty heading cell the importer does not read."""
    used = set(known.values())
    return {c: text for c, text in enumerate(header) if text and c not in used}


def apply_extras(
    state: Any,
    activity: dict[str, Any],
    row: Any,
    unknown: dict[int, str],
    sheet_rows: list[list[str]],
) -> None:
    """Role, Fides system/dataset and unrecognised columns of one imported row."""
    notes: list[str] = [activity["note"]] if activity.get("note") else []
    where = str(row.number)
    role_text = row.get(H_ROLE)
    if role_text:
        role = ROLES.get(normalise(role_text))
        if role is None:
            notes.append(f"{H_ROLE}: {role_text}")
            state.import_notes.append(
                ImportNote(
                    file=state.file,
                    sheet=row.sheet,
                    row=row.number,
                    column=get_column_letter(row.columns[H_ROLE] + 1),
                    heading=H_ROLE,
                    text=role_text,
                    reason="not a role ropagraph knows (controller, joint controller, "
                    "processor); the activity keeps the default role, controller",
                )
            )
        else:
            activity["role"] = role.value
            if "sub" in normalise(role_text):
                notes.append(f"{H_ROLE}: {role_text} (recorded as processor)")
    for line in split_lines(row.get(H_FIDES_SYSTEM)):
        system = state.systems.get(same_name(line), line, where)
        activity.setdefault("systems", [])
        if system not in activity["systems"]:
            activity["systems"].append(system)
    if row.get(H_FIDES_DATASET):
        notes.append(f"{H_FIDES_DATASET}: {row.get(H_FIDES_DATASET)}")
    cells = sheet_rows[row.number - 1] if row.number - 1 < len(sheet_rows) else []
    for column, heading in unknown.items():
        text = cells[column] if column < len(cells) else ""
        if not text:
            continue
        notes.append(f"Not mapped — {heading}: {text}")
        state.import_notes.append(
            ImportNote(
                file=state.file,
                sheet=row.sheet,
                row=row.number,
                column=get_column_letter(column + 1),
                heading=heading,
                text=text,
                reason="column not recognised (add its wording to "
                "data/reference/ico_headings.yaml if it is an ICO column)",
            )
        )
    if notes:
        activity["note"] = "\n".join(notes)
