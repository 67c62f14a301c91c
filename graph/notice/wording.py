"""Shared wording of the generated notice: drafting notes, sentences, lists, contact lines."""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Activity, ProcedureKind, RecipientKind, Record, SourceKind, country_name
from graph.notice import law
from graph.notice.model import TO_COMPLETE, Statement

DIRECT_SOURCES = (SourceKind.data_subject, SourceKind.generated_by_use)
"""Collected from the person (Art 13): given by them or observed from their use of a service;
every other source is indirect (Art 14)."""

RIGHT_PROCEDURES = {
    "access": ProcedureKind.subject_access,
    "rectification": ProcedureKind.rectification,
    "erasure": ProcedureKind.erasure,
    "restriction": ProcedureKind.restriction,
    "portability": ProcedureKind.portability,
    "object-direct-marketing": ProcedureKind.objection,
    "withdraw-consent": ProcedureKind.consent_withdrawal,
    "complaint": ProcedureKind.complaint,
}

ROLE_WORDS = {
    RecipientKind.processor: "processes it on our behalf",
    RecipientKind.sub_processor: "processes it on our behalf (for one of our processors)",
    RecipientKind.controller: "uses it for its own purposes",
    RecipientKind.joint_controller: "decides with us how it is used (a joint controller)",
    RecipientKind.public_authority: "a public or regulatory body",
}


def gap(item_id: str, text: str) -> Statement:
    return Statement(
        text=f"{TO_COMPLETE} {text} ({law.articles(item_id)})",
        ref=f"data/reference/notice_items.yaml#{item_id}",
        gap=True,
    )


def sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!", '"', "”", ")")) else text + "."


def join(values: Iterable[str]) -> str:
    items = [v for v in values if v]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def used_ids(record: Record) -> tuple[set[str], set[str], set[str]]:
    """Recipient, source and retention ids the notice covers: all but processor-only ones."""
    ours = law.notice_activities(record)
    mine_ids = {a.id for a in ours}
    theirs = [a for a in record.activities if a.id not in mine_ids]

    def split(get: str) -> set[str]:
        mine = {x for a in ours for x in _ids(a, get)}
        only_theirs = {x for a in theirs for x in _ids(a, get)} - mine
        every = {e.id for e in getattr(record, _COLLECTION[get])}
        return every - only_theirs

    return split("recipients"), split("sources"), split("retention")


_COLLECTION = {"recipients": "recipients", "sources": "sources", "retention": "retention_rules"}


def _ids(activity: Activity, field: str) -> list[str]:
    if field == "recipients":
        return [d.recipient for d in activity.recipients]
    return list(getattr(activity, field))


def contact_sentence(record: Record) -> Statement | None:
    contact = record.controller.contact
    if contact is None:
        return None
    ways = []
    if contact.email:
        ways.append(f"by email at {contact.email}")
    if contact.phone:
        ways.append(f"by phone on {contact.phone}")
    if contact.address:
        ways.append(f"by post at {contact.address}")
    if contact.website:
        ways.append(f"through our website {contact.website}")
    if not ways:
        return None
    return Statement(
        text=f"You can contact us {join(ways)}.",
        ref=ref_or(contact.ref or record.controller.ref, "controller.contact"),
    )


_THE = ("United", "Netherlands", "Philippines", "Czech", "Republic", "Bahamas", "Gambia")


def place_name(code: str) -> str:
    """'the United Kingdom', 'France': a country's name as it reads in a sentence."""
    name = country_name(code)
    return f"the {name}" if name.startswith(_THE) else name


def ref_or(ref: str | None, where: str) -> str:
    """The fact's ``ref``, or — when the record gives none — where in the record it is
    ('record: recipients/google'), so every statement can be traced."""
    return ref or f"record: {where}"
