"""What an activity adds to the graph — its node's properties and its relationships — as data,
so the two sinks of :func:`graph.build.emit` read one description: networkx one activity at a
time (:func:`emit_activity`), the table sink column by column over all activities at once
(:mod:`graph.tables`; at 100,000 activities that is 1.6 M relationships without a Python call
each).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter as _get
from typing import Any

from graph.model import Activity
from graph.sink import Sink, node_key


@dataclass(frozen=True)
class ActivityLinks:
    """One relationship type of an activity: ``items`` gives the linked things in order,
    ``target`` the id of each (None: the item is the id), ``props`` each relationship property
    from (activity, item). ``inbound``: the relationship points at the activity (SUPPLIES)."""

    rel: str
    label: str
    items: Callable[[Activity], list[Any]]
    target: Callable[[Any], str] | None = None
    props: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    inbound: bool = False
    by_activity: dict[str, Callable[[Activity, Any], Any]] = field(default_factory=dict)
    """Properties that need the activity too (``props`` read the item alone)."""

    def values(self, act: Activity, item: Any) -> dict[str, Any]:
        """The relationship's properties for one item."""
        out = {name: get(item) for name, get in self.props.items()}
        out.update({name: get(act, item) for name, get in self.by_activity.items()})
        return {name: out[name] for name in self.names}

    @property
    def names(self) -> list[str]:
        """Property names in the order they are written (``props`` and ``by_activity``)."""
        return list(self.order) if self.order else [*self.props, *self.by_activity]

    order: tuple[str, ...] = ()


def _disclosed(act: Activity, disclosure: Any) -> list[str]:
    cats = disclosure.data_categories
    return sorted(act.data_categories if cats is None else cats)


ACTIVITY_LINKS: tuple[ActivityLinks, ...] = (
    ActivityLinks("ON_BEHALF_OF", "ServedController", _get("on_behalf_of")),
    ActivityLinks("PROCESSES", "DataCategory", _get("data_categories")),
    ActivityLinks("CONCERNS", "DataSubject", _get("data_subjects")),
    ActivityLinks("SUPPLIES", "Source", _get("sources"), inbound=True),
    ActivityLinks(
        "RELIES_ON",
        "LawfulBasis",
        _get("lawful_bases"),
        _get("basis.value"),
        {
            "legitimateInterest": _get("legitimate_interest"),
            "liaRef": _get("lia_ref"),
            "vague": lambda c: True if c.vague else None,
            "establishedBy": _get("established_by"),
            "ref": _get("ref"),
            "note": _get("note"),
        },
    ),
    ActivityLinks(
        "MEETS_CONDITION",
        "SpecialCategoryCondition",
        _get("special_category_conditions"),
        _get("condition.value"),
        {"dpaSchedule1": _get("dpa_schedule1"), "ref": _get("ref"), "note": _get("note")},
    ),
    ActivityLinks(
        "DISCLOSES_TO",
        "Recipient",
        _get("recipients"),
        _get("recipient"),
        {"purpose": _get("purpose"), "ref": _get("ref"), "note": _get("note")},
        by_activity={"dataCategories": _disclosed},
        order=("dataCategories", "purpose", "ref", "note"),
    ),
    ActivityLinks("USES", "System", _get("systems")),
    ActivityLinks("SETS", "Cookie", _get("cookies"), _get("id")),
    ActivityLinks("PROTECTED_BY", "SecurityMeasure", _get("security_measures")),
    ActivityLinks("RETAINED_UNDER", "RetentionRule", _get("retention")),
)
"""In the order the builder has always added them (networkx keeps insertion order)."""


def activity_props(act: Activity) -> dict[str, Any]:
    """The Activity node's properties (besides id and name)."""
    marketing, children, withdrawal = act.marketing, act.children, act.consent_withdrawal
    dpia, criminal = act.dpia, act.criminal_offence_basis
    return {
        "description": act.description,
        "businessFunction": act.business_function,
        "role": act.role.value,
        "purposes": list(act.purposes) or None,  # an empty list is no value, as None
        "directMarketing": act.direct_marketing,
        "marketingChannels": [c.value for c in marketing.channels] or None if marketing else None,
        "marketingAudience": (
            marketing.audience.value if marketing and marketing.audience else None
        ),
        "softOptIn": marketing.soft_opt_in if marketing else None,
        "tpsScreened": marketing.tps_screened if marketing else None,
        "marketingRef": marketing.ref if marketing else None,
        "childOnlineService": children.online_service_for_children if children else None,
        "automatedDecisionMaking": act.automated_decision_making,
        "childConsentAge": children.consent_age if children else None,
        "childRuleRef": children.ref if children else None,
        "consentWithdrawal": withdrawal.mechanism if withdrawal else None,
        "consentWithdrawalRef": withdrawal.ref if withdrawal else None,
        "dpiaRequired": dpia.required if dpia else None,
        "dpiaStatus": dpia.status if dpia else None,
        "dpiaReference": dpia.reference if dpia else None,
        "criminalOffenceBasis": criminal.authority if criminal else None,
        "criminalOffenceSchedule1": criminal.dpa_schedule1 if criminal else None,
        "criminalOffenceRef": criminal.ref if criminal else None,
        "ref": act.ref,
        "note": act.note,
    }


def emit_cookies(b: Sink, act: Activity) -> None:
    """The Cookie nodes an activity defines; the first definition of an id wins."""
    for cookie in act.cookies:
        if not b.contains(node_key("Cookie", cookie.id)):
            b.node(
                "Cookie",
                cookie.id,
                cookie.name,
                description=cookie.description,
                purpose=cookie.purpose.value,
                provider=cookie.provider,
                consent=cookie.consent,
                exemption=cookie.exemption.value if cookie.exemption else None,
                information=cookie.information,
                objection=cookie.objection,
                ref=cookie.ref,
                note=cookie.note,
            )


def emit_activity(b: Sink, act: Activity, controller: str) -> None:
    """One activity, one relationship at a time (networkx; and the tables' fallback)."""
    key = b.node("Activity", act.id, act.name, **activity_props(act))
    b.edge("PERFORMS", controller, key)
    for spec in ACTIVITY_LINKS:
        if spec.rel == "SETS":
            emit_cookies(b, act)
        for item in spec.items(act):
            other = node_key(spec.label, spec.target(item) if spec.target else item)
            if spec.inbound:
                b.edge(spec.rel, other, key)
            else:
                b.edge(spec.rel, key, other, **spec.values(act, item))
