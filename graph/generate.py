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

import contextlib
import gc
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from graph.atomic import atomic_directory, atomic_write_text
from graph.model import (
    Art9Condition,
    LawfulBasisId,
    MeasureKind,
    ProcedureKind,
    RecipientKind,
    SourceKind,
    SpecialCategory,
    TransferMechanismId,
)

try:  # the C emitter is an optional part of PyYAML wheels; both give the same text here
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

DEFAULT_PER_FILE = 10_000
"""Activities per file when a record is written as a folder: small enough to open in an editor."""

CONTROLLER_COUNTRY = "GB"

# --------------------------------------------------------------------------- vocabularies
# fmt: off
# (Kept compact by hand: one vocabulary per few lines reads better than one word per line.)

_FUNCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Human resources", ("manage employment contracts", "run payroll", "handle sickness absence",
                         "recruit staff", "run performance reviews", "administer pensions")),
    ("Finance", ("invoice customers", "collect payments", "pay suppliers", "prevent fraud",
                 "prepare statutory accounts", "recover debts")),
    ("Marketing", ("send newsletters", "run promotional campaigns", "measure campaign reach",
                   "segment audiences", "manage event registrations")),
    ("Sales", ("qualify leads", "manage customer accounts", "prepare quotations",
               "track opportunities")),
    ("Customer service", ("answer enquiries", "handle complaints", "record support calls",
                          "process returns")),
    ("IT", ("administer user accounts", "monitor networks", "back up systems",
            "investigate security incidents")),
    ("Legal", ("manage litigation", "respond to regulators", "review contracts",
               "handle rights requests")),
    ("Procurement", ("onboard suppliers", "assess supplier risk", "manage tenders")),
    ("Logistics", ("deliver orders", "plan routes", "track shipments")),
    ("Health and safety", ("record accidents", "manage occupational health referrals",
                           "run site inductions")),
    ("Research", ("run customer surveys", "analyse product usage", "conduct user testing")),
    ("Product", ("personalise the service", "operate loyalty schemes", "provide the mobile app")),
    ("Facilities", ("manage building access", "operate CCTV", "book meeting rooms")),
    ("Compliance", ("screen against sanctions lists", "run anti-money-laundering checks",
                    "keep whistleblowing reports")),
)

_REGIONS = ("UK North", "UK South", "Ireland", "DACH", "Benelux", "Nordics", "Iberia", "Central",
            "Americas", "APAC")

# 45 ordinary category bases x 4 audiences = 180; 8 special x 2 = 16; 2 criminal x 2 = 4: 200.
_ORDINARY = (
    "Full name", "Email address", "Postal address", "Phone number", "Date of birth",
    "Bank details", "Payment card details", "Purchase history", "Account credentials",
    "IP address", "Device identifiers", "Cookie identifiers", "Location data",
    "Call recordings", "Photographs", "Job title", "Employment history", "Salary details",
    "Tax identifiers", "National insurance number", "Passport details", "Driving licence details",
    "Marital status", "Next of kin", "Education history", "Training records",
    "Performance ratings", "Disciplinary records", "Absence records", "Pension details",
    "Benefits selections", "Vehicle details", "Credit score", "Income details",
    "Marketing preferences", "Survey responses", "Support tickets", "Chat transcripts",
    "Website usage", "App usage", "Social media handles", "Signature", "Gender",
    "Nationality", "Loyalty points",
)
_AUDIENCES = ("customers", "employees", "prospects", "supplier contacts")
_SPECIAL: tuple[tuple[str, SpecialCategory], ...] = (
    ("Health records", SpecialCategory.health),
    ("Biometric templates", SpecialCategory.biometric),
    ("Genetic test results", SpecialCategory.genetic),
    ("Trade union membership", SpecialCategory.trade_union_membership),
    ("Ethnic origin (equality monitoring)", SpecialCategory.racial_ethnic_origin),
    ("Religious beliefs (dietary requirements)", SpecialCategory.religious_philosophical_beliefs),
    ("Sexual orientation (diversity survey)", SpecialCategory.sex_life_sexual_orientation),
    ("Political opinions (stakeholder contacts)", SpecialCategory.political_opinions),
)
_SPECIAL_AUDIENCES = ("employees", "customers")
_CRIMINAL = ("Criminal record checks", "Fraud allegations")

