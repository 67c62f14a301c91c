"""The table-driven rules: one read-only query, one finding per row, one message template.

Most rules are exactly that, so they are declared here as data (see ``Simple`` in registry.py)
instead of each repeating the query → finding loop. A rule that needs to judge its rows in
Python (dates, reference lookups, computed wording) lives in one of the rules_*.py modules.
Titles, severities, articles and explanations stay in data/reference/finding_rules.yaml.
"""

from __future__ import annotations

from graph.findings.law import Law
from graph.findings.registry import NOT_PROCESSOR, THIRD_PARTY_SOURCE_KINDS, Simple, register_simple
from graph.reference import reference


def _schedule1_params(law: Law) -> dict[str, object]:
    needed = [e.id for e in reference("art9_conditions") if e.extra("dpa_schedule1_needed")]
    return {"needsSchedule1": sorted(needed) if law.dpa_schedule1 else []}


RECIPIENT_CYPHER = f"""
MATCH (r:Recipient)
WHERE {{condition}}
  AND EXISTS {{{{ MATCH (a:Activity)-[:DISCLOSES_TO]->(r) WHERE {NOT_PROCESSOR} }}}}
OPTIONAL MATCH (a:Activity)-[:DISCLOSES_TO]->(r)
RETURN r.id AS id, r.name AS name, r.kind AS kind, r.ref AS ref,
       collect(DISTINCT a.name) AS activities
ORDER BY id
"""
"""Recipients the controller discloses to as controller: handing data back to the business
customer of an activity performed as processor is the customer's matter, not a disclosure."""

