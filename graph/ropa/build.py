"""Building the :class:`~graph.ropa.document.RopaDocument` from a record: one row per activity,
the parties, recipients, transfers and (optionally) findings, each statement keeping its ``ref``.
Cells the record cannot fill stay empty rather than being guessed."""

from __future__ import annotations

import datetime as dt

from graph.model import (
    Activity,
    LawfulBasisId,
    ProcedureKind,
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


class _Index:
    """Lookups by id over the record's collections."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.subjects = {x.id: x for x in record.data_subjects}
        self.categories = {x.id: x for x in record.data_categories}
        self.sources = {x.id: x for x in record.sources}
        self.recipients = {x.id: x for x in record.recipients}
        self.systems = {x.id: x for x in record.systems}
        self.measures = {x.id: x for x in record.security_measures}
        self.retention = {x.id: x for x in record.retention_rules}
        self.users: dict[tuple[str, str], list[str]] = {}
        for activity in record.activities:
            for kind, ids in (
                ("recipient", [d.recipient for d in activity.recipients]),
                ("retention", activity.retention),
                ("measure", activity.security_measures),
            ):
                for element_id in ids:
                    names = self.users.setdefault((kind, element_id), [])
                    if activity.name not in names:
                        names.append(activity.name)

    def used_by(self, kind: str, element_id: str) -> str:
        return "\n".join(self.users.get((kind, element_id), []))


def _activity_row(activity: Activity, ix: _Index) -> RopaRow:
    record = ix.record
    disclosed = [
        (d, ix.recipients[d.recipient]) for d in activity.recipients if d.recipient in ix.recipients
    ]
    cells: dict[str, Cell] = {}

    if activity.business_function:
        cells[H_BUSINESS_FUNCTION] = (Statement(activity.business_function, activity.ref),)
    cells[H_PURPOSE] = _lines(Statement(p, activity.ref) for p in activity.purposes)
    cells[H_JOINT_CONTROLLER] = _lines(
        Statement(
            SEP.join(x for x in (r.name, country_label(r.country)) if x),
            r.ref,
        )
        for _, r in disclosed
        if r.kind is RecipientKind.joint_controller
    )
    cells[H_SUBJECTS] = _lines(
        Statement(ix.subjects[s].name, ix.subjects[s].ref, ix.subjects[s].description)
        for s in activity.data_subjects
        if s in ix.subjects
    )
    category_statements = []
    for cid in activity.data_categories:
        category = ix.categories.get(cid)
        if category is None:
            continue
        flags = []
        if category.special_category is not None:
            flags.append(f"special category: {category.special_category.value.replace('_', ' ')}")
        if category.criminal_offence:
            flags.append("criminal offence data")
        category_statements.append(Statement(category.name, category.ref, "; ".join(flags) or None))
    cells[H_CATEGORIES] = _lines(category_statements)
    cells[H_RECIPIENTS] = _lines(
        Statement(
            r.name,
            d.ref or r.ref,
            "; ".join(
                x
                for x in (
                    kind_label(r.kind),
                    "category of recipient" if r.category_only else None,
                    country_label(r.country) or None,
                    f"purpose: {d.purpose}" if d.purpose else None,
                )
                if x
            ),
        )
        for d, r in disclosed
    )
    cells[H_CONTRACT] = _lines(
        Statement(f"{r.name}: {r.contract_ref}", r.ref) for _, r in disclosed if r.contract_ref
    )
    countries: list[Statement] = []
    safeguards: list[Statement] = []
    for _, r in disclosed:
        for t in r.transfers:
            where = transfer_destination(t, r)
            countries.append(
                Statement(f"{country_label(where) or NOT_STATED_COUNTRY}{SEP}{r.name}", t.ref)
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
    cells[H_COUNTRIES] = _lines(countries)
    cells[H_SAFEGUARDS] = _lines(safeguards)
    cells[H_RETENTION] = _lines(
        Statement(
            retention_text(rule.name, rule.period, rule.criteria),
            rule.ref,
            "stated vaguely: no period or criteria a reader could apply" if rule.vague else None,
        )
        for rule in (ix.retention[r] for r in activity.retention if r in ix.retention)
    )
    cells[H_SECURITY] = _lines(
        Statement(m.name, m.ref, m.description)
        for m in (ix.measures[x] for x in activity.security_measures if x in ix.measures)
    )
    art6 = _lines(
        Statement(basis_label(c.basis), c.ref, note_detail(c.note)) for c in activity.lawful_bases
    )
    cells[H_ART6] = art6
    cells[H_ART6_SPECIAL] = art6
    cells[H_ART9] = _lines(
        Statement(condition_label(c.condition), c.ref, note_detail(c.note))
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
    cells[H_RIGHTS] = _rights(activity, record)
    if activity.automated_decision_making:
        cells[H_ADM] = (Statement(activity.automated_decision_making, activity.ref),)
    cells[H_SOURCE] = _lines(
        Statement(src.name, src.ref, src.description)
        for src in (ix.sources[s] for s in activity.sources if s in ix.sources)
    )
    cells[H_LOCATION] = _lines(
        Statement(
            SEP.join(x for x in (system.name, country_label(system.location)) if x),
            system.ref,
            system.description,
        )
        for system in (ix.systems[s] for s in activity.systems if s in ix.systems)
    )
    if activity.dpia is not None:
        dpia = activity.dpia
        if dpia.required is not None:
            cells[H_DPIA_REQUIRED] = (Statement(yes_no(dpia.required), dpia.ref),)
        if dpia.status:
            cells[H_DPIA_PROGRESS] = (Statement(dpia.status, dpia.ref),)
        if dpia.reference:
            cells[H_DPIA_LINK] = (Statement(dpia.reference, dpia.ref),)
    schedule1 = [
        Statement(f"{condition_name(c.condition)}: {c.dpa_schedule1}", c.ref)
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


def _rights(activity: Activity, record: Record) -> Cell:
    """The record's right procedures, plus how to withdraw consent where consent is relied on."""
    statements = [
        Statement(f"{p.name}: {p.channel}" if p.channel else p.name, p.ref, p.description)
        for p in record.procedures
        if p.kind in RIGHT_PROCEDURES
    ]
    if activity.consent_withdrawal is not None:
        withdrawal = activity.consent_withdrawal
        statements.append(
            Statement(f"{CONSENT_WITHDRAWAL_LABEL}: {withdrawal.mechanism}", withdrawal.ref)
        )
    elif any(c.basis is LawfulBasisId.consent for c in activity.lawful_bases):
        statements.extend(
            Statement(f"{p.name}: {p.channel}" if p.channel else p.name, p.ref, p.description)
            for p in record.procedures
            if p.kind is ProcedureKind.consent_withdrawal
        )
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