_SUBJECTS = (
    "Customers", "Prospective customers", "Employees", "Former employees", "Job applicants",
    "Contractors", "Website visitors", "App users", "Supplier contacts", "Business partners",
    "Shareholders", "Visitors to premises", "Newsletter subscribers", "Complainants",
    "Children using the service", "Patients", "Students", "Event attendees", "Next of kin",
    "Members of the public",
)
_SUBJECT_WEIGHTS = (30, 8, 25, 4, 6, 5, 10, 8, 6, 4, 1, 3, 5, 3, 1, 1, 1, 3, 2, 2)

_SOURCES: tuple[tuple[str, SourceKind], ...] = (
    ("From the individual directly", SourceKind.data_subject),
    ("Web forms", SourceKind.data_subject),
    ("Mobile app", SourceKind.data_subject),
    ("Generated by use of the service", SourceKind.generated_by_use),
    ("Website analytics", SourceKind.generated_by_use),
    ("Purchased marketing lists", SourceKind.purchased_from_third_party),
    ("Data brokers", SourceKind.purchased_from_third_party),
    ("Referral partners", SourceKind.third_party),
    ("Recruitment agencies", SourceKind.third_party),
    ("Previous employers (references)", SourceKind.third_party),
    ("Credit reference agencies", SourceKind.credit_reference_agency),
    ("Public registers", SourceKind.public_source),
    ("Social media (public profiles)", SourceKind.public_source),
    ("Business customers' uploads", SourceKind.customer),
    ("Legacy systems (origin not recorded)", SourceKind.unspecified),
)

_T, _O = MeasureKind.technical, MeasureKind.organisational
_MEASURES: tuple[tuple[str, MeasureKind | None], ...] = (
    ("Encryption at rest", _T), ("Encryption in transit (TLS)", _T),
    ("Multi-factor authentication", _T), ("Role-based access control", _T),
    ("Pseudonymisation", _T), ("Data loss prevention", _T), ("Endpoint protection", _T),
    ("Security logging and monitoring", _T), ("Vulnerability scanning", _T),
    ("Penetration testing", _T), ("Backups with restore tests", _T),
    ("Network segmentation", _T), ("Secure software development", _T),
    ("Key management service", _T), ("Database activity monitoring", _T),
    ("Staff data protection training", _O), ("Information security policy", _O),
    ("Access reviews", _O), ("Supplier due diligence", _O), ("Incident response plan", _O),
    ("Clear desk policy", _O), ("Confidentiality agreements", _O),
    ("Data retention schedule", _O), ("Privacy by design reviews", _O),
    ("Joiners, movers and leavers process", _O), ("Physical access control", _O),
    ("Business continuity plan", _O), ("Internal audit", _O),
    ("Vendor security questionnaires", None), ("Secure disposal of media", None),
)

_PERIODS = ("28 days", "30 days", "90 days", "6 months", "1 year", "2 years", "3 years",
            "6 years", "7 years", "10 years", "12 years", "25 years")
_CRITERIA = (
    "until the account is closed, then deleted within the period stated",
    "for the life of the contract plus the limitation period",
    "while the individual remains subscribed",
    "until the legal hold is lifted",
    "until the end of the tax year after the transaction",
)

_NAME_FIRST = ("Nor", "Ash", "Bright", "Clear", "Delta", "Ever", "Fair", "Green", "High", "Iron",
               "Key", "Lumen", "Meri", "North", "Oak", "Pine", "Quad", "River", "Silver", "Tri",
               "Uni", "Vale", "West", "Zen")
_NAME_SECOND = ("bridge", "field", "stone", "gate", "point", "wave", "line", "path", "works",
                "view", "mark", "core", "star", "side")
_NAME_TRADE = ("Analytics", "Payroll", "Cloud", "Logistics", "Mailing", "Payments", "Hosting",
               "Recruitment", "Legal", "Marketing", "Security", "Software", "Health", "Insurance",
               "Printing", "Telecoms", "Consulting", "Data")
