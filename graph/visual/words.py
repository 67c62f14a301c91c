"""Plain words for what the graph calls things: labels, property names, relationship types.

The graph schema speaks Neo4j conventions (``DataCategory``, ``categoryOnly``, ``DISCLOSES_TO``);
a DPO reads "data category", "category of recipients only", "discloses to". Every screen and
legend takes its words from here, so one table decides what a person reads.
"""

from __future__ import annotations

import re

LABEL_NAMES: dict[str, str] = {
    "Record": "Record of processing",
    "Controller": "Controller (the organisation)",
    "ServedController": "Controller we process for (as processor)",
    "Legislation": "Law cited",
    "Activity": "Processing activity",
    "DataCategory": "Personal data",
    "DataSubject": "Whose data (data subjects)",
    "Source": "Where data comes from",
    "LawfulBasis": "Lawful basis",
    "SpecialCategoryCondition": "Condition for special-category data",
    "Recipient": "Who receives it",
    "Country": "Country",
    "TransferMechanism": "Transfer safeguard",
    "System": "IT system",
    "Cookie": "Cookie or similar technology",
    "SecurityMeasure": "Security measure",
    "RetentionRule": "How long it is kept",
    "Procedure": "Procedure (rights, breaches)",
}
"""What each label is called on screen (legends, filters, captions)."""

LABEL_SHORT: dict[str, str] = {
    "Record": "Record",
    "Controller": "Controller",
    "ServedController": "Controller served",
    "Legislation": "Law",
    "Activity": "Activity",
    "DataCategory": "Data category",
    "DataSubject": "Data subjects",
    "Source": "Source",
    "LawfulBasis": "Lawful basis",
    "SpecialCategoryCondition": "Art 9 condition",
    "Recipient": "Recipient",
    "Country": "Country",
    "TransferMechanism": "Transfer safeguard",
    "System": "System",
    "Cookie": "Cookie",
    "SecurityMeasure": "Security measure",
    "RetentionRule": "Retention rule",
    "Procedure": "Procedure",
}
"""A short name for captions such as 'Recipient · MailChimp'."""

LABEL_PLURALS: dict[str, str] = {
    "Record": "records",
    "Controller": "controllers",
    "ServedController": "controllers served",
    "Legislation": "laws cited",
    "Activity": "activities",
    "DataCategory": "data categories",
    "DataSubject": "groups of data subjects",
    "Source": "sources",
    "LawfulBasis": "lawful bases",
    "SpecialCategoryCondition": "special-category conditions",
    "Recipient": "recipients",
    "Country": "countries",
    "TransferMechanism": "transfer safeguards",
    "System": "systems",
    "Cookie": "cookies",
    "SecurityMeasure": "security measures",
    "RetentionRule": "retention rules",
    "Procedure": "procedures",
}

EDGE_WORDS: dict[str, str] = {
    "PERFORMS": "performs",
    "ON_BEHALF_OF": "carried out for",
    "CITES": "cites",
    "HAS_PROCEDURE": "has procedure",
    "LOCATED_IN": "located in",
    "PROCESSES": "processes",
    "CONCERNS": "concerns",
    "RELIES_ON": "relies on",
    "MEETS_CONDITION": "meets condition",
    "SUPPLIES": "supplies",
    "PROVIDES": "provides",
    "DISCLOSES_TO": "discloses to",
    "TRANSFER_UNDER": "transfers under",
    "SUBCONTRACTS_TO": "subcontracts to",
    "USES": "uses",
    "SETS": "sets",
    "PROTECTED_BY": "protected by",
    "RETAINED_UNDER": "kept under",
}

FIELD_NAMES: dict[str, str] = {
    "id": "identifier",
    "businessFunction": "business function",
    "purposes": "purposes",
    "directMarketing": "direct marketing",
    "automatedDecisionMaking": "automated decision-making",
    "childConsentAge": "age of consent for children",
    "childRuleRef": "children's rule (source)",
    "consentWithdrawal": "how to withdraw consent",
    "consentWithdrawalRef": "withdrawal (source)",
    "dpiaRequired": "DPIA required",
    "dpiaStatus": "DPIA status",
    "dpiaReference": "DPIA reference",
    "criminalOffenceBasis": "criminal-offence data basis",
    "criminalOffenceSchedule1": "DPA 2018 Schedule 1 condition",
    "criminalOffenceRef": "criminal-offence data (source)",
    "specialCategory": "special category",
    "special": "special-category data",
    "criminalOffence": "criminal-offence data",
    "categoryOnly": "named only as a category (no one organisation)",
    "contractRef": "contract",
    "timescaleDays": "time limit (days)",
    "timescaleMonths": "time limit (months)",
    "timescaleHours": "time limit (hours)",
    "extensionMonths": "extension (months)",
    "timescaleStatedAs": "time limit as stated",
    "periodDays": "period (days)",
    "vague": "vague",
    "sourceDocuments": "source documents",
    "contentHash": "content fingerprint",
    "dpoName": "DPO",
    "dpoRole": "DPO role",
    "dpoEmail": "DPO email",
    "dpoPhone": "DPO phone",
    "dpoRef": "DPO (source)",
    "representativeName": "representative",
    "representativeContact": "representative contact",
    "legitimateInterest": "legitimate interest",
    "liaRef": "legitimate interests assessment",
    "dpaSchedule1": "DPA 2018 Schedule 1 condition",
    "dataCategories": "data categories",
    "statedAs": "as stated",
    "derogation": "derogation",
    "certified": "certified",
    "ref": "where the source says it",
    "note": "note",
    "kind": "kind",
    "location": "location",
    "article": "article",
    "version": "version",
    "loadedAt": "loaded at",
}
"""Property names as a person reads them; anything else is split from camelCase."""

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def label_name(label: str) -> str:
    return LABEL_NAMES.get(label, label)


def label_short(label: str) -> str:
    return LABEL_SHORT.get(label, label)


def label_plural(label: str) -> str:
    return LABEL_PLURALS.get(label, f"{label} nodes")


def edge_words(rel_type: str) -> str:
    return EDGE_WORDS.get(rel_type, rel_type.replace("_", " ").lower())


def field_name(name: str) -> str:
    """``categoryOnly`` -> 'named only as a category (…)'; unknown names de-camelCased."""
    if name in FIELD_NAMES:
        return FIELD_NAMES[name]
    return _CAMEL.sub(" ", name).replace("_", " ").lower()
