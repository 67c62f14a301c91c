"""The record of processing: one pydantic model per concept.

The record is what the privacy team authors (YAML, privacy as code) and what a regulator can ask
for under GDPR Art 30. Everything else in ropagraph (graph, stores, dashboard, exports) is derived
from a validated :class:`Record`, so the rules that make a record trustworthy live here: closed
vocabularies are enums, countries are ISO 3166-1 alpha-2, every element has a stable slug id, and
cross-references between elements are checked by id.

Vagueness is first-class: a retention rule may be recorded as criteria text only and flagged
``vague``; a recipient may be recorded only as a category; a role or country may be unstated.
Recording what a source document says (and does not say) is the point; judging it is the job of
the findings rules.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
"""A stable id: lower-case letters, digits, '-' and '_'; unique within its kind."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _upper_country(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _check_country(value: str) -> str:
    if pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. 'GB', 'US')")
    return value


CountryCode = Annotated[
    str,
    BeforeValidator(_upper_country),
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    AfterValidator(_check_country),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. 'GB', 'US'"),
]


def country_name(code: str) -> str:
    """Human name for an ISO alpha-2 code ('US' -> 'United States')."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def _one_or_many(value: Any) -> Any:
    """Let authors write a single item where a list is expected."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return value


class Element(BaseModel):
    """Base of every record element: strict fields and a provenance reference."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, str_strip_whitespace=True)

    ref: str | None = Field(
        default=None,
        description="Where this fact comes from: document and section, "
        "e.g. 'kynex-privacy-policy §5.3'.",
    )
    note: str | None = Field(
        default=None, description="Free-text remark: what is vague, outdated or assumed."
    )


class Identified(Element):
    id: Slug = Field(description="Stable id (slug), unique among elements of the same kind.")
    name: Text
    description: str | None = None


# --------------------------------------------------------------------------- vocabularies


class LawfulBasisId(StrEnum):
    """UK/EU GDPR Art 6(1) lawful bases (UK adds (ea), recognised legitimate interests).

    Article numbers and commencement dates are reference data: data/reference/lawful_bases.yaml.
    """

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"
    recognised_legitimate_interest = "recognised_legitimate_interest"


class Art9Condition(StrEnum):
    """GDPR Art 9(2) conditions for special-category data (reference: data/reference/)."""

    explicit_consent = "explicit_consent"  # 9(2)(a)
    employment_social_security = "employment_social_security"  # 9(2)(b)
    vital_interests = "vital_interests"  # 9(2)(c)
    not_for_profit_body = "not_for_profit_body"  # 9(2)(d)
    made_public_by_data_subject = "made_public_by_data_subject"  # 9(2)(e)
    legal_claims = "legal_claims"  # 9(2)(f)
    substantial_public_interest = "substantial_public_interest"  # 9(2)(g)
    health_social_care = "health_social_care"  # 9(2)(h)
    public_health = "public_health"  # 9(2)(i)
    archiving_research_statistics = "archiving_research_statistics"  # 9(2)(j)


class SpecialCategory(StrEnum):
    """The special categories of personal data of GDPR Art 9(1)."""

    racial_ethnic_origin = "racial_ethnic_origin"
    political_opinions = "political_opinions"
    religious_philosophical_beliefs = "religious_philosophical_beliefs"
    trade_union_membership = "trade_union_membership"
    genetic = "genetic"
    biometric = "biometric"
    health = "health"
    sex_life_sexual_orientation = "sex_life_sexual_orientation"


class SourceKind(StrEnum):
    data_subject = "data_subject"
    generated_by_use = "generated_by_use"
    purchased_from_third_party = "purchased_from_third_party"
    third_party = "third_party"
    credit_reference_agency = "credit_reference_agency"
    public_source = "public_source"
    customer = "customer"  # a business customer, when we act as processor
    unspecified = "unspecified"


class RecipientKind(StrEnum):
    processor = "processor"
    sub_processor = "sub_processor"
    controller = "controller"
    joint_controller = "joint_controller"
    public_authority = "public_authority"
    unspecified = "unspecified"  # the source does not say which role the recipient has


class TransferMechanismId(StrEnum):
    """Transfer tools a record may state, including ones no longer valid.

    Validity (dates, invalidation) is reference data, not code: data/reference/.
    """

    adequacy = "adequacy"
    idta = "idta"
    uk_addendum = "uk_addendum"
    eu_scc = "eu_scc"
    legacy_eu_scc = "legacy_eu_scc"
    bcr = "bcr"
    eu_us_dpf = "eu_us_dpf"
    uk_extension_dpf = "uk_extension_dpf"
    art49_derogation = "art49_derogation"
    privacy_shield = "privacy_shield"
    safe_harbour = "safe_harbour"
    not_stated = "not_stated"


class ActivityRole(StrEnum):
    """The organisation's role in an activity."""

    controller = "controller"
    joint_controller = "joint_controller"
    processor = "processor"


