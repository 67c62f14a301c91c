"""Seeded synthetic records of processing, from a handful of activities to a group-wide 100k.

Benchmarks, demos and load tests need records far bigger than any sample we can publish, with the
shape of a real organisation's: a long tail of data categories used by few activities and a head
used by most, a few special-category and criminal-offence categories, recipients spread over
thirty-odd countries, and the gaps real records have (special-category processing without an
Art 9 condition, consent without a withdrawal route, transfers stated under mechanisms that are
no longer valid). Findings need something to find, so the gaps are deliberate and proportionate.

The same ``(activities, seed)`` always gives the same record, and the same files byte for byte:
every choice comes from one ``random.Random(seed)`` consumed in a fixed order, collections are
lists (never sets, whose order depends on the process' hash seed), and nothing time-dependent is
written. The mechanisms the synthetic organisation *states* are sampling choices made to look
like real records, right or wrong; whether they are valid is judged by the findings rules from
data/reference/, never here.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from graph.model import (
    LawfulBasisId,
    ProcedureKind,
    RecipientKind,
    TransferMechanismId,
)
from graph.synthetic.vocabulary import (
    _AUDIENCES,
    _BASES,
    _CATEGORY_ONLY,
    _CONDITIONS,
    _COUNTRIES,
    _CRIMINAL,
    _CRITERIA,
    _FAR_MECHANISMS,
    _FUNCTIONS,
    _KINDS,
    _M,
    _MEASURES,
    _NAME_FIRST,
    _NAME_FORM,
    _NAME_SECOND,
    _NAME_TRADE,
    _NEAR_MECHANISMS,
    _ORDINARY,
    _PERIODS,
    _REGIONS,
    _SOURCES,
    _SPECIAL,
    _SPECIAL_AUDIENCES,
    _SUBJECT_WEIGHTS,
    _SUBJECTS,
    _SYSTEM_KINDS,
    _US_MECHANISMS,
    CONTROLLER_COUNTRY,
    OUTDATED_TRANSFER_EVERY,
    P_CONSENT_WITHOUT_WITHDRAWAL,
    P_CRIMINAL_WITHOUT_BASIS,
    P_LI_WITHOUT_LIA,
    P_PROCESSOR_WITHOUT_CONTRACT,
    P_SPECIAL_WITHOUT_CONDITION,
)

# --------------------------------------------------------------------------- sampling helpers


class _Weighted:
    """A population with cumulative weights, so each draw costs one bisect, not a sum."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items: list[Any] = list(items)
        self.cum = list(accumulate(weights))

    def one(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cum, k=1)[0]

    def distinct(self, rng: random.Random, k: int) -> list[Any]:
        """``k`` different items (fewer if the population is smaller), in draw order."""
        k = min(k, len(self.items))
        picked: list[Any] = []
        while len(picked) < k:
            for item in rng.choices(self.items, cum_weights=self.cum, k=k - len(picked)):
                if item not in picked:  # k <= 8: a list scan beats hashing
                    picked.append(item)
        return picked


def _zipf(n: int, offset: float = 4.0) -> list[float]:
    """Weights where a few items are used everywhere and most by a handful (rank-frequency)."""
    return [1.0 / (rank + offset) for rank in range(n)]


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def _pairs(pairs: Sequence[tuple[Any, int]]) -> _Weighted:
    return _Weighted([p[0] for p in pairs], [p[1] for p in pairs])


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class _Category:
    id: str
    special: bool
    criminal: bool


def _data_categories(rng: random.Random) -> tuple[list[dict[str, Any]], list[_Category]]:
    elements: list[dict[str, Any]] = []
    index: list[_Category] = []
    for base in _ORDINARY:
        for audience in _AUDIENCES:
            cat_id = _slug(f"{base} {audience}")
            elements.append({"id": cat_id, "name": f"{base} ({audience})", "ref": _ref("data")})
            index.append(_Category(cat_id, False, False))
    for base, special in _SPECIAL:
        for audience in _SPECIAL_AUDIENCES:
            cat_id = _slug(f"{base} {audience}")
            elements.append(
                {
                    "id": cat_id,
                    "name": f"{base} ({audience})",
                    "special_category": special.value,
                    "ref": _ref("data"),
                }
            )
            index.append(_Category(cat_id, True, False))
    for base in _CRIMINAL:
        for audience in _SPECIAL_AUDIENCES:
            cat_id = _slug(f"{base} {audience}")
            elements.append(
                {
                    "id": cat_id,
                    "name": f"{base} ({audience})",
                    "criminal_offence": True,
                    "ref": _ref("data"),
                }
            )
            index.append(_Category(cat_id, False, True))
    # Shuffle once so the popular head mixes audiences; the seed fixes the order.
    order = list(range(len(elements)))
    rng.shuffle(order)
    return [elements[i] for i in order], [index[i] for i in order]


