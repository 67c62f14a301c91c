"""Rules from the Privacy and Electronic Communications Regulations 2003 (PECR).

PECR applies to controllers established in the UK whatever the GDPR regime of the day, so these
rules are stated for country GB in finding_rules.yaml, with the dates their provisions applied
(data/reference/pecr.yaml). They cite PECR regulations only: a replay before the GDPR applied
cites no GDPR article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from graph.findings.model import Finding
from graph.findings.registry import Row, RuleRun, check, listing, quoted
from graph.model import ELECTRONIC_MAIL
from graph.reference import ReferenceEntry, entries_in_force, long_date, reference_by_id

OWN_CONSENT = """
EXISTS {
  MATCH (a)-[k:RELIES_ON]->(:LawfulBasis {id: 'consent'})
  WHERE coalesce(k.vague, false) = false AND k.establishedBy IS NULL
}
"""
"""Cypher: activity ``a`` relies on consent the controller itself obtained for this purpose
(not a general statement, not a list seller's consent)."""


def _exemptions(on: dt.date) -> dict[str, ReferenceEntry]:
    """Cookie exemption -> the pecr.yaml entry that makes it available on ``on``."""
    available: dict[str, ReferenceEntry] = {}
    for entry in entries_in_force("pecr", on):
        for exemption in entry.extra("exemptions", []) or []:
            available[str(exemption)] = entry
    return available


@check(
    "PECR-COOKIES-NO-CONSENT",
    """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:SETS]->(k:Cookie)
WHERE coalesce(k.consent, false) = false
RETURN k.id AS id, k.name AS name, k.purpose AS purpose, k.provider AS provider,
       k.exemption AS exemption, k.information AS information, k.objection AS objection,
       coalesce(k.ref, a.ref) AS ref, collect(DISTINCT a.name) AS activities
ORDER BY id
""",
)
def _cookies_no_consent(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    available = _exemptions(run.law.as_of)
    sch_a1 = reference_by_id("pecr")["reg6-sch-a1"]
    for row in rows:
        purpose = row["purpose"] or "unspecified"
        if purpose in ("strictly_necessary", "communication"):
            continue  # exempt by purpose since PECR began; nothing to consent to
        claimed = row["exemption"]
        entry = available.get(claimed) if claimed else None
        conditions = entry is not None and entry.extra("conditions_information_and_objection")
        if entry is not None and (not conditions or (row["information"] and row["objection"])):
            continue  # an exemption in force on the date, with its conditions recorded
        by = f" set by {row['provider']}" if row["provider"] else ""
        opening = (
            f"The {purpose.replace('_', ' ')} cookie{by} (used by {listing(row['activities'])}) "
            "is set without recorded consent"
        )
        if claimed and entry is None:
            reason = (
                f"; the {claimed.replace('_', ' ')} exemption it claims is not available on "
                f"{long_date(run.law.as_of)}"
            )
            if (
                sch_a1.valid_from
                and run.law.as_of < sch_a1.valid_from
                and claimed in (sch_a1.extra("exemptions") or [])
            ):
                reason += f" (PECR Sch A1 applies from {long_date(sch_a1.valid_from)})"
        elif claimed:
            reason = (
                f"; the {claimed.replace('_', ' ')} exemption needs clear and comprehensive "
                "information and a simple means to object, and the record does not show both"
            )
        else:
            reason = " and the record claims no exemption"
        said = ""
        if row["objection"]:
            said = f" The record says only: {quoted(row['objection'])}."
        if sch_a1.valid_from and run.law.as_of >= sch_a1.valid_from and purpose == "analytics":
            said += (
                " Since 5 February 2026 statistical (analytics) cookies may be set without "
                "consent only if users get clear and comprehensive information and a simple, "
                "free means of objecting offered by the service (PECR Sch A1); check that "
                "before relying on it."
            )
        yield run.finding("Cookie", row["id"], row["name"], f"{opening}{reason}.{said}", row["ref"])


@check(
    "PECR-ELECTRONIC-MAIL-NO-CONSENT",
    f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE ('email' IN coalesce(a.marketingChannels, []) OR 'sms' IN coalesce(a.marketingChannels, []))
  AND coalesce(a.marketingAudience, 'individuals') <> 'corporate'
  AND coalesce(a.softOptIn, false) = false
  AND NOT {OWN_CONSENT}
OPTIONAL MATCH (a)-[k:RELIES_ON]->(b:LawfulBasis)
OPTIONAL MATCH (s:Source)-[:SUPPLIES]->(a)
WHERE s.kind IN ['purchased_from_third_party', 'third_party']
RETURN a.id AS id, a.name AS name, coalesce(a.marketingRef, a.ref) AS ref,
       a.marketingAudience AS audience, a.marketingChannels AS channels,
       collect(DISTINCT b.id) AS bases, collect(DISTINCT k.establishedBy) AS establishedBy,
       collect(DISTINCT s.name) AS boughtFrom
ORDER BY id
""",
)
def _electronic_mail(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        channels = [c for c in row["channels"] or [] if c in ELECTRONIC_MAIL]
        who = {
            "individuals": "individual subscribers",
            "both": "individual as well as corporate subscribers",
        }.get(row["audience"] or "", "recipients the record does not say are companies")
        relies = listing(b.replace("_", " ") for b in row["bases"] or []) or "no lawful basis"
        parts = [
            f"The activity sends direct marketing by {listing(channels)} to {who}, relying on "
            f"{relies}, with neither the controller's own consent to such messages nor the soft "
            "opt-in recorded."
        ]
        others = [e for e in row["establishedBy"] or [] if e]
        if others:
            parts.append(
                f"The basis recorded was established by {listing(others)}, not by the sender."
            )
        if row["boughtFrom"]:
            parts.append(
                f"Its data comes from {listing(row['boughtFrom'])}: consent given to a list "
                "seller counts only if it specifically named this sender."
            )
        yield run.finding("Activity", row["id"], row["name"], " ".join(parts), row["ref"])


@check(
    "PECR-LIVE-CALLS-NO-TPS-SCREENING",
    f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)
WHERE 'phone' IN coalesce(a.marketingChannels, [])
  AND coalesce(a.tpsScreened, false) = false
  AND NOT {OWN_CONSENT}
RETURN a.id AS id, a.name AS name, coalesce(a.marketingRef, a.ref) AS ref
ORDER BY id
""",
)
def _live_calls(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            "The activity makes live marketing calls, and the record shows neither screening "
            "against the Telephone Preference Service (TPS/CTPS) nor consent to calls from the "
            "controller.",
            row["ref"],
        )


@check(
    "PECR-TRAFFIC-DATA-MARKETING",
    f"""
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE c.publicEcsProvider = true AND d.pecrKind IN ['traffic', 'location']
  AND a.directMarketing = true AND NOT {OWN_CONSENT}
OPTIONAL MATCH (a)-[k:RELIES_ON]->(:LawfulBasis {{id: 'consent'}})
RETURN a.id AS id, a.name AS name, a.ref AS ref, collect(DISTINCT d.name) AS categories,
       collect(DISTINCT d.pecrKind) AS kinds, collect(DISTINCT k.vague) AS vagueConsent
ORDER BY id
""",
)
def _traffic_marketing(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for row in rows:
        consent = (
            "only a general statement of consent, not consent to this use"
            if True in (row["vagueConsent"] or [])
            else "no consent"
        )
        yield run.finding(
            "Activity",
            row["id"],
            row["name"],
            f"A provider of a public electronic communications service uses "
            f"{listing(row['kinds'])} data ({listing(row['categories'])}) for marketing with "
            f"{consent}: PECR allows that only with the subscriber's or user's consent.",
            row["ref"],
            extra_articles=("PECR reg 14",) if "location" in (row["kinds"] or []) else (),
        )


@check(
    "PECR-BREACH-NOTIFICATION-TIMESCALE",
    """
MATCH (c:Controller)
WHERE c.publicEcsProvider = true
OPTIONAL MATCH (c)-[:HAS_PROCEDURE]->(p:Procedure)
WHERE p.kind = 'breach_notification'
RETURN c.id AS controllerId, c.name AS controllerName, c.pecrRef AS controllerRef,
       p.id AS id, p.name AS name, p.timescaleHours AS hours, p.timescaleDays AS days,
       p.timescaleStatedAs AS statedAs, p.ref AS ref
ORDER BY id
""",
)
def _pecr_breach(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    limits = [e for e in entries_in_force("pecr", run.law.as_of) if e.extra("hours")]
    if not limits:
        return  # before 25 August 2013 reg 5A said only "without undue delay"
    limit = int(limits[0].extra("hours"))
    for row in rows:
        hours = row["hours"] if row["hours"] is not None else None
        if hours is None and row["days"] is not None:
            hours = row["days"] * 24
        if row["id"] is not None and hours is not None and hours <= limit:
            continue
        stated = f" ({quoted(row['statedAs'])})" if row["statedAs"] else ""
        said = f"{hours} hours" if hours is not None else "no timescale"
        if row["id"] is None:
            yield run.finding(
                "Controller",
                row["controllerId"],
                row["controllerName"],
                "The controller provides a public electronic communications service but records "
                "no procedure for notifying personal data breaches to the Information "
                f"Commissioner (within {limit} hours on {long_date(run.law.as_of)}).",
                row["controllerRef"],
            )
            continue
        yield run.finding(
            "Procedure",
            row["id"],
            row["name"],
            f"The controller provides a public electronic communications service; its breach "
            f"procedure states {said}{stated}, but on {long_date(run.law.as_of)} a provider must "
            f"notify the Information Commissioner within {limit} hours "
            f"({limits[0].extra('name') or limits[0].article}).",
            row["ref"],
            extra_articles=tuple(str(limits[0].article).split("; ")[1:]),
        )
