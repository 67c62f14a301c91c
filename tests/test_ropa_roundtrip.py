"""Record -> ICO xlsx -> import gives the same record, on every field the ICO layout carries."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import (
    Activity,
    ActivityRole,
    Art9Condition,
    BasisClaim,
    ConditionClaim,
    ConsentWithdrawal,
    Contact,
    Controller,
    CriminalOffenceBasis,
    DataCategory,
    DataSubject,
    Disclosure,
    Dpia,
    LawfulBasisId,
    Person,
    Recipient,
    RecipientKind,
    Record,
    RecordInfo,
    RetentionRule,
    SecurityMeasure,
    Source,
    SourceKind,
    System,
    Transfer,
    TransferMechanismId,
    check_references,
)
from graph.ropa import export_ropa_bytes
from loaders.ico import read_ico_xlsx
from loaders.ico.parse import same_name

DAY = dt.date(2026, 3, 1)
INTERESTS = (LawfulBasisId.legitimate_interests, LawfulBasisId.recognised_legitimate_interest)


def ico_view(record: Record) -> dict[str, Any]:
    """What the ICO layout (with ropagraph's Recipients and Provenance sheets) carries."""
    subjects = {x.id: x.name for x in record.data_subjects}
    categories = {x.id: x.name for x in record.data_categories}
    sources = {x.id: x.name for x in record.sources}
    measures = {x.id: x.name for x in record.security_measures}
    systems = {x.id: (x.name, x.location) for x in record.systems}
    retention = {x.id: (x.name, x.period, x.criteria) for x in record.retention_rules}
    recipients = {x.id: x.name for x in record.recipients}
    activities = []
    for a in record.activities:
        dpia = a.dpia
        dpia_view = (dpia.required, dpia.status, dpia.reference) if dpia else None
        criminal = a.criminal_offence_basis
        activities.append(
            {
                "id": a.id,
                "name": a.name,
                "role": a.role,
                "business_function": a.business_function,
                "purposes": a.purposes,
                "subjects": [subjects[x] for x in a.data_subjects],
                "categories": [categories[x] for x in a.data_categories],
                "sources": [sources[x] for x in a.sources],
                "measures": [measures[x] for x in a.security_measures],
                "systems": [systems[x] for x in a.systems],
                "retention": [retention[x] for x in a.retention],
                "recipients": [recipients[d.recipient] for d in a.recipients],
                "bases": [(c.basis, c.legitimate_interest, c.lia_ref) for c in a.lawful_bases],
                "conditions": [
                    (c.condition, c.dpa_schedule1) for c in a.special_category_conditions
                ],
                "criminal": (criminal.authority, criminal.dpa_schedule1) if criminal else None,
                "dpia": None if dpia_view in (None, (None, None, None)) else dpia_view,
                "adm": a.automated_decision_making,
                "withdrawal": a.consent_withdrawal.mechanism if a.consent_withdrawal else None,
            }
        )
    c = record.controller

    def contact(x: Contact | None) -> tuple[str | None, ...] | None:
        values = (x.address, x.email, x.phone, x.website) if x else (None,) * 4
        return None if values == (None,) * 4 else values

    def person(p: Person | None) -> tuple[Any, ...] | None:
        return (p.name, contact(p.contact)) if p else None

    return {
        "controller": (c.name, c.country, contact(c.contact)),
        "dpo": person(c.dpo),
        "representative": person(c.representative),
        "activities": activities,
        "recipients": [
            (
                r.name,
                r.kind,
                r.category_only,
                r.country,
                r.contract_ref,
                [
                    (t.mechanism, t.country, t.stated_as, t.certified, t.derogation)
                    for t in r.transfers
                ],
            )
            for r in record.recipients
        ],
    }


def roundtrip(record: Record, folder: Path) -> Record:
    path = folder / "ropa.xlsx"
    path.write_bytes(export_ropa_bytes(record, "xlsx", generated=DAY))
    return read_ico_xlsx(path)


def test_kynex_round_trips(kynex_record: Record, tmp_path: Path) -> None:
    imported = roundtrip(kynex_record, tmp_path)
    assert ico_view(imported) == ico_view(kynex_record)
    assert not check_references(imported)


# ----------------------------------------------------------------------------- generated records

# Names may hold commas, brackets, accents and a leading formula trigger; they hold no ':' (the
# separator of 'name: detail' lines) and no new line (the separator of values), per the docs.
_WORD = st.text(
    alphabet=string.ascii_letters + string.digits + "éøß&.,'/()", min_size=1, max_size=7
)
_LEAD = st.sampled_from(["", "", "", "", "=", "+", "-", "@", "'=", "'"])
TEXT = st.builds(
    lambda lead, words: lead + " ".join(words), _LEAD, st.lists(_WORD, min_size=1, max_size=4)
)
OPTIONAL = st.none() | TEXT
COUNTRY = st.sampled_from(["GB", "US", "DE", "IN", "JP", "BR", "FR"])


def _unique_names(n: int) -> st.SearchStrategy[list[str]]:
    return st.lists(TEXT, min_size=n, max_size=n, unique_by=same_name)


@st.composite
def records(draw: st.DrawFn) -> Record:
    def pool(kind: str, size: int) -> list[tuple[str, str]]:
        names = draw(_unique_names(size))
        return [(f"{kind}-{i}", name) for i, name in enumerate(names)]

    subjects = [DataSubject(id=i, name=n) for i, n in pool("s", draw(st.integers(1, 3)))]
    categories = [DataCategory(id=i, name=n) for i, n in pool("c", draw(st.integers(1, 3)))]
    sources = [
        Source(id=i, name=n, kind=SourceKind.unspecified)
        for i, n in pool("src", draw(st.integers(0, 2)))
    ]
    measures = [SecurityMeasure(id=i, name=n) for i, n in pool("m", draw(st.integers(0, 2)))]
    systems = [
        System(id=i, name=n, location=draw(st.none() | COUNTRY))
        for i, n in pool("sys", draw(st.integers(0, 2)))
    ]
    retention = [
        RetentionRule(
            id=i,
            name=n,
            period=draw(st.sampled_from([None, "6 years", "28 days", "1 month"])),
            criteria=draw(OPTIONAL),
        )
        for i, n in pool("r", draw(st.integers(0, 2)))
    ]
    recipients = []
    for i, name in pool("rec", draw(st.integers(0, 3))):
        transfers = [
            Transfer(
                mechanism=draw(st.sampled_from(list(TransferMechanismId))),
                country=draw(st.none() | COUNTRY),
                stated_as=draw(OPTIONAL),
                certified=draw(st.none() | st.booleans()),
                derogation=draw(OPTIONAL),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        recipients.append(
            Recipient(
                id=i,
                name=name,
                kind=draw(st.sampled_from(list(RecipientKind))),
                category_only=draw(st.booleans()),
                country=draw(st.none() | COUNTRY),
                contract_ref=draw(OPTIONAL),
                transfers=transfers,
            )
        )

    def some(elements: list[Any]) -> list[str]:
        ids = [e.id for e in elements]
        return draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []

    activities = []
    for i, name in pool("a", draw(st.integers(1, 3))):
        bases = draw(st.lists(st.sampled_from(list(LawfulBasisId)), unique=True, max_size=3))
        with_lia = draw(st.booleans())
        claims = [
            BasisClaim(
                basis=b,
                legitimate_interest=draw(TEXT) if b in INTERESTS else None,
                lia_ref=draw(TEXT) if b in INTERESTS and with_lia else None,
            )
            for b in bases
        ]
        conditions = [
            ConditionClaim(condition=c, dpa_schedule1=draw(OPTIONAL))
            for c in draw(st.lists(st.sampled_from(list(Art9Condition)), unique=True, max_size=2))
        ]
        dpia = draw(
            st.none()
            | st.builds(
                Dpia, required=st.none() | st.booleans(), status=OPTIONAL, reference=OPTIONAL
            )
        )
        activities.append(
            Activity(
                id=i,
                name=name,
                role=draw(st.sampled_from(list(ActivityRole))),
                business_function=draw(OPTIONAL),
                purposes=draw(st.lists(TEXT, min_size=1, max_size=3, unique=True)),
                data_subjects=some(subjects),
                data_categories=some(categories),
                sources=some(sources),
                security_measures=some(measures),
                systems=some(systems),
                retention=some(retention),
                recipients=[Disclosure(recipient=r) for r in some(recipients)],
                lawful_bases=claims,
                special_category_conditions=conditions,
                criminal_offence_basis=draw(
                    st.none()
                    | st.builds(CriminalOffenceBasis, authority=TEXT, dpa_schedule1=OPTIONAL)
                ),
                dpia=dpia,
                automated_decision_making=draw(OPTIONAL),
                consent_withdrawal=draw(st.none() | st.builds(ConsentWithdrawal, mechanism=TEXT)),
            )
        )
    contact = st.none() | st.builds(
        Contact, address=OPTIONAL, email=OPTIONAL, phone=OPTIONAL, website=OPTIONAL
    )
    controller = Controller(
        id="controller",
        name=draw(TEXT),
        country=draw(COUNTRY),
        contact=draw(contact),
        dpo=draw(st.none() | st.builds(Person, name=TEXT, contact=contact)),
        representative=draw(st.none() | st.builds(Person, name=TEXT, contact=contact)),
    )
    return Record(
        record=RecordInfo(id="generated", name="Generated record"),
        controller=controller,
        activities=activities,
        data_subjects=subjects,
        data_categories=categories,
        sources=sources,
        security_measures=measures,
        systems=systems,
        retention_rules=retention,
        recipients=recipients,
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(record=records())
def test_generated_records_round_trip(record: Record, tmp_path: Path) -> None:
    assert not check_references(record)
    imported = roundtrip(record, tmp_path)
    assert ico_view(imported) == ico_view(record)
