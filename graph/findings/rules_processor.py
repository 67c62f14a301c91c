"""The processor record (Art 30(2)): rules on activities performed as processor and on the
controllers served.

Table-driven like rules_simple.py (one query, one finding per row). The graph holds each
controller served as a ``ServedController`` node and each processor activity's
``ON_BEHALF_OF`` relationship to it (graph/schema.py), so every check is a read-only query a
DPO can paste into ``ropagraph cypher``. Transfers to a third country without a tool are left
to TRANSFER-NO-MECHANISM, which already covers processor activities (Chapter V binds
processors); the processor-specific transfer rule here is the one only a processor's record
can miss: a recipient whose location is unknown, which RECIPIENT-COUNTRY-UNKNOWN skips for
processor activities.
"""

from __future__ import annotations

from graph.findings.registry import Simple, register_simple

PROCESSOR = "a.role = 'processor'"
"""Cypher condition: the activity ``a`` is performed as processor."""

NAMED = "coalesce(s.categoryOnly, false) = false"
"""Cypher condition: the controller served ``s`` is one organisation, not a class."""

PROCESSOR_RULES: tuple[Simple, ...] = (
    Simple(
        "PROCESSOR-CONTROLLER-NOT-NAMED",
        "Activity",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE {PROCESSOR} AND NOT EXISTS {{ MATCH (a)-[:ON_BEHALF_OF]->(:ServedController) }}
RETURN a.id AS id, a.name AS name, a.ref AS ref, c.name AS organisation
ORDER BY id
""",
        "{organisation} performs the activity as processor, but the record names no controller "
        "on whose behalf it is carried out.",
    ),
    Simple(
        "PROCESSOR-CONTROLLER-NO-PROCESSING",
        "ServedController",
        """
MATCH (s:ServedController)
WHERE NOT EXISTS { MATCH (:Activity)-[:ON_BEHALF_OF]->(s) }
RETURN s.id AS id, s.name AS name, s.ref AS ref
ORDER BY id
""",
        "The record lists {name:quoted} as a controller the organisation processes for, but no "
        "activity is carried out on its behalf, so the categories of processing done for it "
        "are not recorded.",
    ),
    Simple(
        "PROCESSOR-CONTROLLER-CONTACT-MISSING",
        "ServedController",
        f"""
MATCH (s:ServedController)
WHERE {NAMED} AND s.address IS NULL AND s.email IS NULL AND s.phone IS NULL
OPTIONAL MATCH (a:Activity)-[:ON_BEHALF_OF]->(s)
RETURN s.id AS id, s.name AS name, s.ref AS ref, collect(a.name) AS activities
ORDER BY id
""",
        "The record names the controller {name:quoted} (processing: {activities:listing}) but "
        "gives no address, email or telephone for it.",
    ),
    Simple(
        "PROCESSOR-CONTROLLER-CATEGORY-ONLY",
        "ServedController",
        """
MATCH (s:ServedController)
WHERE s.categoryOnly = true
OPTIONAL MATCH (a:Activity)-[:ON_BEHALF_OF]->(s)
RETURN s.id AS id, s.name AS name, s.ref AS ref, collect(a.name) AS activities
ORDER BY id
""",
        "The controllers served are recorded only as a class ({name:quoted}), for "
        "{activities:listing}; no controller is named with its contact details.",
    ),
    Simple(
        "PROCESSOR-CONTROLLER-NO-CONTRACT",
        "ServedController",
        """
MATCH (s:ServedController)
WHERE s.contractRef IS NULL
OPTIONAL MATCH (a:Activity)-[:ON_BEHALF_OF]->(s)
RETURN s.id AS id, s.name AS name, s.ref AS ref, collect(a.name) AS activities
ORDER BY id
""",
        "The organisation processes for {name:quoted} ({activities:listing}), and the record "
        "references no contract or other legal act governing that processing.",
    ),
    Simple(
        "PROCESSOR-SECURITY-MEASURES-MISSING",
        "Activity",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE {PROCESSOR} AND NOT EXISTS {{ MATCH (a)-[:PROTECTED_BY]->(:SecurityMeasure) }}
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
        "The activity is performed as processor and is linked to no technical or "
        "organisational security measure, so the processor's record gives no general "
        "description of how the controller's data is protected.",
    ),
    Simple(
        "PROCESSOR-TRANSFER-COUNTRY-UNKNOWN",
        "Recipient",
        f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:DISCLOSES_TO]->(r:Recipient)
WHERE {PROCESSOR} AND r.country IS NULL
  AND NOT (r.kind IN ['controller', 'joint_controller', 'public_authority'])
  AND NOT EXISTS {{
    MATCH (r)-[t:TRANSFER_UNDER]->(:TransferMechanism) WHERE t.country IS NOT NULL
  }}
RETURN r.id AS id, r.name AS name, r.ref AS ref, collect(DISTINCT a.name) AS activities
ORDER BY id
""",
        "The recipient receives personal data from {activities:listing}, performed as "
        "processor, but the record does not say where it is, so the processor's record cannot "
        "show whether that data is transferred to a third country.",
    ),
)

register_simple(PROCESSOR_RULES)
