"""The record of processing: one pydantic model per concept.

The record is what the privacy team authors (YAML, privacy as code) and what a regulator can ask
for under GDPR Art 30. Everything else in ropagraph (graph, stores, dashboard, exports) is derived
from a validated :class:`Record`, so the rules that make a record trustworthy live here: closed
vocabularies are enums (``vocabulary``), countries are ISO 3166-1 alpha-2 and every element has a
stable slug id (``base``), and cross-references between elements are checked by id (``record``).

Vagueness is first-class: a retention rule may be recorded as criteria text only and flagged
``vague``; a recipient may be recorded only as a category; a role or country may be unstated.
Recording what a source document says (and does not say) is the point; judging it is the job of
the findings rules.
"""

from graph.model.base import (
    SLUG_PATTERN,
    CountryCode,
    Element,
    Identified,
    Slug,
    Text,
    country_name,
)
from graph.model.elements import (
    BasisClaim,
    ChildrenRule,
    ConditionClaim,
    ConsentWithdrawal,
    Contact,
    Controller,
    CriminalOffenceBasis,
    DataCategory,
    DataSubject,
    Disclosure,
    Dpia,
    Legislation,
    Person,
    Procedure,
    Recipient,
    RetentionRule,
    SecurityMeasure,
    Source,
    System,
    Timescale,
    Transfer,
)
from graph.model.imported import ImportNote
from graph.model.pecr import (
    ELECTRONIC_MAIL,
    ControllerPecr,
    Cookie,
    CookieExemption,
    CookiePurpose,
    Marketing,
    MarketingAudience,
    MarketingChannel,
    PecrDataKind,
)
from graph.model.processor import ServedController
from graph.model.record import (
    COLLECTIONS,
    Activity,
    Record,
    RecordInfo,
    ReferenceProblem,
    check_references,
)
from graph.model.vocabulary import (
    ActivityRole,
    Art9Condition,
    DurationUnit,
    LawfulBasisId,
    MeasureKind,
    ProcedureKind,
    RecipientKind,
    SourceKind,
    SpecialCategory,
    TransferMechanismId,
)

__all__ = [
    "COLLECTIONS",
    "ELECTRONIC_MAIL",
    "SLUG_PATTERN",
    "Activity",
    "ActivityRole",
    "Art9Condition",
    "BasisClaim",
    "ChildrenRule",
    "ConditionClaim",
    "ConsentWithdrawal",
    "Contact",
    "Controller",
    "ControllerPecr",
    "Cookie",
    "CookieExemption",
    "CookiePurpose",
    "CountryCode",
    "CriminalOffenceBasis",
    "DataCategory",
    "DataSubject",
    "Disclosure",
    "Dpia",
    "DurationUnit",
    "Element",
    "Identified",
    "ImportNote",
    "LawfulBasisId",
    "Legislation",
    "Marketing",
    "MarketingAudience",
    "MarketingChannel",
    "MeasureKind",
    "PecrDataKind",
    "Person",
    "Procedure",
    "ProcedureKind",
    "Recipient",
    "RecipientKind",
    "Record",
    "RecordInfo",
    "ReferenceProblem",
    "RetentionRule",
    "SecurityMeasure",
    "ServedController",
    "Slug",
    "Source",
    "SourceKind",
    "SpecialCategory",
    "System",
    "Text",
    "Timescale",
    "Transfer",
    "TransferMechanismId",
    "check_references",
    "country_name",
]
