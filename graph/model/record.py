"""The processing activity, the whole :class:`Record`, and the cross-reference check that ties
ids together (with "did you mean" suggestions)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from graph.model.base import Element, Identified, Slug, Text, _one_or_many
from graph.model.elements import (
    BasisClaim,
    ChildrenRule,
    ConditionClaim,
    ConsentWithdrawal,
    Controller,
    CriminalOffenceBasis,
    DataCategory,
    DataSubject,
    Disclosure,
    Dpia,
    Procedure,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Source,
    System,
)
from graph.model.imported import ImportNote
from graph.model.pecr import Cookie, Marketing
from graph.model.processor import ServedController
from graph.model.vocabulary import ActivityRole


class Activity(Identified):
    business_function: str | None = None
    role: ActivityRole = ActivityRole.controller
    purposes: Annotated[list[Text], BeforeValidator(_one_or_many)] = Field(min_length=1)
    data_subjects: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(
        default_factory=list
    )
    data_categories: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(
        default_factory=list
    )
    sources: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(default_factory=list)
    lawful_bases: Annotated[list[BasisClaim], BeforeValidator(_one_or_many)] = Field(
        default_factory=list
    )
    special_category_conditions: Annotated[list[ConditionClaim], BeforeValidator(_one_or_many)] = (
        Field(default_factory=list)
    )
    criminal_offence_basis: CriminalOffenceBasis | None = None
    recipients: Annotated[list[Disclosure], BeforeValidator(_one_or_many)] = Field(
        default_factory=list
    )
    retention: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(
        default_factory=list, description="Retention rule ids."
    )
    systems: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(default_factory=list)
    security_measures: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(
        default_factory=list
    )
    consent_withdrawal: ConsentWithdrawal | None = None
    dpia: Dpia | None = None
    direct_marketing: bool = Field(
        default=False, description="True when the activity sends direct marketing."
    )
    automated_decision_making: str | None = Field(
        default=None, description="Automated decisions or profiling, described; None if none."
    )
    children: ChildrenRule | None = None
    cookies: list[Cookie] = Field(
        default_factory=list, description="Cookies and similar technologies it sets (PECR)."
    )
    marketing: Marketing | None = Field(
        default=None, description="Channels and audience of its direct marketing (PECR)."
    )
    on_behalf_of: Annotated[list[Slug], BeforeValidator(_one_or_many)] = Field(
        default_factory=list,
        description="For a processor activity: ids of the controllers served (Art 30(2)(b)).",
    )


# --------------------------------------------------------------------------- the record


class RecordInfo(Element):
    id: Slug
    name: Text
    version: str | None = None
    source_documents: list[str] = Field(default_factory=list)
    import_notes: list[ImportNote] = Field(
        default_factory=list, description="What an import could not map (graph/model/imported)."
    )


class Record(BaseModel):
    """A whole record of processing. Cross-references are checked by :func:`check_references`."""

    model_config = ConfigDict(extra="forbid")

    record: RecordInfo
    controller: Controller
    activities: list[Activity] = Field(min_length=1)
    data_categories: list[DataCategory] = Field(default_factory=list)
    data_subjects: list[DataSubject] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    systems: list[System] = Field(default_factory=list)
    security_measures: list[SecurityMeasure] = Field(default_factory=list)
    retention_rules: list[RetentionRule] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    controllers_served: list[ServedController] = Field(
        default_factory=list,
        description="Controllers the organisation processes for, as processor (Art 30(2)(a)).",
    )


# The collections that hold identified elements, and what kind of id each activity field names.
COLLECTIONS: dict[str, type[Identified]] = {
    "activities": Activity,
    "data_categories": DataCategory,
    "data_subjects": DataSubject,
    "sources": Source,
    "recipients": Recipient,
    "systems": System,
    "security_measures": SecurityMeasure,
    "retention_rules": RetentionRule,
    "procedures": Procedure,
    "controllers_served": ServedController,
}


class ReferenceProblem(BaseModel):
    """A cross-reference or uniqueness problem: path into the merged record, message, hint."""

    loc: tuple[str | int, ...]
    message: str
    suggestion: str | None = None


def _near(value: str, candidates: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(value, candidates, n=3, cutoff=0.5)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def check_references(record: Record) -> list[ReferenceProblem]:
    """Every id unique in its collection, every cross-reference resolving. All problems at once."""
    problems: list[ReferenceProblem] = []
    ids: dict[str, list[str]] = {}
    for collection in COLLECTIONS:
        elements: list[Identified] = getattr(record, collection)
        ids[collection] = [e.id for e in elements]
        counts = Counter(ids[collection])
        seen: set[str] = set()
        for index, element in enumerate(elements):
            if counts[element.id] > 1 and element.id in seen:
                problems.append(
                    ReferenceProblem(
                        loc=(collection, index, "id"),
                        message=f"duplicate id '{element.id}' in {collection}",
                        suggestion="give each element its own id",
                    )
                )
            seen.add(element.id)

    known_ids = {collection: set(values) for collection, values in ids.items()}

    def check(loc: tuple[str | int, ...], value: str, collection: str) -> None:
        if value not in known_ids[collection]:  # a set: 1.6 M look-ups at 100k activities
            near = _near(value, ids[collection])
            known = ", ".join(sorted(ids[collection])[:8]) or "none defined"
            problems.append(
                ReferenceProblem(
                    loc=loc,
                    message=f"'{value}' is not a known id in {collection}",
                    suggestion=near or f"known ids: {known}",
                )
            )

    fields = (
        ("data_subjects", "data_subjects"),
        ("data_categories", "data_categories"),
        ("sources", "sources"),
        ("retention", "retention_rules"),
        ("systems", "systems"),
        ("security_measures", "security_measures"),
        ("on_behalf_of", "controllers_served"),
    )
    recipient_ids, category_ids = known_ids["recipients"], known_ids["data_categories"]
    for i, act in enumerate(record.activities):
        base: tuple[str | int, ...] = ("activities", i)
        # Each list is checked whole in C first (issuperset); only a list with a problem is
        # walked item by item for the located messages, in the same order as always.
        for field, collection in fields:
            values = getattr(act, field)
            if values and not known_ids[collection].issuperset(values):
                for j, value in enumerate(values):
                    check((*base, field, j), value, collection)
        for j, disclosure in enumerate(act.recipients):
            if disclosure.recipient not in recipient_ids:
                check((*base, "recipients", j, "recipient"), disclosure.recipient, "recipients")
            cats = disclosure.data_categories
            if not cats or (
                category_ids.issuperset(cats) and set(act.data_categories) >= set(cats)
            ):
                continue
            for k, cat in enumerate(cats):
                check((*base, "recipients", j, "data_categories", k), cat, "data_categories")
                if cat not in act.data_categories and cat in category_ids:
                    problems.append(
                        ReferenceProblem(
                            loc=(*base, "recipients", j, "data_categories", k),
                            message=f"'{cat}' is disclosed but not among the activity's "
                            "data_categories",
                            suggestion=f"add '{cat}' to activities[{i}].data_categories",
                        )
                    )
        if act.on_behalf_of and act.role is not ActivityRole.processor:
            problems.append(
                ReferenceProblem(
                    loc=(*base, "on_behalf_of"),
                    message=f"activity '{act.id}' names controllers it acts for but its role is "
                    f"'{act.role.value}'",
                    suggestion="set role: processor, or remove on_behalf_of",
                )
            )
    for i, source in enumerate(record.sources):
        for j, cat in enumerate(source.data_categories):
            check(("sources", i, "data_categories", j), cat, "data_categories")
    for i, recipient in enumerate(record.recipients):
        for j, sub in enumerate(recipient.sub_processors):
            check(("recipients", i, "sub_processors", j), sub, "recipients")
    return problems
