"""Rules on what people are told and offered: their rights, and a DPO free to stand up for them."""

from __future__ import annotations

from collections.abc import Iterator

from graph.findings.model import Finding
from graph.findings.registry import NOT_PROCESSOR, Row, RuleRun, check, listing, quoted
from graph.reference import reference

_WHEN_BASES = {
    "legitimate_interests_or_public_task": (
        "legitimate_interests",
        "recognised_legitimate_interest",
        "public_task",
    ),
    "consent_or_contract": ("consent", "contract"),
}


@check(
    "RIGHTS-NOT-STATED",
    f"""
// Each OPTIONAL MATCH is aggregated before the next: matched together they multiply
// (procedures x activity bases x marketing activities: 10^10 rows at 100k activities).
MATCH (c:Controller)
OPTIONAL MATCH (c)-[:HAS_PROCEDURE]->(p:Procedure)
WITH c, collect(DISTINCT p.kind) AS kinds
OPTIONAL MATCH (c)-[:PERFORMS]->(a:Activity)-[:RELIES_ON]->(b:LawfulBasis)
WHERE {NOT_PROCESSOR}
WITH c, kinds, collect(DISTINCT b.id) AS bases
OPTIONAL MATCH (c)-[:PERFORMS]->(m:Activity)
WHERE m.directMarketing = true AND coalesce(m.role, 'controller') <> 'processor'
RETURN c.id AS id, c.name AS name, c.ref AS ref, kinds, bases, count(DISTINCT m) AS marketing
ORDER BY id
""",
)
def _rights_not_stated(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        kinds = set(row["kinds"] or [])
        bases = set(row["bases"] or [])
        missing: list[str] = []
        articles: list[str] = []
        for right in reference("data_subject_rights"):
            when = str(right.extra("when"))
            needed = when == "always" or bool(bases & set(_WHEN_BASES.get(when, ())))
            if when == "legitimate_interests_or_public_task" and row["marketing"]:
                needed = True  # Art 21(2): objection to direct marketing
            if needed and right.extra("procedure_kind") not in kinds:
                missing.append(f"{right.name} ({right.article})")
                articles.append(str(right.article))
        if not missing:
            continue
        yield run.finding(
            "Controller",
            row["id"],
            row["name"],
            f"The record states no procedure for {listing(missing, limit=6)}: people must be "
            "told of these rights and how to exercise them.",
            row["ref"],
            extra_articles=tuple(articles),
        )


def _phrases(_: object) -> dict[str, object]:
    return {"phrases": [str(e.extra("phrase")).lower() for e in reference("dpo_conflicting_roles")]}


@check(
    "DPO-CONFLICTING-ROLE",
    """
MATCH (c:Controller)
WHERE c.dpoName IS NOT NULL OR c.dpoRole IS NOT NULL
UNWIND $phrases AS phrase
WITH c, phrase
WHERE toLower(coalesce(c.dpoRole, '') + ' ' + coalesce(c.dpoName, '')) CONTAINS phrase
RETURN c.id AS id, c.name AS name, c.dpoName AS dpo, c.dpoRole AS role,
       coalesce(c.dpoRef, c.ref) AS ref, collect(phrase) AS phrases
ORDER BY id
""",
    _phrases,
    {"phrases": "the phrases of dpo_conflicting_roles.yaml, lower-case"},
)
def _dpo_conflict(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    concerns = {
        str(e.extra("phrase")).lower(): str(e.extra("concern"))
        for e in reference("dpo_conflicting_roles")
    }
    for row in rows:
        worries = listing((concerns.get(p, "") for p in row["phrases"]), limit=2)
        held = quoted(row["role"] or row["dpo"])
        yield run.finding(
            "Controller",
            row["id"],
            row["name"],
            f"The data protection officer is recorded as {held}, which suggests {worries}: a "
            "role that usually decides how personal data is processed, which the DPO must then "
            "monitor independently. This is a text match for a person to review, not a verdict.",
            row["ref"],
        )