SIMPLE_RULES: tuple[Simple, ...] = (
    # ------------------------------------------------------------------ lawfulness
    Simple(
        "SPECIAL-CATEGORY-NO-CONDITION",
        "Activity",
        f"""
MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE d.special = true AND {NOT_PROCESSOR}
  AND NOT EXISTS {{ MATCH (a)-[:MEETS_CONDITION]->(:SpecialCategoryCondition) }}
RETURN a.id AS id, a.name AS name, a.ref AS ref, collect(d.name) AS categories,
       collect(d.specialCategory) AS kinds
ORDER BY id
""",
        "The activity processes special category data ({categories:listing}: {kinds:listing}) "
        "but states no Art 9(2) condition.",
    ),
    Simple(
        "SPECIAL-CATEGORY-NO-SCHEDULE1",
        "Activity",
        """
MATCH (a:Activity)-[m:MEETS_CONDITION]->(s:SpecialCategoryCondition)
WHERE s.id IN $needsSchedule1 AND m.dpaSchedule1 IS NULL
RETURN a.id AS id, a.name AS name, s.id AS condition, s.name AS conditionName,
       s.article AS article, coalesce(m.ref, a.ref) AS ref
ORDER BY id, condition
""",
        "The activity relies on {conditionName} ({article}), which under the Data Protection "
        "Act 2018 also needs a Schedule 1 condition, and none is recorded.",
        _schedule1_params,
        {
            "needsSchedule1": "Art 9(2) conditions with dpa_schedule1_needed "
            "(art9_conditions.yaml), when the controller's jurisdiction requires DPA 2018 "
            "Schedule 1 (jurisdictions.yaml); empty otherwise"
        },
    ),
    Simple(
        "CRIMINAL-OFFENCE-NO-BASIS",
        "Activity",
        f"""
MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE d.criminalOffence = true AND a.criminalOffenceBasis IS NULL AND {NOT_PROCESSOR}
RETURN a.id AS id, a.name AS name, a.ref AS ref, collect(d.name) AS categories
ORDER BY id
""",
        "The activity processes criminal-offence data ({categories:listing}) but records no "
        "Art 10 basis (official authority or the law that authorises it).",
    ),
    Simple(
        "CRIMINAL-OFFENCE-NO-SCHEDULE1",
        "Activity",
        f"""
MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE d.criminalOffence = true AND a.criminalOffenceBasis IS NOT NULL
  AND a.criminalOffenceSchedule1 IS NULL AND $needsSchedule1 AND {NOT_PROCESSOR}
RETURN a.id AS id, a.name AS name, coalesce(a.criminalOffenceRef, a.ref) AS ref,
       collect(d.name) AS categories
ORDER BY id
""",
        "The activity processes criminal-offence data ({categories:listing}) with an Art 10 "
        "basis, but records no Data Protection Act 2018 Schedule 1 condition.",
        lambda law: {"needsSchedule1": law.dpa_schedule1},
        {
            "needsSchedule1": "true when the controller's jurisdiction requires DPA 2018 "
            "Schedule 1 (jurisdictions.yaml)"
        },
    ),
    Simple(
        "CONSENT-NO-WITHDRAWAL",
        "Activity",
        """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[r:RELIES_ON]->(b:LawfulBasis {id: 'consent'})
WHERE a.consentWithdrawal IS NULL
  AND NOT EXISTS {
    MATCH (c)-[:HAS_PROCEDURE]->(p:Procedure) WHERE p.kind = 'consent_withdrawal'
  }
RETURN a.id AS id, a.name AS name, coalesce(r.ref, a.ref) AS ref
ORDER BY id
""",
        "The activity relies on consent, but neither the activity nor the controller's "
        "procedures say how people can withdraw it.",
    ),
    Simple(
        "INDIRECT-CONSENT-MARKETING",
        "Activity",
        """
MATCH (s:Source)-[:SUPPLIES]->(a:Activity)-[r:RELIES_ON]->(b:LawfulBasis {id: 'consent'})
WHERE a.directMarketing = true AND s.kind IN $sourceKinds
RETURN a.id AS id, a.name AS name, coalesce(r.ref, a.ref) AS ref,
       collect(DISTINCT s.name) AS sources
ORDER BY id
""",
        "The activity sends direct marketing relying on consent, and is fed by data collected "
        "by someone else ({sources:listing}): any consent was given to that third party, not "
        "necessarily to this controller for this marketing.",
        lambda law: {"sourceKinds": list(THIRD_PARTY_SOURCE_KINDS)},
        {
            "sourceKinds": "source kinds whose data was collected by someone else: "
            + ", ".join(THIRD_PARTY_SOURCE_KINDS)
        },
    ),
    Simple(
        "LAWFUL-BASIS-VAGUE",
        "Activity",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[r:RELIES_ON]->(b:LawfulBasis)
WHERE {NOT_PROCESSOR} AND r.vague = true
  AND NOT EXISTS {{
    MATCH (a)-[k:RELIES_ON]->(:LawfulBasis) WHERE coalesce(k.vague, false) = false
  }}
RETURN a.id AS id, a.name AS name, coalesce(r.ref, a.ref) AS ref, collect(b.name) AS bases,
       collect(r.note) AS notes
ORDER BY id
""",
        "The activity's only lawful basis ({bases:listing}) is a general statement, not a basis "
        "stated for this purpose; people cannot tell which basis applies to it.",
    ),
    Simple(
        "MARKETING-THIRD-PARTY-LEGITIMATE-INTERESTS",
        "Activity",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[r:RELIES_ON]->(b:LawfulBasis)
WHERE {NOT_PROCESSOR} AND a.directMarketing = true AND r.establishedBy IS NOT NULL
  AND b.id IN ['legitimate_interests', 'consent']
RETURN a.id AS id, a.name AS name, coalesce(r.ref, a.ref) AS ref, b.name AS basis,
       r.establishedBy AS holder
ORDER BY id
""",
        "The activity markets on data relying on {basis} established by {holder}, not by the "
        "controller: another organisation's consent or legitimate interests assessment does "
        "not cover this controller's own marketing.",
    ),
    # ------------------------------------------------------------------ retention, security
    Simple(
        "RETENTION-MISSING",
        "Activity",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE {NOT_PROCESSOR}
  AND NOT EXISTS {{ MATCH (a)-[:RETAINED_UNDER]->(:RetentionRule) }}
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
        "The activity has no retention rule: the record does not say how long its data is kept "
        "or when it is erased.",
    ),
    Simple(
        "SECURITY-MEASURES-MISSING",
        "Activity",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE {NOT_PROCESSOR} AND NOT EXISTS {{ MATCH (a)-[:PROTECTED_BY]->(:SecurityMeasure) }}
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
        "The activity is linked to no technical or organisational security measure.",
    ),
    # ------------------------------------------------------------------ recipients
    Simple(
        "RECIPIENT-ROLE-UNKNOWN",
        "Recipient",
        RECIPIENT_CYPHER.format(condition="r.kind = 'unspecified'"),
        "The recipient {activities:receives}, but the record does not say whether it is a "
        "processor, a controller or a public authority.",
    ),
    Simple(
        "RECIPIENT-CATEGORY-ONLY",
        "Recipient",
        RECIPIENT_CYPHER.format(condition="r.categoryOnly = true"),
        "The recipient is recorded only as a category ({name:quoted}) and "
        "{activities:receives}; no organisation is named.",
    ),
    Simple(
        "RECIPIENT-COUNTRY-UNKNOWN",
        "Recipient",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:DISCLOSES_TO]->(r:Recipient)
WHERE r.country IS NULL AND {NOT_PROCESSOR} AND r.kind <> 'public_authority'
  AND NOT EXISTS {{
    MATCH (r)-[t:TRANSFER_UNDER]->(:TransferMechanism) WHERE t.country IS NOT NULL
  }}
RETURN r.id AS id, r.name AS name, r.ref AS ref, collect(DISTINCT a.name) AS activities
ORDER BY id
""",
        "The recipient receives personal data from {activities:listing}, but the record does "
        "not say where it is, so a restricted transfer cannot be ruled out.",
    ),
    # ------------------------------------------------------------------ loose ends
    Simple(
        "DATA-CATEGORY-UNUSED",
        "DataCategory",
        """
MATCH (d:DataCategory)
WHERE NOT EXISTS { MATCH (:Activity)-[:PROCESSES]->(d) }
RETURN d.id AS id, d.name AS name, d.ref AS ref
ORDER BY id
""",
        "The data category is listed but no activity processes it, so the record gives it no "
        "purpose, lawful basis or retention.",
    ),
    Simple(
        "RECIPIENT-UNUSED",
        "Recipient",
        """
MATCH (r:Recipient)
WHERE NOT EXISTS { MATCH (:Activity)-[:DISCLOSES_TO]->(r) }
  AND NOT EXISTS { MATCH (:Recipient)-[:SUBCONTRACTS_TO]->(r) }
RETURN r.id AS id, r.name AS name, r.ref AS ref
ORDER BY id
""",
        "The recipient is listed but no activity discloses data to it (and it is no one's "
        "sub-processor), so the record cannot say what it receives or why.",
    ),
    Simple(
        "DATA-SUBJECT-UNUSED",
        "DataSubject",
        """
MATCH (s:DataSubject)
WHERE NOT EXISTS { MATCH (:Activity)-[:CONCERNS]->(s) }
RETURN s.id AS id, s.name AS name, s.ref AS ref
ORDER BY id
""",
        "The category of data subjects is listed but no activity concerns it, so the record "
        "does not say what is done with their data.",
    ),
    Simple(
        "SOURCE-UNUSED",
        "Source",
        """
MATCH (s:Source)
WHERE NOT EXISTS { MATCH (s)-[:SUPPLIES]->(:Activity) }
RETURN s.id AS id, s.name AS name, s.kind AS kind, s.ref AS ref
ORDER BY id
""",
        "The source ({kind}) supplies no activity, so the record does not say what the data "
        "obtained from it is used for.",
    ),
    Simple(
        "ACTIVITY-NO-DATA-CATEGORIES",
        "Activity",
        """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE NOT EXISTS { MATCH (a)-[:PROCESSES]->(:DataCategory) }
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
        "The activity lists no categories of personal data.",
    ),
    # ------------------------------------------------------------------ the controller
    Simple(
        "COMPLAINTS-PROCEDURE-MISSING",
        "Controller",
        """
MATCH (c:Controller)
WHERE NOT EXISTS { MATCH (c)-[:HAS_PROCEDURE]->(p:Procedure) WHERE p.kind = 'complaint' }
RETURN c.id AS id, c.name AS name, c.ref AS ref
ORDER BY id
""",
        "The record has no procedure for people to complain to the controller about its use "
        "of their personal data (a complaint form usable electronically, acknowledgement within "
        "30 days, a response without undue delay).",
    ),
    Simple(
        "REGULATOR-COMPLAINT-NOT-STATED",
        "Controller",
        """
MATCH (c:Controller)
WHERE NOT EXISTS {
  MATCH (c)-[:HAS_PROCEDURE]->(p:Procedure) WHERE p.kind = 'regulator_complaint'
}
RETURN c.id AS id, c.name AS name, c.ref AS ref
ORDER BY id
""",
        "The record does not show that people are told of their right to lodge a complaint "
        "with the supervisory authority.",
    ),
    Simple(
        "DPO-CONTACT-MISSING",
        "Controller",
        """
MATCH (c:Controller)
WHERE c.dpoName IS NOT NULL AND c.dpoEmail IS NULL AND c.dpoPhone IS NULL
RETURN c.id AS id, c.name AS name, c.dpoName AS dpo, coalesce(c.dpoRef, c.ref) AS ref
ORDER BY id
""",
        "The record names a data protection officer ({dpo:quoted}) but gives no contact details "
        "for them.",
    ),
)

register_simple(SIMPLE_RULES)
