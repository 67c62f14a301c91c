"""The property-graph schema: every label, relationship type and property, with its type.

One declaration serves the graph builder (what properties a node carries), the embedded store
(DDL and bulk COPY column types), Neo4j exports (CSV headers) and the documentation
(docs/graph-schema.md is checked against it by the tests). Property keys are camelCase, labels
PascalCase, relationship types UPPER_SNAKE, as Neo4j recommends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PropType = Literal["STRING", "INT64", "BOOLEAN", "STRING[]"]


@dataclass(frozen=True)
class NodeSpec:
    label: str
    properties: dict[str, PropType]
    doc: str


@dataclass(frozen=True)
class RelSpec:
    type: str
    endpoints: tuple[tuple[str, str], ...]
    properties: dict[str, PropType] = field(default_factory=dict)
    doc: str = ""


_PROVENANCE: dict[str, PropType] = {"ref": "STRING", "note": "STRING"}


def _node(label: str, doc: str, **props: PropType) -> NodeSpec:
    base: dict[str, PropType] = {"id": "STRING", "name": "STRING", "description": "STRING"}
    return NodeSpec(label, {**base, **props, **_PROVENANCE}, doc)


NODES: tuple[NodeSpec, ...] = (
    _node(
        "Record",
        "The record of processing this graph was built from (one node).",
        version="STRING",
        sourceDocuments="STRING[]",
        contentHash="STRING",
    ),
    _node(
        "Controller",
        "The organisation that determines the purposes and means (Art 30(1)(a)).",
        country="STRING",
        address="STRING",
        email="STRING",
        phone="STRING",
        website="STRING",
        dpoName="STRING",
        dpoRole="STRING",
        dpoEmail="STRING",
        dpoPhone="STRING",
        dpoRef="STRING",
        sector="STRING",
        publicEcsProvider="BOOLEAN",
        websiteOrApp="BOOLEAN",
        pecrRef="STRING",
        representativeName="STRING",
        representativeContact="STRING",
    ),
    _node("Legislation", "A law the controller says it complies with."),
    _node(
        "ServedController",
        "A controller on whose behalf the organisation processes as processor (Art 30(2)(a)); "
        "categoryOnly when the record names a class ('our business customers').",
        country="STRING",
        address="STRING",
        email="STRING",
        phone="STRING",
        website="STRING",
        representativeName="STRING",
        representativeContact="STRING",
        dpoName="STRING",
        dpoEmail="STRING",
        dpoPhone="STRING",
        categoryOnly="BOOLEAN",
        contractRef="STRING",
    ),
    _node(
        "Activity",
        "A processing activity and its purposes (Art 30(1)(b)).",
        businessFunction="STRING",
        role="STRING",
        purposes="STRING[]",
        directMarketing="BOOLEAN",
        marketingChannels="STRING[]",
        marketingAudience="STRING",
        softOptIn="BOOLEAN",
        tpsScreened="BOOLEAN",
        marketingRef="STRING",
        childOnlineService="BOOLEAN",
        automatedDecisionMaking="STRING",
        childConsentAge="INT64",
        childRuleRef="STRING",
        consentWithdrawal="STRING",
        consentWithdrawalRef="STRING",
        dpiaRequired="BOOLEAN",
        dpiaStatus="STRING",
        dpiaReference="STRING",
        criminalOffenceBasis="STRING",
        criminalOffenceSchedule1="STRING",
        criminalOffenceRef="STRING",
    ),
    _node(
        "DataCategory",
        "A category of personal data (Art 30(1)(c)); special categories flagged (Art 9(1)).",
        special="BOOLEAN",
        specialCategory="STRING",
        criminalOffence="BOOLEAN",
        examples="STRING[]",
        pecrKind="STRING",
    ),
    _node("DataSubject", "A category of data subjects (Art 30(1)(c))."),
    _node("Source", "Where personal data comes from (Art 14(2)(f)).", kind="STRING"),
    _node(
        "LawfulBasis",
        "An Art 6(1) lawful basis (all bases are present, used or not).",
        article="STRING",
    ),
    _node(
        "SpecialCategoryCondition",
        "An Art 9(2) condition for special-category data (all present).",
        article="STRING",
    ),
    _node(
        "Recipient",
        "Who receives personal data (Art 30(1)(d)): processor, controller, public authority, or "
        "only a category of recipient.",
        kind="STRING",
        categoryOnly="BOOLEAN",
        country="STRING",
        contractRef="STRING",
    ),
    _node("Country", "An ISO 3166-1 country (id is the alpha-2 code)."),
    _node(
        "TransferMechanism",
        "A tool for transfers to third countries (Art 30(1)(e), Art 44-49); all present.",
        article="STRING",
    ),
    _node("System", "An IT system or service that holds or processes the data.", location="STRING"),
    _node(
        "Cookie",
        "A cookie or similar technology set on a user's device, and its footing (PECR reg 6).",
        purpose="STRING",
        provider="STRING",
        consent="BOOLEAN",
        exemption="STRING",
        information="STRING",
        objection="STRING",
    ),
    _node(
        "SecurityMeasure", "A technical or organisational measure (Art 30(1)(g)).", kind="STRING"
    ),
    _node(
        "RetentionRule",
        "How long data is kept (Art 30(1)(f)): a period, criteria, or vague.",
        period="STRING",
        periodDays="INT64",
        criteria="STRING",
        vague="BOOLEAN",
    ),
    _node(
        "Procedure",
        "How the controller handles a right or an obligation (SARs, withdrawal, breaches).",
        kind="STRING",
        channel="STRING",
        timescaleDays="INT64",
        timescaleMonths="INT64",
        timescaleHours="INT64",
        extensionMonths="INT64",
        timescaleStatedAs="STRING",
    ),
)

RELS: tuple[RelSpec, ...] = (
    RelSpec("PERFORMS", (("Controller", "Activity"),), doc="The controller performs the activity."),
    RelSpec("CITES", (("Controller", "Legislation"),), {"ref": "STRING"}, "Law cited."),
    RelSpec(
        "HAS_PROCEDURE", (("Controller", "Procedure"),), doc="A procedure the controller offers."
    ),
    RelSpec(
        "LOCATED_IN",
        (
            ("Controller", "Country"),
            ("Recipient", "Country"),
            ("System", "Country"),
            ("ServedController", "Country"),
        ),
        doc="Where an organisation or system is.",
    ),
    RelSpec(
        "ON_BEHALF_OF",
        (("Activity", "ServedController"),),
        doc="A processor activity is carried out for the controller (Art 30(2)(b)).",
    ),
    RelSpec("PROCESSES", (("Activity", "DataCategory"),), doc="Data the activity processes."),
    RelSpec("CONCERNS", (("Activity", "DataSubject"),), doc="Whose data it is."),
    RelSpec(
        "RELIES_ON",
        (("Activity", "LawfulBasis"),),
        {
            "legitimateInterest": "STRING",
            "liaRef": "STRING",
            "vague": "BOOLEAN",
            "establishedBy": "STRING",
            "ref": "STRING",
            "note": "STRING",
        },
        "The Art 6(1) basis claimed for the activity.",
    ),
    RelSpec(
        "MEETS_CONDITION",
        (("Activity", "SpecialCategoryCondition"),),
        {"dpaSchedule1": "STRING", "ref": "STRING", "note": "STRING"},
        "The Art 9(2) condition claimed.",
    ),
    RelSpec("SUPPLIES", (("Source", "Activity"),), doc="A source feeds the activity."),
    RelSpec("PROVIDES", (("Source", "DataCategory"),), doc="A source provides the category."),
    RelSpec(
        "DISCLOSES_TO",
        (("Activity", "Recipient"),),
        {"dataCategories": "STRING[]", "purpose": "STRING", "ref": "STRING", "note": "STRING"},
        "Data disclosed to a recipient; dataCategories lists the category ids.",
    ),
    RelSpec(
        "TRANSFER_UNDER",
        (("Recipient", "TransferMechanism"),),
        {
            "country": "STRING",
            "statedAs": "STRING",
            "certified": "BOOLEAN",
            "derogation": "STRING",
            "concludedOn": "STRING",
            "ref": "STRING",
            "note": "STRING",
        },
        "The transfer tool the record states for a recipient; country is the destination.",
    ),
    RelSpec("SUBCONTRACTS_TO", (("Recipient", "Recipient"),), doc="Sub-processor."),
    RelSpec("USES", (("Activity", "System"),), doc="Systems the activity uses."),
    RelSpec(
        "SETS",
        (("Activity", "Cookie"),),
        doc="A cookie or similar technology the activity sets or reads (PECR reg 6).",
    ),
    RelSpec("PROTECTED_BY", (("Activity", "SecurityMeasure"),), doc="Security measures."),
    RelSpec("RETAINED_UNDER", (("Activity", "RetentionRule"),), doc="Retention rule(s)."),
)

NODE_SPECS: dict[str, NodeSpec] = {spec.label: spec for spec in NODES}
REL_SPECS: dict[str, RelSpec] = {spec.type: spec for spec in RELS}
