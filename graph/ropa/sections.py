"""An activity's section in the documents (DOCX, HTML, Markdown): Art 30(1)(a)–(g), then the rest.

The spreadsheet follows the ICO's columns; the documents follow the Article: one heading per
Art 30(1) item, titled from data/reference/art30_items.yaml, then lawful basis, Art 9 condition,
sources, rights and other facts. All three document formats render these items, so they cannot
drift apart.
"""

from __future__ import annotations

from graph.model import ActivityRole
from graph.reference import reference_by_id
from graph.ropa.document import DocItem, DocPart, Party, RopaDocument, RopaRow, Statement
from graph.ropa.layout import (
    H_ADM,
    H_ART6,
    H_ART9,
    H_BUSINESS_FUNCTION,
    H_CATEGORIES,
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
)

NO_TRANSFERS = "The record states no transfers to third countries or international organisations."


def _art30_title(letter: str, fallback: str) -> str:
    entry = reference_by_id("art30_items").get(letter)
    if entry is None:
        return fallback
    return " ".join(x for x in (entry.article, entry.name) if x)


def doc_items(row: RopaRow, document: RopaDocument) -> tuple[DocItem, ...]:
    """An activity's section for the board and the regulator: Art 30(1)(a)–(g), then the rest.

    Items with nothing recorded still appear (as 'Not stated in the record') for (a)–(g), since
    an absent Art 30 item is itself something the reader must see; the others appear only when
    the record says something.
    """
    controller = document.controller
    role_text = {
        ActivityRole.controller: "controller",
        ActivityRole.joint_controller: "joint controller",
        ActivityRole.processor: "processor",
    }[row.role]
    who = (Statement(f"{controller.name} (role in this activity: {role_text})", controller.ref),)
    officers = [
        DocPart(party.role, (Statement(_contact_line(party), party.ref),))
        for party in document.parties[1:]
    ]
    items = [
        DocItem(
            "a",
            _art30_title("a", "Controller"),
            (
                DocPart("Controller", who),
                *officers,
                DocPart("Joint controllers", row.cell(H_JOINT_CONTROLLER)),
            ),
        ),
        DocItem(
            "b",
            _art30_title("b", "Purposes"),
            (
                DocPart(None, row.cell(H_PURPOSE)),
                DocPart("Business function", row.cell(H_BUSINESS_FUNCTION)),
            ),
        ),
        DocItem(
            "c",
            _art30_title("c", "Categories"),
            (
                DocPart("Categories of individuals", row.cell(H_SUBJECTS)),
                DocPart("Categories of personal data", row.cell(H_CATEGORIES)),
            ),
        ),
        DocItem("d", _art30_title("d", "Recipients"), (DocPart(None, row.cell(H_RECIPIENTS)),)),
        DocItem(
            "e",
            _art30_title("e", "Transfers"),
            (
                DocPart("Destinations", row.cell(H_COUNTRIES)),
                DocPart("Safeguards", row.cell(H_SAFEGUARDS)),
            ),
            NO_TRANSFERS,
        ),
        DocItem("f", _art30_title("f", "Retention"), (DocPart(None, row.cell(H_RETENTION)),)),
        DocItem("g", _art30_title("g", "Security"), (DocPart(None, row.cell(H_SECURITY)),)),
    ]
    optional = [
        DocItem(
            "basis",
            "Lawful basis",
            (
                DocPart(None, row.cell(H_ART6)),
                DocPart("Legitimate interests", row.cell(H_LI)),
                DocPart("Legitimate interests assessment", row.cell(H_LIA)),
            ),
        ),
        DocItem(
            "art9",
            "Special category condition",
            (
                DocPart(None, row.cell(H_ART9)),
                DocPart("Data Protection Act 2018 Schedule 1", row.cell(H_SCHEDULE1)),
            ),
        ),
        DocItem("sources", "Sources of the personal data", (DocPart(None, row.cell(H_SOURCE)),)),
        DocItem("rights", "Rights available to individuals", (DocPart(None, row.cell(H_RIGHTS)),)),
        DocItem(
            "other",
            "Other",
            (
                DocPart("Automated decision-making, including profiling", row.cell(H_ADM)),
                DocPart("Location of personal data", row.cell(H_LOCATION)),
                DocPart("DPIA required", row.cell(H_DPIA_REQUIRED)),
                DocPart("DPIA progress", row.cell(H_DPIA_PROGRESS)),
                DocPart("DPIA", row.cell(H_DPIA_LINK)),
            ),
        ),
    ]
    shown = [_trim(item, keep_empty=True) for item in items]
    shown += [_trim(item, keep_empty=False) for item in optional]
    return tuple(item for item in shown if item.parts)


def _trim(item: DocItem, *, keep_empty: bool) -> DocItem:
    """Drop empty labelled parts; keep one empty part when the item must show 'not stated'."""
    parts = tuple(p for p in item.parts if p.statements)
    if not parts and keep_empty:
        parts = (DocPart(None, ()),)
    return DocItem(item.anchor, item.title, parts, item.empty)


def _contact_line(party: Party) -> str:
    """'IT Manager (email: …; telephone: …)': the officer and how to reach them."""
    contact = "; ".join(
        f"{label}: {value}"
        for label, value in (
            ("address", party.address),
            ("email", party.email),
            ("telephone", party.phone),
            ("website", party.website),
        )
        if value
    )
    return f"{party.name} ({contact})" if contact else party.name
