"""Building the :class:`~graph.ropa.document.RopaDocument` from a record: one row per activity,
the parties, recipients, transfers and (optionally) findings, each statement keeping its ``ref``.
Cells the record cannot fill stay empty rather than being guessed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.model import (
    Activity,
    Art9Condition,
    DataCategory,
    LawfulBasisId,
    ProcedureKind,
    Recipient,
    RecipientKind,
    Record,
)
from graph.ropa.document import (
    Cell,
    FindingLine,
    FindingsLike,
    MeasureLine,
    Party,
    RecipientLine,
    RetentionLine,
    RopaDocument,
    RopaRow,
    Statement,
    TransferLine,
    _contact_party,
    _lines,
)
from graph.ropa.layout import (
    CATEGORY_ONLY,
    CONSENT_WITHDRAWAL_LABEL,
    CRIMINAL_PREFIX,
    H_ADM,
    H_ART6,
    H_ART6_SPECIAL,
    H_ART9,
    H_BUSINESS_FUNCTION,
    H_CATEGORIES,
    H_CONTRACT,
    H_COUNTRIES,
    H_DPIA_LINK,
    H_DPIA_PROGRESS,
    H_DPIA_REQUIRED,
    H_JOINT_CONTROLLER,
    H_LI,
    H_LIA,
    H_LOCATION,
    H_PURPOSE,
    H_RECIPIENTS,
    H_RETENTION,
    H_RIGHTS,
    H_SAFEGUARDS,
    H_SCHEDULE1,
    H_SECURITY,
    H_SOURCE,
    H_SUBJECTS,
    NAMED_ORGANISATION,
    NOT_STATED_COUNTRY,
    PARTY_CONTROLLER,
    PARTY_DPO,
    PARTY_REPRESENTATIVE,
    RIGHT_PROCEDURES,
    SEP,
)
from graph.ropa.processor import processor_lines
from graph.ropa.text import (
    basis_label,
    condition_label,
    condition_name,
    country_label,
    kind_label,
    mechanism_article,
    mechanism_name,
    note_detail,
    retention_text,
    safeguard_text,
    transfer_destination,
    yes_no,
)

# ----------------------------------------------------------------------------- building

VAGUE_RETENTION = "stated vaguely: no period or criteria a reader could apply"


class _Index:
    """Lookups by id over the record's collections, and each element's statement made once.

    An element (a data category, a retention rule, a recipient's transfers…) reads the same in
    every activity that uses it, so its statements are built here once, not once per activity
    (at 100,000 activities that was most of the document's cost: a country's name alone is a
    pycountry lookup). The ``users`` lists keep first-use order with a dict per element: a list
    membership test per activity was quadratic in the number of activities sharing an element.
    """

    def __init__(self, record: Record) -> None:
        self.record = record
        self.subjects = {x.id: x for x in record.data_subjects}
        self.categories = {x.id: x for x in record.data_categories}
        self.sources = {x.id: x for x in record.sources}
        self.recipients = {x.id: x for x in record.recipients}
        self.systems = {x.id: x for x in record.systems}
        self.measures = {x.id: x for x in record.security_measures}
        self.retention = {x.id: x for x in record.retention_rules}
        self._countries: dict[str | None, str] = {}
        self.users: dict[tuple[str, str], dict[str, None]] = {}
        for activity in record.activities:
            for kind, ids in (
                ("recipient", [d.recipient for d in activity.recipients]),
                ("retention", activity.retention),
                ("measure", activity.security_measures),
            ):
                for element_id in ids:
                    self.users.setdefault((kind, element_id), {})[activity.name] = None
        self.subject_statements = {
            s.id: Statement(s.name, s.ref, s.description) for s in record.data_subjects
        }
        self.category_statements = {c.id: _category_statement(c) for c in record.data_categories}
        self.retention_statements = {
            rule.id: Statement(
                retention_text(rule.name, rule.period, rule.criteria),
                rule.ref,
                VAGUE_RETENTION if rule.vague else None,
            )
            for rule in record.retention_rules
        }
        self.measure_statements = {
            m.id: Statement(m.name, m.ref, m.description) for m in record.security_measures
        }
        self.source_statements = {
            src.id: Statement(src.name, src.ref, src.description) for src in record.sources
        }
        self.system_statements = {
            system.id: Statement(
                SEP.join(x for x in (system.name, self.country(system.location)) if x),
                system.ref,
                system.description,
            )
            for system in record.systems
        }
        self.recipient_parts = {r.id: self._recipient_parts(r) for r in record.recipients}
        self.basis_labels = {c: basis_label(c) for c in LawfulBasisId}
        self.condition_labels = {c: condition_label(c) for c in Art9Condition}
        self.condition_names = {c: condition_name(c) for c in Art9Condition}
        self.rights = [
            Statement(f"{p.name}: {p.channel}" if p.channel else p.name, p.ref, p.description)
            for p in record.procedures
            if p.kind in RIGHT_PROCEDURES
        ]
        self.withdrawal = [
            Statement(f"{p.name}: {p.channel}" if p.channel else p.name, p.ref, p.description)
            for p in record.procedures
            if p.kind is ProcedureKind.consent_withdrawal
        ]

    def country(self, code: str | None) -> str:
        """:func:`country_label`, looked up once per code."""
        label = self._countries.get(code)
        if label is None:
            label = self._countries[code] = country_label(code)
        return label

    def _recipient_parts(self, r: Recipient) -> _RecipientParts:
        countries: list[Statement] = []
        safeguards: list[Statement] = []
        for t in r.transfers:
            where = transfer_destination(t, r)
            countries.append(
                Statement(f"{self.country(where) or NOT_STATED_COUNTRY}{SEP}{r.name}", t.ref)
            )
            extra = []
            if t.certified is not None:
                extra.append(f"certification recorded: {yes_no(t.certified).lower()}")
            if t.derogation:
                extra.append(f"derogation: {t.derogation}")
            safeguards.append(
                Statement(
                    safeguard_text(r, t),
                    t.ref or r.ref,
                    "; ".join([mechanism_article(t.mechanism), *extra]) or None,
                )
            )
        return _RecipientParts(
            joint=(
                Statement(SEP.join(x for x in (r.name, self.country(r.country)) if x), r.ref)
                if r.kind is RecipientKind.joint_controller
                else None
            ),
            qualifiers=(
                kind_label(r.kind),
                "category of recipient" if r.category_only else None,
                self.country(r.country) or None,
            ),
            contract=Statement(f"{r.name}: {r.contract_ref}", r.ref) if r.contract_ref else None,
            countries=tuple(countries),
            safeguards=tuple(safeguards),
        )

    def used_by(self, kind: str, element_id: str) -> str:
        return "\n".join(self.users.get((kind, element_id), {}))


@dataclass(frozen=True)
class _RecipientParts:
    """What a recipient contributes to every activity disclosing to it."""

    joint: Statement | None
    qualifiers: tuple[str | None, ...]
    contract: Statement | None
    countries: tuple[Statement, ...]
    safeguards: tuple[Statement, ...]


def _category_statement(category: DataCategory) -> Statement:
    flags = []
    if category.special_category is not None:
        flags.append(f"special category: {category.special_category.value.replace('_', ' ')}")
    if category.criminal_offence:
        flags.append("criminal offence data")
    return Statement(category.name, category.ref, "; ".join(flags) or None)


def _activity_row(activity: Activity, ix: _Index) -> RopaRow:
    disclosed = [
        (d, ix.recipient_parts[d.recipient])
        for d in activity.recipients
        if d.recipient in ix.recipient_parts
    ]
    names = {d.recipient: ix.recipients[d.recipient].name for d, _ in disclosed}
    cells: dict[str, Cell] = {}

    if activity.business_function:
        cells[H_BUSINESS_FUNCTION] = (Statement(activity.business_function, activity.ref),)
    cells[H_PURPOSE] = _lines(Statement(p, activity.ref) for p in activity.purposes)
    cells[H_JOINT_CONTROLLER] = _lines(parts.joint for _, parts in disclosed if parts.joint)
    subjects = ix.subject_statements
    cells[H_SUBJECTS] = _lines(subjects[s] for s in activity.data_subjects if s in subjects)
    categories = ix.category_statements
    cells[H_CATEGORIES] = _lines(categories[c] for c in activity.data_categories if c in categories)
    cells[H_RECIPIENTS] = _lines(
        Statement(
            names[d.recipient],
            d.ref or ix.recipients[d.recipient].ref,
            "; ".join(
                x for x in (*parts.qualifiers, f"purpose: {d.purpose}" if d.purpose else None) if x
            ),
        )
        for d, parts in disclosed
    )
    cells[H_CONTRACT] = _lines(parts.contract for _, parts in disclosed if parts.contract)
    cells[H_COUNTRIES] = _lines(s for _, parts in disclosed for s in parts.countries)
    cells[H_SAFEGUARDS] = _lines(s for _, parts in disclosed for s in parts.safeguards)
    retention = ix.retention_statements
    cells[H_RETENTION] = _lines(retention[r] for r in activity.retention if r in retention)
    measures = ix.measure_statements
    cells[H_SECURITY] = _lines(measures[m] for m in activity.security_measures if m in measures)
    art6 = _lines(
        Statement(ix.basis_labels[c.basis], c.ref, note_detail(c.note))
        for c in activity.lawful_bases
    )
    cells[H_ART6] = art6
    cells[H_ART6_SPECIAL] = art6
    cells[H_ART9] = _lines(
        Statement(ix.condition_labels[c.condition], c.ref, note_detail(c.note))
        for c in activity.special_category_conditions
    )
    interests = [
        c
        for c in activity.lawful_bases
        if c.basis
        in (LawfulBasisId.legitimate_interests, LawfulBasisId.recognised_legitimate_interest)
    ]
    cells[H_LI] = _lines(
        Statement(c.legitimate_interest, c.ref) for c in interests if c.legitimate_interest
    )
    cells[H_LIA] = _lines(Statement(c.lia_ref, c.ref) for c in activity.lawful_bases if c.lia_ref)
    cells[H_RIGHTS] = _rights(activity, ix)
    if activity.automated_decision_making:
        cells[H_ADM] = (Statement(activity.automated_decision_making, activity.ref),)
    sources = ix.source_statements
    cells[H_SOURCE] = _lines(sources[s] for s in activity.sources if s in sources)
    systems = ix.system_statements
    cells[H_LOCATION] = _lines(systems[s] for s in activity.systems if s in systems)
    if activity.dpia is not None:
        dpia = activity.dpia
        if dpia.required is not None:
            cells[H_DPIA_REQUIRED] = (Statement(yes_no(dpia.required), dpia.ref),)
        if dpia.status:
            cells[H_DPIA_PROGRESS] = (Statement(dpia.status, dpia.ref),)
        if dpia.reference:
            cells[H_DPIA_LINK] = (Statement(dpia.reference, dpia.ref),)
    schedule1 = [
        Statement(f"{ix.condition_names[c.condition]}: {c.dpa_schedule1}", c.ref)
        for c in activity.special_category_conditions
        if c.dpa_schedule1
    ]
    criminal = activity.criminal_offence_basis
    if criminal is not None:
        text = CRIMINAL_PREFIX + criminal.authority
        if criminal.dpa_schedule1:
            text += SEP + criminal.dpa_schedule1
        schedule1.append(Statement(text, criminal.ref))
    cells[H_SCHEDULE1] = _lines(schedule1)
    return RopaRow(
        activity_id=activity.id,
        name=activity.name,
        role=activity.role,
        description=activity.description,
        ref=activity.ref,
        cells={h: c for h, c in cells.items() if c},
    )


def _rights(activity: Activity, ix: _Index) -> Cell:
    """The record's right procedures, plus how to withdraw consent where consent is relied on."""
    statements = list(ix.rights)
    if activity.consent_withdrawal is not None:
        withdrawal = activity.consent_withdrawal
        statements.append(
            Statement(f"{CONSENT_WITHDRAWAL_LABEL}: {withdrawal.mechanism}", withdrawal.ref)
        )
    elif any(c.basis is LawfulBasisId.consent for c in activity.lawful_bases):
        statements.extend(ix.withdrawal)
    return _lines(statements)


def _parties(record: Record) -> tuple[Party, ...]:
    c = record.controller
    parties = [_contact_party(PARTY_CONTROLLER, c.name, c.contact, c.ref, country_label(c.country))]
    for role, person in ((PARTY_DPO, c.dpo), (PARTY_REPRESENTATIVE, c.representative)):
        if person is not None:
            parties.append(_contact_party(role, person.name, person.contact, person.ref))
    return tuple(parties)


def _recipient_lines(record: Record, ix: _Index) -> tuple[RecipientLine, ...]:
    lines: list[RecipientLine] = []
    for r in record.recipients:
        base = {
            "recipient_id": r.id,
            "name": r.name,
            "kind": kind_label(r.kind),
            "named": CATEGORY_ONLY if r.category_only else NAMED_ORGANISATION,
            "country": country_label(r.country),
            "contract_ref": r.contract_ref or "",
            "disclosed_by": ix.used_by("recipient", r.id),
        }
        if not r.transfers:
            lines.append(
                RecipientLine(
                    **base,
                    transfer_to="",
                    mechanism="",
                    stated_as="",
                    certified="",
                    derogation="",
                    ref=r.ref,
                )
            )
        for t in r.transfers:
            lines.append(
                RecipientLine(
                    **base,
                    transfer_to=country_label(t.country),
                    mechanism=mechanism_name(t.mechanism),
                    stated_as=t.stated_as or "",
                    certified=yes_no(t.certified),
                    derogation=t.derogation or "",
                    ref=t.ref or r.ref,
                )
            )
    return tuple(lines)


def _transfer_lines(record: Record, ix: _Index) -> tuple[TransferLine, ...]:
    return tuple(
        TransferLine(
            recipient=r.name,
            destination=country_label(transfer_destination(t, r)) or NOT_STATED_COUNTRY,
            mechanism=mechanism_name(t.mechanism),
            article=mechanism_article(t.mechanism),
            stated_as=t.stated_as or "",
            certified=yes_no(t.certified),
            derogation=t.derogation or "",
            activities=ix.used_by("recipient", r.id),
            ref=t.ref or r.ref,
        )
        for r in record.recipients
        for t in r.transfers
    )


def _finding_lines(report: FindingsLike) -> tuple[FindingLine, ...]:
    return tuple(
        FindingLine(
            severity=str(getattr(f.severity, "value", f.severity)),
            title=f.title,
            element=f"{f.element_label} {f.element_name or f.element_id}".strip(),
            articles=", ".join(f.articles),
            why=f.why,
            what_to_do=f.what_to_do,
            rule=f.rule,
            ref=f.ref,
        )
        for f in report.findings
    )


def build_document(
    record: Record,
    *,
    findings: FindingsLike | None = None,
    generated: dt.date | None = None,
    content_hash: str | None = None,
) -> RopaDocument:
    """The row model every format renders; ``generated`` defaults to today."""
    ix = _Index(record)
    rows = tuple(_activity_row(a, ix) for a in record.activities)
    return RopaDocument(
        record_id=record.record.id,
        record_name=record.record.name,
        version=record.record.version,
        content_hash=content_hash,
        generated=generated or dt.date.today(),
        parties=_parties(record),
        rows=rows,
        recipients=_recipient_lines(record, ix),
        transfers=_transfer_lines(record, ix),
        retention=tuple(
            RetentionLine(
                name=r.name,
                period=r.period or "",
                criteria=r.criteria or "",
                vague=r.vague,
                activities=ix.used_by("retention", r.id),
                ref=r.ref,
            )
            for r in record.retention_rules
        ),
        measures=tuple(
            MeasureLine(
                name=m.name,
                kind=m.kind.value if m.kind else "",
                description=m.description or "",
                activities=ix.used_by("measure", m.id),
                ref=m.ref,
            )
            for m in record.security_measures
        ),
        findings=_finding_lines(findings) if findings is not None else None,
        findings_as_of=findings.as_of if findings is not None else None,
        sources=tuple(record.record.source_documents),
        processor=processor_lines(record, rows),
    )
