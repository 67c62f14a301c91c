"""Rules on what the Art 30 record itself must say: retention, security, recipients, and gaps.

Several of these find elements that hang loose in the graph (a data category no activity
processes, a recipient no activity discloses to): in a record derived from a privacy notice those
are usually the places where the notice says more than the organisation has documented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from graph.findings.model import Finding
from graph.findings.registry import Row, RuleRun, check, listing, quoted
from graph.findings.rules_lawfulness import NOT_PROCESSOR
from graph.reference import reference


def _used_by(activities: list[str] | None) -> str:
    names = [a for a in activities or [] if a]
    return f"used by {listing(names)}" if names else "used by no activity"


# --------------------------------------------------------------------------- retention


@check(
    "RETENTION-MISSING",
    f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE {NOT_PROCESSOR}
  AND NOT EXISTS {{ MATCH (a)-[:RETAINED_UNDER]->(:RetentionRule) }}
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
)
def _retention_missing(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            "The activity has no retention rule: the record does not say how long its data "
            "is kept or when it is erased.",
            row["ref"],
        )


RETENTION_CYPHER = """
MATCH (k:RetentionRule)
WHERE {condition}
OPTIONAL MATCH (a:Activity)-[:RETAINED_UNDER]->(k)
RETURN k.id AS id, k.name AS name, k.criteria AS criteria, k.vague AS vague, k.ref AS ref,
       collect(a.name) AS activities
ORDER BY id
"""


@check(
    "RETENTION-VAGUE",
    RETENTION_CYPHER.format(
        condition="k.vague = true OR (k.period IS NULL AND k.criteria IS NULL)"
    ),
)
def _retention_vague(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        if row["criteria"]:
            said = f"it says only {quoted(row['criteria'])}, with no period"
        else:
            said = "it states neither a period nor criteria"
        flagged = " and the record flags it as vague" if row["vague"] else ""
        yield run.finding(
            "RetentionRule",
            row["id"],
            row["name"],
            f"The retention rule ({_used_by(row['activities'])}) cannot be applied: "
            f"{said}{flagged}.",
            row["ref"],
        )


@check(
    "RETENTION-NO-PERIOD",
    RETENTION_CYPHER.format(
        condition="k.period IS NULL AND k.criteria IS NOT NULL AND coalesce(k.vague, false) = false"
    ),
)
def _retention_no_period(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "RetentionRule",
            row["id"],
            row["name"],
            f"The retention rule ({_used_by(row['activities'])}) gives criteria but no period: "
            f"{quoted(row['criteria'])}.",
            row["ref"],
        )


# --------------------------------------------------------------------------- security


@check(
    "SECURITY-MEASURES-MISSING",
    """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE NOT EXISTS { MATCH (a)-[:PROTECTED_BY]->(:SecurityMeasure) }
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
)
def _security_missing(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            "The activity is linked to no technical or organisational security measure.",
            row["ref"],
        )


def _phrases(_: object) -> dict[str, object]:
    return {"phrases": [str(e.extra("phrase")).lower() for e in reference("weak_security_phrases")]}