class ProcedureKind(StrEnum):
    subject_access = "subject_access"
    rectification = "rectification"
    erasure = "erasure"
    restriction = "restriction"
    portability = "portability"
    objection = "objection"
    consent_withdrawal = "consent_withdrawal"
    breach_notification = "breach_notification"
    complaint = "complaint"
    policy_change_notice = "policy_change_notice"


class MeasureKind(StrEnum):
    technical = "technical"
    organisational = "organisational"


class DurationUnit(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


_DURATION_RE = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


# --------------------------------------------------------------------------- the controller


class Contact(Element):
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


class Person(Element):
    """A named role holder: DPO, representative."""

    name: Text
    role: str | None = None
    contact: Contact | None = None


class Legislation(Identified):
    """A law the record (or its source document) says the controller complies with."""


class Controller(Identified):
    country: CountryCode = Field(description="Where the controller is established (ISO alpha-2).")
    contact: Contact | None = None
    representative: Person | None = None
    dpo: Person | None = None
    legislation_cited: list[Legislation] = Field(default_factory=list)


# --------------------------------------------------------------------------- categories


class DataCategory(Identified):
    special_category: SpecialCategory | None = Field(
        default=None, description="Which Art 9(1) special category this is, if any."
    )
    criminal_offence: bool = Field(
        default=False, description="Personal data relating to criminal convictions (Art 10)."
    )
    examples: list[str] = Field(default_factory=list)

    @property
    def is_special(self) -> bool:
        return self.special_category is not None


class DataSubject(Identified):
    pass


class Source(Identified):
    kind: SourceKind
    data_categories: list[Slug] = Field(
        default_factory=list, description="Data categories this source supplies (ids)."
    )


class Transfer(Element):
    """A transfer to a third country and the tool the record says it relies on."""

    mechanism: TransferMechanismId
    country: CountryCode | None = Field(
        default=None, description="Destination; defaults to the recipient's country."
    )
    stated_as: str | None = Field(
        default=None, description="The mechanism as the source words it, verbatim."
    )
    certified: bool | None = Field(
        default=None,
        description="For DPF / UK Extension: is the recipient's certification recorded?",
    )
    derogation: str | None = Field(default=None, description="Which Art 49 derogation, if any.")


class Recipient(Identified):
    kind: RecipientKind
    category_only: bool = Field(
        default=False,
        description="True when the record names only a category of recipient "
        "('debt collection agencies'), not an organisation.",
    )
    country: CountryCode | None = Field(
        default=None, description="Where the recipient is located; None when not stated."
    )
    contract_ref: str | None = Field(
        default=None, description="Art 28 contract reference (for processors)."
    )
    sub_processors: list[Slug] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)


class System(Identified):
    location: CountryCode | None = None


class SecurityMeasure(Identified):
    kind: MeasureKind | None = None


class RetentionRule(Identified):
    """How long data is kept: a period, criteria text, or both — or admittedly vague."""

    period: str | None = Field(
        default=None, description="A fixed period such as '6 years', '28 days'."
    )
    criteria: str | None = Field(default=None, description="The rule in words, verbatim.")
    vague: bool = Field(
        default=False,
        description="True when the source gives neither a period nor criteria "
        "a reader could apply.",
    )

    @field_validator("period")
    @classmethod
    def _period_format(cls, value: str | None) -> str | None:
        if value is not None and not _DURATION_RE.match(value):
            raise ValueError(
                f"period '{value}' is not '<number> <day|week|month|year>s', e.g. '6 years'"
            )
        return value

    @property
    def period_days(self) -> int | None:
        if self.period is None:
            return None
        match = _DURATION_RE.match(self.period)
        assert match is not None
        return int(match.group(1)) * _UNIT_DAYS[match.group(2).lower()]


