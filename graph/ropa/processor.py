"""The processor section of the ROPA (GDPR / UK GDPR Art 30(2)).

When the organisation acts as a processor, Art 30(2) asks for a record per controller served:
(a) the controller's name and contact details, its representative and DPO; (b) the categories of
processing carried out on its behalf; (c) transfers and their safeguards; (d) the security
measures. One :class:`ProcessorLine` per (controller served, processor activity) carries these,
with (c) and (d) taken from the activity's own row so the section and the main table agree. A
processor activity that names no controller gets a line saying so, rather than none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from graph.model import ActivityRole, Contact, Person, Record, ServedController
from graph.ropa.layout import (
    CATEGORY_OF_CONTROLLERS,
    H_COUNTRIES,
    H_SAFEGUARDS,
    H_SECURITY,
    NOT_STATED,
)

CONTROLLER_NOT_RECORDED = "Controller not recorded"


class RowLike(Protocol):
    """What this section reads from a main-table row (graph.ropa.document.RopaRow)."""

    @property
    def activity_id(self) -> str: ...
    def lines(self, heading: str) -> list[str]: ...


@dataclass(frozen=True)
class ProcessorLine:
    """One row of the processor record: a controller served and one category of processing."""

    controller_id: str
    controller: str  # name and contact details, one per line
    representative: str
    dpo: str
    activity_id: str
    categories: str  # the activity's name and purposes, one per line
    countries: str
    safeguards: str
    security: str
    ref: str | None


def _contact_lines(contact: Contact | None) -> list[str]:
    if contact is None:
        return []
    return [
        f"{label}: {value}"
        for label, value in (
            ("Address", contact.address),
            ("Email", contact.email),
            ("Telephone", contact.phone),
            ("Website", contact.website),
        )
        if value
    ]


def _person(person: Person | None) -> str:
    if person is None:
        return ""
    return "\n".join([f"Name: {person.name}", *_contact_lines(person.contact)])


def controller_text(served: ServedController) -> str:
    """'Name: …', contact lines, 'Country: …' and the category marker, one per line."""
    lines = [f"Name: {served.name}", *_contact_lines(served.contact)]
    if served.country:
        lines.append(f"Country: {served.country}")
    if served.category_only:
        lines.append(CATEGORY_OF_CONTROLLERS)
    return "\n".join(lines)


def processor_lines(record: Record, rows: Sequence[RowLike]) -> tuple[ProcessorLine, ...]:
    by_id = {row.activity_id: row for row in rows}
    served = {c.id: c for c in record.controllers_served}
    lines: list[ProcessorLine] = []
    for activity in record.activities:
        if activity.role is not ActivityRole.processor:
            continue
        row = by_id.get(activity.id)
        cells = {
            h: "\n".join(row.lines(h)) if row else ""
            for h in (H_COUNTRIES, H_SAFEGUARDS, H_SECURITY)
        }
        categories = "\n".join([activity.name, *activity.purposes])
        controllers = [served[i] for i in activity.on_behalf_of if i in served]
        if not controllers:
            lines.append(
                ProcessorLine(
                    controller_id="",
                    controller=f"{CONTROLLER_NOT_RECORDED}: {NOT_STATED}",
                    representative="",
                    dpo="",
                    activity_id=activity.id,
                    categories=categories,
                    countries=cells[H_COUNTRIES],
                    safeguards=cells[H_SAFEGUARDS],
                    security=cells[H_SECURITY],
                    ref=activity.ref,
                )
            )
        for controller in controllers:
            lines.append(
                ProcessorLine(
                    controller_id=controller.id,
                    controller=controller_text(controller),
                    representative=_person(controller.representative),
                    dpo=_person(controller.dpo),
                    activity_id=activity.id,
                    categories=categories,
                    countries=cells[H_COUNTRIES],
                    safeguards=cells[H_SAFEGUARDS],
                    security=cells[H_SECURITY],
                    ref=controller.ref or activity.ref,
                )
            )
    return tuple(lines)