def _category_weights(categories: list[_Category]) -> list[float]:
    """Ordinary categories follow a Zipf head; special and criminal ones are rare."""
    ordinary_rank = 0
    weights = []
    for cat in categories:
        if cat.special:
            weights.append(0.004)
        elif cat.criminal:
            weights.append(0.003)
        else:
            weights.append(1.0 / (ordinary_rank + 4.0))
            ordinary_rank += 1
    return weights


def _ref(section: str) -> str:
    return f"synthetic-ropa §{section}"


def _company(rng: random.Random) -> str:
    return (
        f"{rng.choice(_NAME_FIRST)}{rng.choice(_NAME_SECOND)} "
        f"{rng.choice(_NAME_TRADE)} {rng.choice(_NAME_FORM)}"
    )


def _recipients(rng: random.Random, count: int) -> list[dict[str, Any]]:
    width = len(str(count))
    countries = _Weighted([c for c in _COUNTRIES], [c[1] for c in _COUNTRIES])
    kinds = _pairs(_KINDS)
    near, far, us = _pairs(_NEAR_MECHANISMS), _pairs(_FAR_MECHANISMS), _pairs(_US_MECHANISMS)
    recipients: list[dict[str, Any]] = []
    abroad = 0
    for i in range(count):
        rid = f"rcp-{i + 1:0{width}d}"
        kind: RecipientKind = kinds.one(rng)
        if kind is RecipientKind.unspecified and rng.random() < 0.5:
            recipients.append(
                {
                    "id": rid,
                    "name": f"{rng.choice(_CATEGORY_ONLY)} (group {i + 1})",
                    "kind": kind.value,
                    "category_only": True,
                    "ref": _ref("recipients"),
                    "note": "The record names only a category of recipient.",
                }
            )
            continue
        code, _, profile = countries.one(rng)
        element: dict[str, Any] = {
            "id": rid,
            "name": _company(rng),
            "kind": kind.value,
            "country": code,
        }
        if (
            kind in (RecipientKind.processor, RecipientKind.sub_processor)
            and rng.random() >= P_PROCESSOR_WITHOUT_CONTRACT
        ):
            element["contract_ref"] = f"DPA-{rng.randint(2018, 2025)}-{rng.randint(1, 999):03d}"
        if profile != "domestic":
            abroad += 1
            table = us if code == "US" else (near if profile == "near" else far)
            mechanism: TransferMechanismId = table.one(rng)
            if abroad % OUTDATED_TRANSFER_EVERY == 3 and profile == "far":
                # A steady share of outdated statements, so even small records have some.
                mechanism = _M.privacy_shield if code == "US" else _M.legacy_eu_scc
            transfer: dict[str, Any] = {"mechanism": mechanism.value}
            if mechanism in (TransferMechanismId.uk_extension_dpf, TransferMechanismId.eu_us_dpf):
                transfer["certified"] = rng.random() < 0.8
            if mechanism is TransferMechanismId.art49_derogation:
                transfer["derogation"] = "explicit consent of the data subject"
            if rng.random() < 0.3:
                transfer["stated_as"] = f"{mechanism.value.replace('_', ' ')} (as per contract)"
            element["transfers"] = [transfer]
        element["ref"] = _ref("recipients")
        recipients.append(element)
    # A few processors name sub-processors among the other processors.
    processors = [r for r in recipients if r["kind"] in ("processor", "sub_processor")]
    for recipient in processors:
        if rng.random() < 0.1 and len(processors) > 2:
            subs = [s["id"] for s in rng.sample(processors, 2) if s["id"] != recipient["id"]]
            if subs:
                recipient["sub_processors"] = subs
    return recipients