_NAME_FORM = ("Ltd", "plc", "GmbH", "SAS", "BV", "Inc.", "LLC", "Pty Ltd", "AB", "S.p.A.")
_CATEGORY_ONLY = ("Debt collection agencies", "Professional advisers", "Insurers",
                  "Law enforcement agencies", "Courier companies", "Auditors")
_SYSTEM_KINDS = ("CRM", "HR platform", "Data warehouse", "Ticketing tool", "Payroll engine",
                 "Email service", "File share", "ERP", "Analytics suite", "Mobile backend",
                 "Call recorder", "Access control system", "Learning platform", "Billing system")

# Destination profiles are sampling weights for a plausible UK group, not legal statements:
# "domestic" recipients need no transfer, "near" ones are mostly stated under adequacy, "far"
# ones under a mix of tools, including some a findings rule should flag.
_COUNTRIES: tuple[tuple[str, int, str], ...] = (
    ("GB", 360, "domestic"),
    ("IE", 50, "near"), ("DE", 45, "near"), ("FR", 35, "near"), ("NL", 35, "near"),
    ("ES", 20, "near"), ("IT", 18, "near"), ("SE", 12, "near"), ("PL", 14, "near"),
    ("BE", 10, "near"), ("DK", 8, "near"), ("FI", 6, "near"), ("AT", 6, "near"),
    ("PT", 8, "near"), ("CZ", 6, "near"), ("CH", 10, "near"), ("NO", 6, "near"),
    ("US", 150, "far"), ("CA", 15, "far"), ("JP", 8, "far"), ("KR", 5, "far"),
    ("IN", 40, "far"), ("PH", 15, "far"), ("SG", 10, "far"), ("AU", 12, "far"),
    ("NZ", 4, "far"), ("BR", 8, "far"), ("ZA", 8, "far"), ("MX", 5, "far"),
    ("CN", 6, "far"), ("AE", 6, "far"), ("IL", 5, "far"),
)

_M = TransferMechanismId
_NEAR_MECHANISMS: tuple[tuple[TransferMechanismId, int], ...] = (
    (_M.adequacy, 85), (_M.eu_scc, 5), (_M.uk_addendum, 3), (_M.not_stated, 7),
)
_FAR_MECHANISMS: tuple[tuple[TransferMechanismId, int], ...] = (
    (_M.idta, 22), (_M.uk_addendum, 20), (_M.eu_scc, 8), (_M.bcr, 8), (_M.art49_derogation, 3),
    (_M.not_stated, 14), (_M.legacy_eu_scc, 8), (_M.adequacy, 4),
)
_US_MECHANISMS: tuple[tuple[TransferMechanismId, int], ...] = (
    (_M.uk_extension_dpf, 30), (_M.idta, 15), (_M.uk_addendum, 15), (_M.eu_scc, 5),
    (_M.bcr, 5), (_M.not_stated, 10), (_M.privacy_shield, 12), (_M.legacy_eu_scc, 5),
    (_M.safe_harbour, 2), (_M.eu_us_dpf, 1),
)

_B = LawfulBasisId
_BASES: tuple[tuple[LawfulBasisId, int], ...] = (
    (_B.contract, 30), (_B.legitimate_interests, 25), (_B.legal_obligation, 20),
    (_B.consent, 15), (_B.public_task, 2), (_B.vital_interests, 2),
    (_B.recognised_legitimate_interest, 3),
)
_C = Art9Condition
_CONDITIONS: tuple[tuple[Art9Condition, int], ...] = (
    (_C.explicit_consent, 25), (_C.employment_social_security, 30), (_C.health_social_care, 12),
    (_C.legal_claims, 8), (_C.substantial_public_interest, 10), (_C.vital_interests, 3),
    (_C.archiving_research_statistics, 5), (_C.public_health, 3),
    (_C.made_public_by_data_subject, 2), (_C.not_for_profit_body, 2),
)
_K = RecipientKind
_KINDS: tuple[tuple[RecipientKind, int], ...] = (
    (_K.processor, 58), (_K.sub_processor, 6), (_K.controller, 18), (_K.joint_controller, 3),
    (_K.public_authority, 6), (_K.unspecified, 9),
)
# fmt: on

