"""Rules on what the Art 30 record itself must say: retention, security, recipients, and gaps.

Several of these find elements that hang loose in the graph (a data category no activity
processes, a recipient no activity discloses to): in a record derived from a privacy notice those
are usually the places where the notice says more than the organisation has documented.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from graph.findings.model import Finding
from graph.findings.registry import Row, RuleRun, check, listing, quoted
from graph.reference import reference


def _used_by(activities: list[str] | None) -> str:
    names = [a for a in activities or [] if a]
    return f"used by {listing(names)}" if names else "used by no activity"


# --------------------------------------------------------------------------- retention

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|ninety"
)
STATED_PERIOD = re.compile(
    rf"\b(\d+|{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}))?[\s-]+(day|week|month|year)s?\b",
    re.IGNORECASE,
)
"""A period in words: '6 years after employment ends', 'eleven years after last treatment'.
A rule that states one is clear, even though its trigger ('after employment ends') makes it
more than a bare duration the record's ``period`` field can hold."""


def states_period(*texts: str | None) -> bool:
    return any(text and STATED_PERIOD.search(text) for text in texts)


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
        if not row["vague"] and states_period(row["criteria"] or row["name"]):
            continue  # a period with its trigger, written in words: clear enough to apply
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
        if states_period(row["criteria"]):
            continue  # the criteria state a period in words ('6 years after ...')
        yield run.finding(
            "RetentionRule",
            row["id"],
            row["name"],
            f"The retention rule ({_used_by(row['activities'])}) gives criteria but no period: "
            f"{quoted(row['criteria'])}.",
            row["ref"],
        )


# --------------------------------------------------------------------------- security


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


# --------------------------------------------------------------------------- loose ends