@check(
    "SECURITY-SHARED-PASSWORD",
    """
MATCH (m:SecurityMeasure)
UNWIND $phrases AS phrase
WITH m, phrase
WHERE toLower(m.name + ' ' + coalesce(m.description, '')) CONTAINS phrase
OPTIONAL MATCH (a:Activity)-[:PROTECTED_BY]->(m)
RETURN m.id AS id, m.name AS name, m.description AS description, m.ref AS ref, phrase,
       collect(DISTINCT a.name) AS activities
ORDER BY id, phrase
""",
    _phrases,
    {"phrases": "the phrases of weak_security_phrases.yaml, lower-case"},
)
def _shared_password(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    concerns = {
        str(e.extra("phrase")).lower(): str(e.extra("concern"))
        for e in reference("weak_security_phrases")
    }
    by_measure: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_measure[row["id"]].append(row)
    for measure_rows in by_measure.values():
        first = measure_rows[0]
        phrases = [r["phrase"] for r in measure_rows]
        worries = listing((concerns.get(p, "") for p in phrases), limit=2)
        text = quoted(first["description"] or first["name"])
        yield run.finding(
            "SecurityMeasure",
            first["id"],
            first["name"],
            f"The measure ({_used_by(first['activities'])}) reads {text}; its wording "
            f"({listing(quoted(p) for p in phrases)}) suggests {worries}. "
            "This is a text match for a person to review, not a verdict.",
            first["ref"],
        )


# --------------------------------------------------------------------------- recipients

RECIPIENT_CYPHER = """
MATCH (r:Recipient)
WHERE {condition}
OPTIONAL MATCH (a:Activity)-[:DISCLOSES_TO]->(r)
RETURN r.id AS id, r.name AS name, r.kind AS kind, r.ref AS ref,
       collect(DISTINCT a.name) AS activities
ORDER BY id
"""


def _receives(activities: list[str] | None) -> str:
    names = [a for a in activities or [] if a]
    return f"receives data from {listing(names)}" if names else "receives data from no activity"


@check(
    "PROCESSOR-NO-CONTRACT",
    RECIPIENT_CYPHER.format(
        condition="r.kind IN ['processor', 'sub_processor'] AND r.contractRef IS NULL"
    ),
)
def _processor_no_contract(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        role = "sub-processor" if row["kind"] == "sub_processor" else "processor"
        yield run.finding(
            "Recipient",
            row["id"],
            row["name"],
            f"The {role} {_receives(row['activities'])}, and the record references no "
            "processing contract.",
            row["ref"],
        )


@check("RECIPIENT-ROLE-UNKNOWN", RECIPIENT_CYPHER.format(condition="r.kind = 'unspecified'"))
def _role_unknown(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Recipient",
            row["id"],
            row["name"],
            f"The recipient {_receives(row['activities'])}, but the record does not say whether "
            "it is a processor, a controller or a public authority.",
            row["ref"],
        )


@check("RECIPIENT-CATEGORY-ONLY", RECIPIENT_CYPHER.format(condition="r.categoryOnly = true"))
def _category_only(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Recipient",
            row["id"],
            row["name"],
            f"The recipient is recorded only as a category ({quoted(row['name'])}) and "
            f"{_receives(row['activities'])}; no organisation is named.",
            row["ref"],
        )


# --------------------------------------------------------------------------- loose ends


@check(
    "DATA-CATEGORY-UNUSED",
    """
MATCH (d:DataCategory)
WHERE NOT EXISTS { MATCH (:Activity)-[:PROCESSES]->(d) }
RETURN d.id AS id, d.name AS name, d.ref AS ref
ORDER BY id
""",
)
def _category_unused(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "DataCategory",
            row["id"],
            row["name"],
            "The data category is listed but no activity processes it, so the record gives it "
            "no purpose, lawful basis or retention.",
            row["ref"],
        )


@check(
    "RECIPIENT-UNUSED",
    """
MATCH (r:Recipient)
WHERE NOT EXISTS { MATCH (:Activity)-[:DISCLOSES_TO]->(r) }
  AND NOT EXISTS { MATCH (:Recipient)-[:SUBCONTRACTS_TO]->(r) }
RETURN r.id AS id, r.name AS name, r.ref AS ref
ORDER BY id
""",
)
def _recipient_unused(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Recipient",
            row["id"],
            row["name"],
            "The recipient is listed but no activity discloses data to it (and it is no one's "
            "sub-processor), so the record cannot say what it receives or why.",
            row["ref"],
        )


@check(
    "DATA-SUBJECT-UNUSED",
    """
MATCH (s:DataSubject)
WHERE NOT EXISTS { MATCH (:Activity)-[:CONCERNS]->(s) }
RETURN s.id AS id, s.name AS name, s.ref AS ref
ORDER BY id
""",
)
def _subject_unused(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "DataSubject",
            row["id"],
            row["name"],
            "The category of data subjects is listed but no activity concerns it, so the record "
            "does not say what is done with their data.",
            row["ref"],
        )


@check(
    "SOURCE-UNUSED",
    """
MATCH (s:Source)
WHERE NOT EXISTS { MATCH (s)-[:SUPPLIES]->(:Activity) }
RETURN s.id AS id, s.name AS name, s.kind AS kind, s.ref AS ref
ORDER BY id
""",
)
def _source_unused(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Source",
            row["id"],
            row["name"],
            f"The source ({row['kind']}) supplies no activity, so the record does not say what "
            "the data obtained from it is used for.",
            row["ref"],
        )


@check(
    "ACTIVITY-NO-DATA-CATEGORIES",
    """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE NOT EXISTS { MATCH (a)-[:PROCESSES]->(:DataCategory) }
RETURN a.id AS id, a.name AS name, a.ref AS ref
ORDER BY id
""",
)
def _activity_no_categories(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            "The activity lists no categories of personal data.",
            row["ref"],
        )