def _retention_rules(rng: random.Random) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for i, period in enumerate(_PERIODS):
        rules.append(
            {
                "id": f"keep-{_slug(period)}",
                "name": f"Keep for {period}",
                "period": period,
                "ref": _ref("retention"),
            }
        )
        if i % 3 == 0:
            rules.append(
                {
                    "id": f"keep-{_slug(period)}-after-closure",
                    "name": f"Keep for {period} after account closure",
                    "period": period,
                    "criteria": f"{period} after the account is closed",
                    "ref": _ref("retention"),
                }
            )
    for i, criteria in enumerate(_CRITERIA):
        rules.append(
            {
                "id": f"criteria-{i + 1}",
                "name": criteria.capitalize(),
                "criteria": criteria,
                "ref": _ref("retention"),
            }
        )
    for i in range(6):
        rules.append(
            {
                "id": f"vague-{i + 1}",
                "name": "As long as necessary",
                "criteria": "for as long as necessary for the purposes",
                "vague": True,
                "ref": _ref("retention"),
                "note": "No period or applicable criteria stated.",
            }
        )
    rng.shuffle(rules)
    return rules


def _procedures() -> list[dict[str, Any]]:
    """One procedure per kind; timescales are what this synthetic organisation says it does."""
    out: list[dict[str, Any]] = []
    for kind in ProcedureKind:
        element: dict[str, Any] = {
            "id": _slug(kind.value),
            "name": kind.value.replace("_", " ").capitalize(),
            "kind": kind.value,
            "channel": "privacy portal or email to the privacy team",
            "ref": _ref("rights"),
        }
        if kind is ProcedureKind.subject_access:
            element["timescale"] = {"days": 30, "stated_as": "within 30 days"}
        elif kind is ProcedureKind.breach_notification:
            element["timescale"] = {"hours": 72, "stated_as": "within 72 hours"}
        out.append(element)
    return out


