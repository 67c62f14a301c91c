"""Rules on why processing is lawful: Art 6 bases, Art 9/10 conditions, consent, children, DPIAs.

Activities the organisation performs as a processor are skipped where the obligation is the
controller's (the lawful basis, the Art 9 condition, the DPIA belong to the business customer).
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.findings.law import Law
from graph.findings.model import Finding
from graph.findings.registry import NOT_PROCESSOR, Row, RuleRun, check, listing, quoted
from graph.reference import long_date


@check(
    "LAWFUL-BASIS-MISSING",
    f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE {NOT_PROCESSOR}
  AND NOT EXISTS {{ MATCH (a)-[:RELIES_ON]->(:LawfulBasis) }}
RETURN a.id AS id, a.name AS name, a.purposes AS purposes, a.ref AS ref
ORDER BY id
""",
)
def _basis_missing(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        purposes = row["purposes"] or []
        more = f" (and {len(purposes) - 1} more purpose(s))" if len(purposes) > 1 else ""
        purpose = f" for {quoted(purposes[0], 120)}{more}" if purposes else ""
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            f"The activity is performed as controller but the record states no Art 6(1) "
            f"lawful basis{purpose}.",
            row["ref"],
        )


def _unavailable_params(law: Law) -> dict[str, object]:
    return {"unavailable": sorted(law.unavailable_bases())}


@check(
    "LAWFUL-BASIS-UNAVAILABLE",
    """
MATCH (a:Activity)-[r:RELIES_ON]->(b:LawfulBasis)
WHERE b.id IN $unavailable
RETURN a.id AS id, a.name AS name, b.id AS basis, coalesce(r.ref, a.ref) AS ref
ORDER BY id, basis
""",
    _unavailable_params,
    {
        "unavailable": "ids of lawful bases not available to this controller on the date "
        "(lawful_bases.yaml: jurisdictions, valid_from, invalid_from)"
    },
)
def _basis_unavailable(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    reasons = run.law.unavailable_bases()
    for row in rows:
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            f"The activity relies on '{row['basis']}', but on {long_date(run.law.as_of)} "
            f"{reasons.get(row['basis'], 'that basis is not available')}.",
            row["ref"],
        )


@check(
    "LEGITIMATE-INTERESTS-NO-LIA",
    """
MATCH (a:Activity)-[r:RELIES_ON]->(b:LawfulBasis {id: 'legitimate_interests'})
WHERE r.liaRef IS NULL
RETURN a.id AS id, a.name AS name, r.legitimateInterest AS interest,
       coalesce(r.ref, a.ref) AS ref
ORDER BY id
""",
)
def _li_no_lia(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        interest = (
            f"the interest stated is {quoted(row['interest'])}"
            if row["interest"]
            else "no interest is stated"
        )
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            f"The activity relies on legitimate interests with no legitimate interests "
            f"assessment recorded; {interest}.",
            row["ref"],
        )


@check(
    "SPECIAL-CATEGORY-NO-DPIA",
    f"""
MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE (d.special = true OR d.criminalOffence = true) AND {NOT_PROCESSOR}
  AND a.dpiaReference IS NULL AND coalesce(a.dpiaRequired, true) = true
RETURN a.id AS id, a.name AS name, a.ref AS ref, a.dpiaStatus AS status,
       collect(d.name) AS categories
ORDER BY id
""",
)
def _special_no_dpia(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        status = f" (DPIA status: {quoted(row['status'])})" if row["status"] else ""
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            f"The activity processes special category or criminal-offence data "
            f"({listing(row['categories'])}) and records no DPIA reference or screening "
            f"decision{status}.",
            row["ref"],
        )


CHILD_AGE_CYPHER = """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE a.childConsentAge IS NOT NULL
RETURN a.id AS id, a.name AS name, a.childConsentAge AS age,
       coalesce(a.childRuleRef, a.ref) AS ref
ORDER BY id
"""


def _age_rule(run: RuleRun) -> tuple[int, str] | None:
    entry = run.law.child_consent_age()
    if entry is None:
        return None
    country = run.law.country_label(str(entry.extra("country")))
    reported = "; as reported by a secondary source" if entry.extra("secondary") else ""
    described = f"{entry.extra('age')} in {country} ({entry.extra('legal_basis')}{reported})"
    return int(entry.extra("age")), described


@check("CHILD-CONSENT-AGE-TOO-LOW", CHILD_AGE_CYPHER)
def _child_age_too_low(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    rule = _age_rule(run)
    if rule is None:
        return
    legal_age, described = rule
    for row in rows:
        if row["age"] < legal_age:
            yield run.finding(
                "Activity",
                row["id"],
                row["name"],
                f"The activity lets children consent alone from {row['age']}, below the age "
                f"the law sets: {described}.",
                row["ref"],
            )


CHILD_SERVICE_CYPHER = """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:RELIES_ON]->(:LawfulBasis {id: 'consent'})
WHERE a.childConsentAge IS NOT NULL AND a.childOnlineService = true
RETURN DISTINCT a.id AS id, a.name AS name, a.childConsentAge AS age,
       coalesce(a.childRuleRef, a.ref) AS ref
ORDER BY id
"""
"""Activities Art 8(1) governs: online services offered directly to children on consent."""


@check("CHILD-CONSENT-AGE-MISMATCH", CHILD_SERVICE_CYPHER)
def _child_age_mismatch(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    rule = _age_rule(run)
    if rule is None:
        return
    legal_age, described = rule
    for row in rows:
        if row["age"] > legal_age:
            yield run.finding(
                "Activity",
                row["id"],
                row["name"],
                f"The activity requires parental consent under {row['age']}, but the age the "
                f"controller's law sets is {described}: the rule is not the local one.",
                row["ref"],
            )


@check("CHILD-CONSENT-AGE-UNVERIFIED", CHILD_AGE_CYPHER)
def _child_age_unverified(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    if _age_rule(run) is not None:
        return
    country = run.law.controller.country if run.law.controller else None
    where = run.law.country_label(country) if country else "the controller's country"
    for row in rows:
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            f"The activity sets a children's consent age of {row['age']}, but the reference "
            f"data has no consent age for {where}, so it was not checked.",
            row["ref"],
        )
