"""Where is it? Every place a data subject's data lives, as a checklist for a subject access or
erasure request: per activity (data, lawful basis, retention, rights), per system and per
recipient (data, country, transfer tool).

Catalog queries of the "rights" and "breach" groups find the places; which rights apply follows
from each activity's lawful bases through data/reference/rights_by_basis.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.questions.common import (
    Category,
    ask,
    category_from,
    controller_row,
    listing,
    not_found,
)
from graph.questions.law import country_label, mechanism_status, regime_for, rights_for
from graph.stores import GraphStore


@dataclass(frozen=True)
class Right:
    id: str
    name: str
    article: str
    qualified: str | None


@dataclass
class Place:
    """One activity, system or recipient holding the subject's data: a line of the checklist."""

    kind: str
    """activity | system | recipient"""
    id: str
    name: str
    categories: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    country: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class ActivityEntry:
    id: str
    name: str
    role: str
    direct_marketing: bool
    categories: list[Category]
    bases: list[str]
    retention: list[str]
    sources: list[str]
    rights: list[Right]
    rights_note: str | None = None


@dataclass
class Located:
    """Everything ``ropagraph locate`` reports (``to_dict`` for JSON)."""

    as_of: dt.date
    regime: str | None
    subject_id: str
    subject: str
    controller: str
    activities: list[ActivityEntry]
    systems: list[Place]
    recipients: list[Place]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


def _retention_text(row: dict[str, Any]) -> str:
    text = str(row.get("period") or row.get("criteria") or row.get("rule") or row["ruleId"])
    return text + (" (vague)" if row.get("vague") else "")


def locate_subject(store: GraphStore, subject: str, as_of: dt.date | None = None) -> Located:
    """Where ``subject`` (a data subject id or name) has data; raises NotFound if unknown."""
    day = as_of or dt.date.today()
    rows = ask(store, "subject-processing", subject=subject)
    if not rows:
        raise not_found(store, "DataSubject", "--subject", subject)
    controller = controller_row(store)
    regime = regime_for(controller.get("country"), day)
    subject_ids = sorted({str(r["subjectId"]) for r in rows})

    acts: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = acts.setdefault(row["activityId"], {"row": row, "categories": []})
        category = category_from(row)
        if category is not None:
            entry["categories"].append(category)
    ids = sorted(acts)
    bases = _group(ask(store, "activities-bases", activities=ids), "basis")
    retention = _group_rows(ask(store, "activities-retention", activities=ids))
    sources = _group(ask(store, "activities-sources", activities=ids), "source")

    activities = []
    for act_id in ids:
        row = acts[act_id]["row"]
        role = str(row["role"] or "controller")
        act_bases = bases.get(act_id, [])
        marketing = bool(row["directMarketing"])
        note = None
        if role == "processor":
            rights: list[Right] = []
            note = (
                "Processed for another controller: requests go to that controller; "
                "help it answer them (Art 28(3)(e))."
            )
        else:
            rights = [
                Right(e.id, e.name or e.id, _article(e.article, regime), e.extra("qualified"))
                for e in rights_for(act_bases, marketing)
            ]
            if not act_bases:
                note = (
                    "The record states no lawful basis: rights that depend on the basis "
                    "(erasure, portability, objection) cannot be worked out."
                )
        activities.append(
            ActivityEntry(
                id=act_id,
                name=str(row["activity"] or act_id),
                role=role,
                direct_marketing=marketing,
                categories=acts[act_id]["categories"],
                bases=act_bases,
                retention=[_retention_text(r) for r in retention.get(act_id, [])],
                sources=sources.get(act_id, []),
                rights=rights,
                rights_note=note,
            )
        )

    category_names = {c.id: c.name for a in activities for c in a.categories}
    systems = _systems(ask(store, "activities-systems", activities=ids), retention)
    recipients = _recipients(
        ask(store, "activities-recipients", activities=ids), category_names, regime, day
    )
    notes = []
    in_a_system = {act for place in systems for act in place.activities}
    without_system = [a.name for a in activities if a.id not in in_a_system]
    if without_system:
        notes.append(
            "No system is recorded for: " + listing(without_system) + " — the record does not "
            "say where that data is held."
        )
    unknown = [p.name for p in recipients if not p.country]
    if unknown:
        notes.append("Country not recorded for: " + listing(unknown) + ".")
    return Located(
        as_of=day,
        regime=regime.label if regime else None,
        subject_id=", ".join(subject_ids),
        subject=", ".join(sorted({str(r["subject"]) for r in rows})),
        controller=str(controller.get("controller") or ""),
        activities=activities,
        systems=systems,
        recipients=recipients,
        notes=notes,
    )


def _article(article: str | None, regime: Any) -> str:
    if article and article.startswith("Art ") and regime is not None:
        return f"{regime.label} {article}"
    return article or ""


def _group(rows: list[dict[str, Any]], column: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault(row["activityId"], []).append(str(row[column]))
    return grouped


def _group_rows(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["activityId"], []).append(row)
    return grouped


def _systems(rows: list[dict[str, Any]], retention: dict[str, list[dict[str, Any]]]) -> list[Place]:
    places: dict[str, Place] = {}
    for row in rows:
        place = places.setdefault(
            row["systemId"],
            Place("system", row["systemId"], str(row["system"] or row["systemId"])),
        )
        place.country = country_label(row["country"])
        place.activities.append(row["activityId"])
        rules = place.detail.setdefault("retention", [])
        for rule in retention.get(row["activityId"], []):
            text = _retention_text(rule)
            if text not in rules:
                rules.append(text)
    return [places[k] for k in sorted(places)]


def _recipients(
    rows: list[dict[str, Any]], names: dict[str, str], regime: Any, day: dt.date
) -> list[Place]:
    places: dict[str, Place] = {}
    for row in rows:
        shared = [c for c in row["dataCategories"] or [] if c in names]
        place = places.setdefault(
            row["recipientId"],
            Place("recipient", row["recipientId"], str(row["recipient"] or row["recipientId"])),
        )
        place.country = country_label(row["country"])
        place.detail.setdefault("kind", row["kind"])
        place.detail.setdefault("categoryOnly", bool(row["categoryOnly"]))
        if row["mechanism"]:
            place.detail["mechanism"] = row["mechanismName"] or row["mechanism"]
            place.detail["mechanismStatus"] = mechanism_status(row["mechanism"], regime, day)
        if not place.activities or place.activities[-1] != row["activityId"]:
            place.activities.append(row["activityId"])  # rows come ordered by activity
        for c in shared:
            if names[c] not in place.categories:
                place.categories.append(names[c])
    return [places[k] for k in sorted(places)]