class Timescale(Element):
    days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0, description="e.g. 1 for 'one month'.")
    hours: int | None = Field(default=None, ge=0)
    extension_months: int | None = Field(default=None, ge=0)
    stated_as: str | None = None


class Procedure(Identified):
    """How the controller handles a right or an obligation (SARs, withdrawal, breaches)."""

    kind: ProcedureKind
    channel: str | None = Field(default=None, description="How a person invokes it.")
    timescale: Timescale | None = None


# --------------------------------------------------------------------------- activities


class BasisClaim(Element):
    """One Art 6(1) lawful basis an activity relies on."""

    basis: LawfulBasisId
    legitimate_interest: str | None = Field(
        default=None, description="The interest pursued (for legitimate interests)."
    )
    lia_ref: str | None = Field(
        default=None, description="Reference to the legitimate interests assessment."
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"basis": value} if isinstance(value, str) else value


class ConditionClaim(Element):
    """An Art 9(2) condition (and the DPA 2018 Sch 1 condition where UK law needs one)."""

    condition: Art9Condition
    dpa_schedule1: str | None = Field(
        default=None, description="DPA 2018 Schedule 1 condition, e.g. 'Sch 1 Pt 1 para 1'."
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"condition": value} if isinstance(value, str) else value


class CriminalOffenceBasis(Element):
    authority: Text = Field(description="Art 10 basis: official authority or the law relied on.")
    dpa_schedule1: str | None = None


class Disclosure(Element):
    """An activity sends data to a recipient."""

    recipient: Slug
    data_categories: list[Slug] | None = Field(
        default=None, description="Data categories disclosed; default all of the activity's."
    )
    purpose: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"recipient": value} if isinstance(value, str) else value


class ConsentWithdrawal(Element):
    mechanism: Text


class Dpia(Element):
    required: bool | None = None
    status: str | None = None
    reference: str | None = None


class ChildrenRule(Element):
    consent_age: int = Field(
        ge=0, le=21, description="Below this age the record requires parental consent."
    )


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


# --------------------------------------------------------------------------- the record


class RecordInfo(Element):
    id: Slug
    name: Text
    version: str | None = None
    source_documents: list[str] = Field(default_factory=list)


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

    def check(loc: tuple[str | int, ...], value: str, collection: str) -> None:
        if value not in ids[collection]:
            near = _near(value, ids[collection])
            known = ", ".join(sorted(ids[collection])[:8]) or "none defined"
            problems.append(
                ReferenceProblem(
                    loc=loc,
                    message=f"'{value}' is not a known id in {collection}",
                    suggestion=near or f"known ids: {known}",
                )
            )

    for i, act in enumerate(record.activities):
        base: tuple[str | int, ...] = ("activities", i)
        for field, collection in (
            ("data_subjects", "data_subjects"),
            ("data_categories", "data_categories"),
            ("sources", "sources"),
            ("retention", "retention_rules"),
            ("systems", "systems"),
            ("security_measures", "security_measures"),
        ):
            for j, value in enumerate(getattr(act, field)):
                check((*base, field, j), value, collection)
        for j, disclosure in enumerate(act.recipients):
            check((*base, "recipients", j, "recipient"), disclosure.recipient, "recipients")
            for k, cat in enumerate(disclosure.data_categories or []):
                check((*base, "recipients", j, "data_categories", k), cat, "data_categories")
                if cat not in act.data_categories and cat in ids["data_categories"]:
                    problems.append(
                        ReferenceProblem(
                            loc=(*base, "recipients", j, "data_categories", k),
                            message=f"'{cat}' is disclosed but not among the activity's "
                            "data_categories",
                            suggestion=f"add '{cat}' to activities[{i}].data_categories",
                        )
                    )
    for i, source in enumerate(record.sources):
        for j, cat in enumerate(source.data_categories):
            check(("sources", i, "data_categories", j), cat, "data_categories")
    for i, recipient in enumerate(record.recipients):
        for j, sub in enumerate(recipient.sub_processors):
            check(("recipients", i, "sub_processors", j), sub, "recipients")
    return problems
