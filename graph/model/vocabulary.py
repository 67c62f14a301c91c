"""The closed vocabularies of the record (lawful bases, Art 9 conditions, recipient kinds, transfer
mechanisms, …) as enums, so a typo is a validation error with a suggestion, never a new value."""

from __future__ import annotations

import re
from enum import StrEnum


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
    complaint = "complaint"  # the controller's own complaints procedure (DPA 2018 s164A)
    regulator_complaint = (
        "regulator_complaint"  # people told of their right to complain to the regulator
    )
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