# How often the record has the gaps real records have (probabilities).
P_SPECIAL_WITHOUT_CONDITION = 0.2
P_CRIMINAL_WITHOUT_BASIS = 0.3
P_CONSENT_WITHOUT_WITHDRAWAL = 0.1
P_LI_WITHOUT_LIA = 0.2
P_PROCESSOR_WITHOUT_CONTRACT = 0.15
OUTDATED_TRANSFER_EVERY = 8
"""Among recipients abroad, roughly one in this many (far away) states a mechanism from the
past (Privacy Shield, the old SCCs) on top of those the weights pick."""


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


# --------------------------------------------------------------------------- writing


def _header(activities: int, seed: int) -> str:
    return (
        f"# Synthetic record: ropagraph generate --activities {activities} --seed {seed}\n"
        "# Generated data for benchmarks and demos (graph/generate.py); not a real organisation.\n"
    )


class _RecordDumper(_Dumper):
    """Block style for elements, inline for lists of ids: how people write records by hand."""

    def ignore_aliases(self, data: Any) -> bool:
        # Never anchors: the loader takes its slow, node-counting path for files with anchors.
        return True


def _represent_list(dumper: _RecordDumper, items: list[Any]) -> yaml.Node:
    inline = all(isinstance(item, str | int | float | bool) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=inline)


def _represent_dict(dumper: _RecordDumper, mapping: dict[Any, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping.items(), flow_style=False)


_RecordDumper.add_representer(list, _represent_list)
_RecordDumper.add_representer(dict, _represent_dict)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Emitting YAML allocates millions of short-lived objects and no reference cycles, yet each
    burst triggers the cyclic collector over the whole record: a third of the dump time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def dump_yaml(content: dict[str, Any]) -> str:
    """YAML text for part of a record, keys in authoring order."""
    with _cyclic_gc_paused():
        text: str = yaml.dump(
            content, Dumper=_RecordDumper, sort_keys=False, allow_unicode=True, width=100
        )
    return text


def record_files(data: dict[str, Any], per_file: int = DEFAULT_PER_FILE) -> dict[str, str]:
    """File name -> YAML text for a record written as a folder (activities in chunks)."""
    if per_file < 1:
        raise ValueError("per_file must be at least 1")
    activities = len(data["activities"])
    seed_note = _header(activities, _seed_of(data))
    groups = {
        "record.yaml": ("record", "controller", "procedures"),
        "categories.yaml": ("data_categories", "data_subjects", "sources"),
        "recipients.yaml": ("recipients",),
        "systems.yaml": ("systems", "security_measures", "retention_rules"),
    }
    files = {
        name: seed_note + dump_yaml({key: data[key] for key in keys})
        for name, keys in groups.items()
    }
    chunks = range(0, activities, per_file)
    width = max(3, len(str(len(chunks))))
    for number, start in enumerate(chunks, 1):
        chunk = data["activities"][start : start + per_file]
        files[f"activities-{number:0{width}d}.yaml"] = seed_note + dump_yaml({"activities": chunk})
    return files


def single_file(data: dict[str, Any]) -> str:
    """The whole record as one YAML text."""
    return _header(len(data["activities"]), _seed_of(data)) + dump_yaml(data)


def _seed_of(data: dict[str, Any]) -> int:
    return int(str(data["record"]["version"]).removeprefix("seed-"))


def is_single_file(out: Path) -> bool:
    """A path ending in .yaml/.yml is written as one file; anything else as a folder."""
    return out.suffix.lower() in (".yaml", ".yml")


def write_generated(
    data: dict[str, Any], out: Path, per_file: int = DEFAULT_PER_FILE
) -> list[Path]:
    """Write the record to ``out`` atomically: one file, or a folder replaced as a whole."""
    if is_single_file(out):
        atomic_write_text(out, single_file(data))
        return [out]
    files = record_files(data, per_file)
    with atomic_directory(out) as folder:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]