def generate_record(activities: int, seed: int = 0) -> dict[str, Any]:
    """A valid record (plain data, ready to dump as YAML) with ``activities`` activities.

    Recipients number about one per twenty activities and systems one per twenty-five, so the
    graph grows like a real group's record rather than as a fixed star.
    """
    if activities < 1:
        raise ValueError("a record needs at least one activity")
    rng = random.Random(seed)
    categories, cat_index = _data_categories(rng)
    cat_weights = _Weighted(list(range(len(cat_index))), _category_weights(cat_index))

    subjects = [{"id": _slug(name), "name": name, "ref": _ref("subjects")} for name in _SUBJECTS]
    subject_pick = _Weighted([s["id"] for s in subjects], _SUBJECT_WEIGHTS)

    sources: list[dict[str, Any]] = []
    cat_ids = [c.id for c in cat_index]
    for name, kind in _SOURCES:
        supplied = sorted(rng.sample(cat_ids, rng.randint(3, 12)))
        sources.append(
            {
                "id": _slug(name),
                "name": name,
                "kind": kind.value,
                "data_categories": supplied,
                "ref": _ref("sources"),
            }
        )
    source_pick = _Weighted([s["id"] for s in sources], _zipf(len(sources), 1.0))

    recipients = _recipients(rng, max(5, round(activities / 20)))
    recipient_pick = _Weighted([r["id"] for r in recipients], _zipf(len(recipients), 10.0))

    system_count = max(8, activities // 25)
    sys_width = len(str(system_count))
    countries = _Weighted([c[0] for c in _COUNTRIES], [c[1] for c in _COUNTRIES])
    systems: list[dict[str, Any]] = []
    for i in range(system_count):
        system: dict[str, Any] = {
            "id": f"sys-{i + 1:0{sys_width}d}",
            "name": f"{rng.choice(_SYSTEM_KINDS)} {i + 1}",
        }
        if rng.random() < 0.85:
            system["location"] = countries.one(rng)
        system["ref"] = _ref("systems")
        systems.append(system)
    system_pick = _Weighted([s["id"] for s in systems], _zipf(len(systems), 20.0))

    measures = [
        {
            "id": _slug(name),
            "name": name,
            **({"kind": kind.value} if kind else {}),
            "ref": _ref("security"),
        }
        for name, kind in _MEASURES
    ]
    measure_pick = _Weighted([m["id"] for m in measures], _zipf(len(measures), 3.0))

    rules = _retention_rules(rng)
    rule_pick = _Weighted([r["id"] for r in rules], _zipf(len(rules), 3.0))
    bases = _pairs(_BASES)
    conditions = _pairs(_CONDITIONS)

    width = len(str(activities))
    elements: list[dict[str, Any]] = []
    for i in range(activities):
        function, tasks = _FUNCTIONS[rng.randrange(len(_FUNCTIONS))]
        task = rng.choice(tasks)
        region = rng.choice(_REGIONS)
        picked = [cat_index[j] for j in cat_weights.distinct(rng, rng.randint(3, 8))]
        act: dict[str, Any] = {
            "id": f"act-{i + 1:0{width}d}",
            "name": f"{function}: {task} ({region})",
            "business_function": function,
        }
        if rng.random() < 0.1:
            act["role"] = "processor" if rng.random() < 0.7 else "joint_controller"
        act["purposes"] = [f"To {task} for the {region} business"]
        act["data_subjects"] = subject_pick.distinct(rng, 1 if rng.random() < 0.75 else 2)
        act["data_categories"] = [c.id for c in picked]
        n_sources = rng.choice((0, 1, 1, 1, 2))
        if n_sources:
            act["sources"] = source_pick.distinct(rng, n_sources)

        claims: list[Any] = []
        for basis in bases.distinct(rng, 1 if rng.random() < 0.6 else 2):
            if basis is LawfulBasisId.legitimate_interests:
                claim: dict[str, Any] = {
                    "basis": basis.value,
                    "legitimate_interest": f"efficiently {task}",
                }
                if rng.random() >= P_LI_WITHOUT_LIA:
                    claim["lia_ref"] = f"LIA-{i + 1:0{width}d}"
                claims.append(claim)
            else:
                claims.append(basis.value)
        act["lawful_bases"] = claims
        if any(c.special for c in picked) and rng.random() >= P_SPECIAL_WITHOUT_CONDITION:
            act["special_category_conditions"] = [conditions.one(rng).value]
        if any(c.criminal for c in picked) and rng.random() >= P_CRIMINAL_WITHOUT_BASIS:
            act["criminal_offence_basis"] = {
                "authority": "Authorised by law: vetting for regulated roles"
            }

        disclosures: list[Any] = []
        for recipient in recipient_pick.distinct(rng, rng.randint(1, 4)):
            if rng.random() < 0.4:
                subset = sorted(rng.sample(act["data_categories"], rng.randint(1, len(picked))))
                disclosures.append({"recipient": recipient, "data_categories": subset})
            else:
                disclosures.append(recipient)
        act["recipients"] = disclosures
        act["retention"] = rule_pick.distinct(rng, 1 if rng.random() < 0.85 else 2)
        n_systems = rng.choice((0, 1, 1, 1, 2, 2))
        if n_systems:
            act["systems"] = system_pick.distinct(rng, n_systems)
        n_measures = rng.choice((0, 1, 1, 2))
        if n_measures:
            act["security_measures"] = measure_pick.distinct(rng, n_measures)
        if (
            any(b == "consent" or (isinstance(b, dict) and b["basis"] == "consent") for b in claims)
            and rng.random() >= P_CONSENT_WITHOUT_WITHDRAWAL
        ):
            act["consent_withdrawal"] = {"mechanism": "unsubscribe link or privacy portal"}
        if any(c.special for c in picked) and rng.random() < 0.5:
            act["dpia"] = {
                "required": True,
                "status": rng.choice(("completed", "in progress")),
                "reference": f"DPIA-{i + 1:0{width}d}",
            }
        if function == "Marketing" and rng.random() < 0.6:
            act["direct_marketing"] = True
        if rng.random() < 0.03:
            act["automated_decision_making"] = "Automated scoring decides eligibility"
        if rng.random() < 0.02:
            act["children"] = {"consent_age": 13}
        act["ref"] = _ref(f"activities-{i + 1}")
        elements.append(act)

    return {
        "record": {
            "id": f"synthetic-{activities}-{seed}",
            "name": f"Synthetic group record ({activities} activities, seed {seed})",
            "version": f"seed-{seed}",
            "source_documents": ["synthetic-ropa"],
            "ref": _ref("1"),
            "note": "Generated by ropagraph generate: synthetic data, not a real organisation.",
        },
        "controller": {
            "id": "synthetic-group",
            "name": "Synthetic Group plc",
            "country": CONTROLLER_COUNTRY,
            "contact": {"email": "privacy@example.com", "website": "https://example.com"},
            "dpo": {"name": "Group DPO", "role": "Data Protection Officer"},
            "ref": _ref("1"),
        },
        "procedures": _procedures(),
        "data_categories": categories,
        "data_subjects": subjects,
        "sources": sources,
        "recipients": recipients,
        "systems": systems,
        "security_measures": measures,
        "retention_rules": rules,
        "activities": elements,
    }
