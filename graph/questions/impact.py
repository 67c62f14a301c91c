"""Breach impact: from a breached system, recipient or data category to whose data, which data,
where it went, and which duties follow by when.

A handful of catalog queries (graph/queries.py, group "breach") find the scope; the duties and
their deadlines come from data/reference/breach_duties.yaml for the controller's regime on the
date. What the record cannot know (whether the risk is high, whether the controller provides a
public electronic communications service, how many people) is said, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from graph.questions.common import (
    Category,
    ask,
    category_from,
    controller_row,
    listing,
    not_found,
)
from graph.questions.duties import (
    Activity,
    Destination,
    Duty,
    Scope,
    breach_duties,
    breach_form,
)
from graph.questions.law import Regime, country_label, mechanism_status, regime_for
from graph.stores import GraphStore


class Breached(StrEnum):
    """What was breached: the element a breach report starts from."""

    system = "system"
    recipient = "recipient"
    category = "category"

    @property
    def label(self) -> str:
        return {"system": "System", "recipient": "Recipient", "category": "DataCategory"}[self]


class FindingLike(Protocol):
    """What impact needs of a compliance finding (graph.findings.Finding fits)."""

    @property
    def element_label(self) -> str: ...
    @property
    def element_id(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...


@dataclass
class Impact:
    """Everything ``ropagraph impact`` reports, as plain data (``to_dict`` for JSON)."""

    as_of: dt.date
    regime: str | None
    breached: Breached
    element_id: str
    element_name: str
    controller: dict[str, Any]
    activities: list[Activity]
    subjects: list[dict[str, Any]]
    categories: list[Category]
    destinations: list[Destination]
    systems: list[dict[str, Any]]
    countries: list[str]
    measures: list[dict[str, Any]]
    duties: list[Duty]
    form: list[dict[str, str]]
    procedures: list[dict[str, Any]]
    findings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sensitive(self) -> list[Category]:
        return [c for c in self.categories if c.sensitive]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["breached"] = self.breached.value
        return data


SCOPE_QUERY = {
    Breached.system: ("breach-scope-system", "system"),
    Breached.recipient: ("breach-scope-recipient", "recipient"),
    Breached.category: ("breach-scope-category", "category"),
}


def breach_impact(
    store: GraphStore,
    breached: Breached,
    element: str,
    *,
    as_of: dt.date | None = None,
    aware_at: dt.datetime | None = None,
    telecoms_provider: bool | None = None,
    findings: Iterable[FindingLike] = (),
) -> Impact:
    """The blast radius of a breach at ``element`` and the duties that follow.

    ``aware_at`` (when the controller became aware) turns deadlines into dates;
    ``telecoms_provider`` says whether the controller provides a public electronic
    communications service (None: unknown, the PECR duties are shown as "if applicable");
    ``findings`` (a findings report's) are filtered to the affected elements.
    Raises NotFound when the record has no such element.
    """
    day = as_of or dt.date.today()
    name, param = SCOPE_QUERY[breached]
    scope = ask(store, name, **{param: element})
    if not scope:
        raise not_found(store, breached.label, f"--{breached.value}", element)
    controller = controller_row(store)
    regime = regime_for(controller.get("country"), day)

    activities: dict[str, Activity] = {}
    categories: dict[str, Category] = {}
    cats_of: dict[str, list[str]] = {}
    for row in scope:
        if row["activityId"] is None:
            continue
        cats_of.setdefault(row["activityId"], [])
        category = category_from(row)
        if category is not None:
            categories[category.id] = category
            cats_of[row["activityId"]].append(category.id)
        activities[row["activityId"]] = Activity(
            row["activityId"],
            row["activity"] or row["activityId"],
            row["role"] or "controller",
            bool(row["directMarketing"]),
            tuple(cats_of[row["activityId"]]),
        )
    element_ids = sorted({str(row["elementId"]) for row in scope})
    element_name = ", ".join(sorted({str(row["element"] or row["elementId"]) for row in scope}))
    act_ids = sorted(activities)

    subjects = _subjects(store, act_ids)
    disclosures = ask(store, "activities-recipients", activities=act_ids) if act_ids else []
    destinations = _destinations(store, breached, element_ids, disclosures, categories, regime, day)
    processor_for = sorted(
        {
            str(row["recipient"])
            for row in disclosures
            if row["kind"] == "controller" and activities[row["activityId"]].role == "processor"
        }
    )
    systems = ask(store, "activities-systems", activities=act_ids) if act_ids else []
    measures = ask(store, "activities-measures", activities=act_ids) if act_ids else []
    held_in = [
        s
        for s in systems
        if breached is Breached.category
        or (breached is Breached.system and s["systemId"] in element_ids)
    ]
    countries = sorted(
        {d.country for d in destinations if d.country}
        | {s["country"] for s in held_in if s["country"]}
    )
    impact = Impact(
        as_of=day,
        regime=regime.label if regime else None,
        breached=breached,
        element_id=", ".join(element_ids),
        element_name=element_name,
        controller=controller,
        activities=[activities[a] for a in act_ids],
        subjects=subjects,
        categories=sorted(categories.values(), key=lambda c: (not c.sensitive, c.id)),
        destinations=destinations,
        systems=systems,
        countries=[country_label(c) for c in countries],
        measures=_unique(measures, "measureId"),
        duties=[],
        form=[],
        procedures=ask(store, "breach-procedures"),
    )
    decided_from = Scope(
        controller, impact.activities, subjects, impact.categories, impact.measures
    )
    impact.duties = breach_duties(
        decided_from, regime, day, aware_at, telecoms_provider, destinations, processor_for
    )
    impact.form = breach_form(decided_from)
    impact.findings = _related_findings(findings, impact, element_ids)
    impact.notes = _notes(impact, breached, regime)
    return impact


# --------------------------------------------------------------------------- scope


def _subjects(store: GraphStore, act_ids: list[str]) -> list[dict[str, Any]]:
    if not act_ids:
        return []
    by_id: dict[str, dict[str, Any]] = {}
    for row in ask(store, "activities-subjects", activities=act_ids):
        entry = by_id.setdefault(
            row["subjectId"],
            {"id": row["subjectId"], "name": row["subject"], "activities": []},
        )
        entry["activities"].append(row["activityId"])
    return [by_id[k] for k in sorted(by_id)]


def _destination(
    row: dict[str, Any], relation: str, regime: Regime | None, day: dt.date, **extra: Any
) -> Destination:
    return Destination(
        recipient_id=row["recipientId"],
        recipient=row.get("recipient") or row.get("subprocessor") or row["recipientId"],
        kind=row.get("kind"),
        category_only=bool(row.get("categoryOnly")),
        country=row.get("country"),
        country_name=country_label(row.get("country")),
        mechanism=row.get("mechanism"),
        mechanism_name=row.get("mechanismName"),
        mechanism_status=mechanism_status(row.get("mechanism"), regime, day),
        stated_as=row.get("statedAs"),
        relation=relation,
        **extra,
    )


def _destinations(
    store: GraphStore,
    breached: Breached,
    element_ids: list[str],
    rows: list[dict[str, Any]],
    categories: dict[str, Category],
    regime: Regime | None,
    day: dt.date,
) -> list[Destination]:
    found: dict[tuple[str, str | None], Destination] = {}
    merged: dict[tuple[str, str | None], dict[str, Any]] = {}
    for row in rows:
        if breached is Breached.recipient and row["recipientId"] not in element_ids:
            continue  # other recipients of the same activities were not breached
        shared = sorted(set(row["dataCategories"] or []) & set(categories))
        if not shared and breached is not Breached.recipient:
            continue  # the recipient gets none of the affected data
        key = (row["recipientId"], row["mechanism"])
        entry = merged.setdefault(key, {**row, "cats": set(), "acts": set()})
        entry["cats"].update(shared)
        entry["acts"].add(row["activityId"])
    for key, row in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        is_breached = breached is Breached.recipient and row["recipientId"] in element_ids
        found[key] = _destination(
            row,
            "breached" if is_breached else "also receives this data",
            regime,
            day,
            categories=tuple(sorted(row["cats"])),
            activities=tuple(sorted(row["acts"])),
        )
    if breached is Breached.recipient:
        upstream = element_ids
    else:
        upstream = sorted({d.recipient_id for d in found.values()})
    if upstream:
        for row in ask(store, "subprocessors", recipients=upstream):
            sub = {**row, "recipientId": row["subprocessorId"]}
            key = (row["subprocessorId"], row["mechanism"])
            found.setdefault(
                key, _destination(sub, f"sub-processor of {row['recipientId']}", regime, day)
            )
    order = {"breached": 0, "also receives this data": 1}
    return sorted(
        found.values(),
        key=lambda d: (order.get(d.relation, 2), d.recipient_id, d.mechanism or ""),
    )


def _unique(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[key], {k: v for k, v in row.items() if k != "activityId"})
    return [seen[k] for k in sorted(seen)]


def _related_findings(
    findings: Iterable[FindingLike], impact: Impact, element_ids: list[str]
) -> list[dict[str, Any]]:
    wanted = {("Activity", a.id) for a in impact.activities}
    wanted |= {("DataCategory", c.id) for c in impact.categories}
    wanted |= {("Recipient", d.recipient_id) for d in impact.destinations}
    wanted |= {(impact.breached.label, e) for e in element_ids}
    return [f.to_dict() for f in findings if (f.element_label, f.element_id) in wanted]


def _notes(impact: Impact, breached: Breached, regime: Regime | None) -> list[str]:
    notes = []
    if regime is None:
        notes.append(
            "The controller's regime is not modelled for its country on this date: no duties "
            "are listed; take advice on the law that applies."
        )
    if not impact.activities:
        notes.append(f"No activity in the record involves this {breached.value}.")
    if breached is Breached.system:
        notes.append(
            "The record links activities to systems, not data to systems: every category of "
            "an activity that uses the system is counted as possibly held in it."
        )
    vague = [d.recipient for d in impact.destinations if d.category_only]
    if vague:
        notes.append(
            "Recorded only as a category of recipient (no organisation named): "
            + listing(vague)
            + "."
        )
    unstated = [
        d.recipient for d in impact.destinations if d.relation == "breached" and not d.categories
    ]
    if unstated:
        notes.append(
            "The record does not say which data is disclosed to "
            + listing(unstated)
            + ": the categories, and so the risk, are unknown."
        )
    unknown = [d.recipient for d in impact.destinations if not d.country]
    if unknown:
        notes.append("Country not recorded for: " + listing(unknown) + ".")
    return notes
