"""The record's concepts other than the activity: controller and contacts, data categories and
subjects, sources, recipients and their transfers, systems, security measures, retention rules,
procedures, and the claims an activity makes (lawful bases, Art 9 conditions, disclosures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from graph.model.base import CountryCode, Element, Identified, Slug, Text
from graph.model.pecr import ControllerPecr, PecrDataKind
from graph.model.vocabulary import (
    _DURATION_RE,
    _UNIT_DAYS,
    Art9Condition,
    LawfulBasisId,
    MeasureKind,
    ProcedureKind,
    RecipientKind,
    SourceKind,
    SpecialCategory,
    TransferMechanismId,
)


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
    pecr: ControllerPecr | None = None


# --------------------------------------------------------------------------- categories


class DataCategory(Identified):
    special_category: SpecialCategory | None = Field(
        default=None, description="Which Art 9(1) special category this is, if any."
    )
    criminal_offence: bool = Field(
        default=False, description="Personal data relating to criminal convictions (Art 10)."
    )
    examples: list[str] = Field(default_factory=list)
    pecr_kind: PecrDataKind | None = Field(
        default=None, description="Traffic or location data under PECR regs 7, 8 and 14."
    )

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
    concluded_on: dt.date | None = Field(
        default=None, description="When the contract for the tool (e.g. the SCCs) was concluded."
    )


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
    vague: bool = Field(
        default=False,
        description="True when the source claims the basis only in general words, not for "
        "this purpose (e.g. 'for other purposes, this will be with your consent').",
    )
    established_by: str | None = Field(
        default=None,
        description="Who obtained the consent or pursues the interest when it is not the "
        "controller (a list seller's consent, a data company's legitimate interests).",
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
        default=None,
        description="Data categories disclosed; default all of the activity's; [] when the "
        "source does not say which.",
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
    online_service_for_children: bool | None = Field(
        default=None,
        description="An information society service offered directly to children (Art 8(1)); "
        "None when the source does not say.",
    )
