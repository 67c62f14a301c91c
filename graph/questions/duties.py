"""The duties a breach triggers and the regulator's form, decided from the breach's scope.

Which duties exist, their deadlines and wording are data/reference/breach_duties.yaml; this
module only decides, from the record, whether each one applies: controller or processor, special
category or criminal-offence data affected, a public electronic communications service or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.questions.common import Category
from graph.questions.law import Regime, breach_entry, duties_in_force
from graph.reference import ReferenceEntry


@dataclass(frozen=True)
class Activity:
    id: str
    name: str
    role: str
    direct_marketing: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Destination:
    """Somewhere the affected data is: the breached recipient, or a recipient it also went to."""

    recipient_id: str
    recipient: str
    kind: str | None
    category_only: bool
    country: str | None
    country_name: str
    mechanism: str | None
    mechanism_name: str | None
    mechanism_status: str | None
    stated_as: str | None
    relation: str
    """'breached', 'also receives this data', 'sub-processor of X'."""
    categories: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Duty:
    id: str
    name: str
    article: str
    status: str
    """applies | likely | assess | if applicable | not applicable"""
    notify: str
    deadline: str
    hours: int | None
    due: str | None
    """ISO date-time the deadline falls on, when the time of awareness was given."""
    why: str
    wording: str
    exemptions: str | None
    source: str
    checked: str


@dataclass(frozen=True)
class Scope:
    """What the duties and the form are decided from (a part of the impact)."""

    controller: dict[str, Any]
    activities: list[Activity]
    subjects: list[dict[str, Any]]
    categories: list[Category]
    measures: list[dict[str, Any]]


def _deadline(entry: ReferenceEntry) -> tuple[str, int | None]:
    hours = entry.extra("hours")
    clock = str(entry.extra("clock") or "")
    if hours:
        return f"within {hours} hours {clock}".strip(), int(hours)
    return clock or "without undue delay", None


def _duty(
    entry: ReferenceEntry, status: str, why: str, aware_at: dt.datetime | None, notify: str = ""
) -> Duty:
    deadline, hours = _deadline(entry)
    due = None
    if aware_at is not None and hours is not None and status not in ("not applicable",):
        due = (aware_at + dt.timedelta(hours=hours)).isoformat(timespec="minutes")
    return Duty(
        id=entry.id,
        name=entry.name or entry.id,
        article=entry.article or "",
        status=status,
        notify=notify or str(entry.extra("notify") or ""),
        deadline=deadline,
        hours=hours,
        due=due,
        why=why,
        wording=str(entry.extra("wording") or ""),
        exemptions=entry.extra("exemptions"),
        source=entry.source,
        checked=entry.checked.isoformat(),
    )


INDEPENDENT = ("controller", "public_authority")
"""Recipient kinds that hold what they receive as controllers in their own right."""


def _recipient_gate(controller: str, destinations: list[Destination]) -> tuple[str, str] | None:
    """When the breach is at a recipient that may not be ours to notify: (status, why)."""
    breached = [d for d in destinations if d.relation == "breached"]
    if not breached:
        return None
    names = ", ".join(f"{d.recipient} ({d.kind or 'role not recorded'})" for d in breached)
    if all(d.kind in INDEPENDENT for d in breached):
        return (
            "not applicable",
            f"{names} receives the data as a controller in its own right: a breach in its "
            f"hands is its own to notify, not {controller}'s (Art 33 and 34 bind the "
            "controller whose breach it is). Ask it what happened; the people affected may "
            "still need help.",
        )
    if any(d.kind in (None, "unspecified") for d in breached):
        return (
            "assess",
            f"The record does not say whether {names} processes the data for {controller} or "
            f"as a controller in its own right. If it is {controller}'s processor, a breach "
            f"there is {controller}'s breach and this duty applies; if it is a controller, the "
            "breach is its own to notify.",
        )
    return None


def breach_duties(
    impact: Scope,
    regime: Regime | None,
    day: dt.date,
    aware_at: dt.datetime | None,
    telecoms: bool | None,
    destinations: list[Destination],
    processor_for: list[str],
) -> list[Duty]:
    controller = str(impact.controller.get("controller") or "the controller")
    own = [a for a in impact.activities if a.role != "processor"]
    for_others = [a for a in impact.activities if a.role == "processor"]
    sensitive = [c for c in impact.categories if c.sensitive]
    gate = _recipient_gate(controller, destinations) if own else None
    duties: list[Duty] = []
    country = impact.controller.get("country")
    for entry in duties_in_force(regime, day, country):
        trigger = entry.extra("trigger")
        if gate is not None and trigger in ("controller", "high_risk"):
            status, why = gate
            if trigger == "high_risk" and status == "assess" and sensitive:
                why += (
                    " Special-category or criminal-offence data is affected: if the duty is "
                    f"{controller}'s, the individuals are likely to need telling."
                )
            clock = aware_at if status != "not applicable" else None
            duties.append(_duty(entry, status, why, clock))
        elif gate is not None and gate[0] == "not applicable" and trigger != "processor":
            continue  # the telecoms duties are the recipient's too
        elif trigger == "controller":
            if own:
                why = (
                    f"{controller} is the controller of {len(own)} affected activit"
                    f"{'y' if len(own) == 1 else 'ies'}; notify unless the breach is unlikely "
                    "to result in a risk to people's rights and freedoms."
                )
                duties.append(_duty(entry, "applies", why, aware_at))
            else:
                why = (
                    f"{controller} processes the affected data only as a processor: the "
                    "controllers it works for decide whether to notify."
                )
                duties.append(_duty(entry, "not applicable", why, aware_at))
        elif trigger == "high_risk":
            if not own:
                continue
            if sensitive:
                names = "; ".join(c.label() for c in sensitive)
                why = (
                    f"Special-category or criminal-offence data is affected ({names}): a breach "
                    "of it is likely to be high risk, so the individuals must be told unless an "
                    "exemption applies."
                )
                duties.append(_duty(entry, "likely", why, aware_at))
            else:
                why = (
                    "Individuals must be told where the breach is likely to result in a high "
                    "risk to them. No special-category or criminal-offence data is affected; "
                    "whether the risk is high depends on the breach: assess it."
                )
                duties.append(_duty(entry, "assess", why, aware_at))
        elif trigger == "processor":
            if for_others:
                who = ", ".join(processor_for) or "the controllers named in your contracts"
                why = (
                    f"{controller} acts as processor for "
                    + ", ".join(a.name for a in for_others)
                    + f": it must tell {who}."
                )
                duties.append(_duty(entry, "applies", why, aware_at, notify=who))
            breached_processors = [
                d
                for d in destinations
                if d.relation == "breached" and d.kind == "processor" and own
            ]
            for d in breached_processors:
                why = (
                    f"{d.recipient} is {controller}'s processor: it must tell {controller} "
                    f"without undue delay; {controller}'s own deadline runs from when it became "
                    "aware."
                )
                duties.append(
                    _duty(entry, "applies to the processor", why, None, notify=controller)
                )
        elif trigger in ("pecs_provider", "pecs_subscriber"):
            stated = impact.controller.get("publicEcsProvider")
            if telecoms is False or not own or (telecoms is None and stated is False):
                continue  # not a provider, or the breach has nothing to do with the service
            condition = (
                "the breach is in connection with a public electronic communications service "
                f"{controller} provides"
            )
            if trigger == "pecs_subscriber":
                condition += ", and it is likely to adversely affect subscribers' or users' data"
            if telecoms:
                status, why = "applies", f"Applies: {condition}."
            elif stated:
                ref = impact.controller.get("pecrRef")
                status = "if applicable"
                why = (
                    f"The record says {controller} provides a public electronic communications "
                    f"service{f' ({ref})' if ref else ''}. This applies only if {condition} "
                    "(say so with --telecoms-provider); then it takes the place of the UK GDPR "
                    "notification for this breach."
                )
            else:
                status = "if applicable"
                why = (
                    f"Applies only if {condition}. The record does not say whether {controller} "
                    "provides such a service (say so with --telecoms-provider)."
                )
            duties.append(_duty(entry, status, why, aware_at))
    return duties


# --------------------------------------------------------------------------- the breach form


def breach_form(impact: Scope) -> list[dict[str, str]]:
    """The regulator's questions (Art 33(3)), answered from the record where it can."""
    c = impact.controller
    dpo = ", ".join(
        str(v)
        for v in (c.get("dpoName"), c.get("dpoRole"), c.get("dpoEmail"), c.get("dpoPhone"))
        if v
    )
    contact = ", ".join(str(v) for v in (c.get("email"), c.get("phone"), c.get("address")) if v)
    consequences = breach_entry("likely_consequences")
    lines = [f"In general: {consequences.extra('general')}."]
    if any(cat.special for cat in impact.categories):
        lines.append(f"Special category data: {consequences.extra('special')}.")
    if any(cat.criminal_offence for cat in impact.categories):
        lines.append(f"Criminal-offence data: {consequences.extra('criminal')}.")
    measures = "; ".join(str(m["measure"]) for m in impact.measures)
    return [
        {"question": "Controller", "answer": f"{c.get('controller', '')} ({c.get('country', '')})"},
        {
            "question": "DPO or other contact point",
            "answer": dpo or contact or "not recorded",
        },
        {
            "question": "Categories of data subjects",
            "answer": "; ".join(str(s["name"]) for s in impact.subjects) or "not recorded",
        },
        {
            "question": "Approximate number of data subjects",
            "answer": "not recorded in the record of processing: count them",
        },
        {
            "question": "Categories of personal data",
            "answer": "; ".join(cat.label() for cat in impact.categories) or "not recorded",
        },
        {
            "question": "Approximate number of personal data records",
            "answer": "not recorded in the record of processing: count them",
        },
        {
            "question": f"Likely consequences ({consequences.article})",
            "answer": " ".join(lines),
        },
        {
            "question": "Measures in place (the record's own; add what was done since)",
            "answer": measures or "none recorded",
        },
    ]
