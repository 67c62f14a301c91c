"""The query catalog: named, parameterised Cypher answering the questions privacy teams ask.

The dashboard's views, the CLI's ``query`` command and (later) the findings rules all run these,
so users can read them and learn to write their own. Every query sticks to the Cypher subset that
both the embedded store and Neo4j accept: one label per node, labels in patterns (never
``WHERE n:Label``), ``toLower`` rather than ``lower``, explicit property lists, deterministic
``ORDER BY``. User input only ever arrives as ``$parameters``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Query:
    name: str
    group: str
    question: str
    cypher: str
    params: dict[str, str] = field(default_factory=dict)
    """Parameter name -> what to pass (all required)."""
    lists: frozenset[str] = frozenset()
    """Parameters that take a list: text (from the CLI or the console) is split on commas."""

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters for a run; raises ValueError naming missing or unknown ones."""
        missing = [p for p in self.params if p not in given]
        unknown = [p for p in given if p not in self.params]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(
                    "missing " + ", ".join(f"--param {p}=… ({self.params[p]})" for p in missing)
                )
            if unknown:
                accepted = ", ".join(self.params) or "none"
                parts.append(f"unknown parameter(s) {', '.join(unknown)} (accepted: {accepted})")
            raise ValueError(f"query '{self.name}': " + "; ".join(parts))
        bound = {k: given[k] for k in self.params}
        for name in self.lists:
            if isinstance(bound[name], str):
                bound[name] = [item.strip() for item in bound[name].split(",") if item.strip()]
        return bound


_CATALOG: tuple[Query, ...] = (
    # ---------------------------------------------------------------- lawful basis
    Query(
        "basis-summary",
        "lawful basis",
        "How many activities rely on each Art 6(1) lawful basis — stated for the purpose, or "
        "claimed only in general words?",
        """
// stated: the basis is given for the activity; vague: only a general claim covers it ("for
// other purposes, this will be with your consent"). Activities stating no basis at all are
// their own bucket: the query activities-without-basis (shown beside this by 'summary').
MATCH (b:LawfulBasis)
OPTIONAL MATCH (a:Activity)-[r:RELIES_ON]->(b)
WITH b, count(a) AS activities, count(CASE WHEN r.vague = true THEN a END) AS vague
RETURN b.id AS basis, b.name AS name, b.article AS article, activities - vague AS stated,
       vague, activities
ORDER BY article, basis
""",
    ),
    Query(
        "activities-by-basis",
        "lawful basis",
        "Which activities rely on which lawful basis?",
        """
MATCH (a:Activity)-[r:RELIES_ON]->(b:LawfulBasis)
RETURN b.id AS basis, b.article AS article, a.id AS activityId, a.name AS activity,
       coalesce(r.vague, false) AS vague, r.ref AS ref
ORDER BY basis, activity, activityId
""",
    ),
    Query(
        "categories-by-basis",
        "lawful basis",
        "Which data categories are processed under each lawful basis (and which only under "
        "a general, vague claim of it)?",
        """
MATCH (b:LawfulBasis)<-[r:RELIES_ON]-(a:Activity)-[:PROCESSES]->(d:DataCategory)
WITH b, d, count(CASE WHEN coalesce(r.vague, false) = false THEN a END) AS stated
RETURN b.id AS basis, d.id AS categoryId, d.name AS category, stated = 0 AS vagueOnly
ORDER BY basis, category, categoryId
""",
    ),
    Query(
        "consent-activities",
        "lawful basis",
        "Which activities rely on consent, and how can people withdraw it (Art 7(3))?",
        """
MATCH (a:Activity)-[r:RELIES_ON]->(b:LawfulBasis {id: 'consent'})
RETURN a.id AS activityId, a.name AS activity, a.consentWithdrawal AS withdrawal,
       a.consentWithdrawalRef AS withdrawalRef, r.ref AS ref
ORDER BY activity, activityId
""",
    ),
    Query(
        "legitimate-interests",
        "lawful basis",
        "Which activities rely on legitimate interests, for what interest, with which LIA?",
        """
MATCH (a:Activity)-[r:RELIES_ON]->(b:LawfulBasis {id: 'legitimate_interests'})
RETURN a.id AS activityId, a.name AS activity, r.legitimateInterest AS interest,
       r.liaRef AS lia, r.ref AS ref
ORDER BY activity, activityId
""",
    ),
    Query(
        "special-category-processing",
        "lawful basis",
        "Where is special-category data processed, and under which Art 9(2) condition (if any)?",
        """
MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE d.special = true
OPTIONAL MATCH (a)-[m:MEETS_CONDITION]->(c:SpecialCategoryCondition)
RETURN a.id AS activityId, a.name AS activity, d.id AS categoryId,
       d.specialCategory AS specialCategory, c.id AS condition, c.article AS article,
       m.dpaSchedule1 AS dpaSchedule1
ORDER BY activity, activityId, categoryId, condition
""",
    ),
    Query(
        "criminal-offence-processing",
        "lawful basis",
        "Where is criminal-offence data processed, and on which Art 10 basis (if any)?",
        """
MATCH (a:Activity)-[:PROCESSES]->(d:DataCategory)
WHERE d.criminalOffence = true
RETURN a.id AS activityId, a.name AS activity, d.id AS categoryId,
       a.criminalOffenceBasis AS art10Basis, a.criminalOffenceRef AS ref
ORDER BY activity, activityId, categoryId
""",
    ),
    Query(
        "activities-without-basis",
        "lawful basis",
        "Which activities done as controller state no lawful basis at all (Art 6)?",
        """
// Activities done as a processor are the customer's to justify, so they are left out.
MATCH (a:Activity)
WHERE a.role <> 'processor' AND NOT EXISTS { MATCH (a)-[:RELIES_ON]->(:LawfulBasis) }
RETURN a.id AS activityId, a.name AS activity, a.purposes AS purposes, a.ref AS ref
ORDER BY activity, activityId
""",
    ),
    # ---------------------------------------------------------------- transfers
    Query(
        "third-country-transfers",
        "transfers",
        "What personal data leaves the controller's country: activity, data, recipient, "
        "country, mechanism?",
        """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[d:DISCLOSES_TO]->(r:Recipient)
OPTIONAL MATCH (r)-[t:TRANSFER_UNDER]->(m:TransferMechanism)
WITH c, a, d, r, t, m, coalesce(t.country, r.country) AS destination
WHERE destination IS NOT NULL AND destination <> c.country
MATCH (k:Country {id: destination})
RETURN a.id AS activityId, a.name AS activity, d.dataCategories AS dataCategories,
       r.id AS recipientId, r.name AS recipient, k.id AS country, k.name AS countryName,
       m.id AS mechanism, t.statedAs AS statedAs, t.ref AS ref
ORDER BY country, recipient, recipientId, activity, activityId, mechanism
""",
    ),
    Query(
        "recipients-by-country",
        "transfers",
        "Where are our recipients located?",
        """
MATCH (r:Recipient)
OPTIONAL MATCH (r)-[:LOCATED_IN]->(k:Country)
RETURN k.id AS country, k.name AS countryName, r.id AS recipientId, r.name AS recipient,
       r.kind AS kind
ORDER BY coalesce(k.id, '~'), recipient, recipientId
""",
    ),
    Query(
        "what-goes-to",
        "transfers",
        "What personal data goes to a recipient, from which activities?",
        """
MATCH (a:Activity)-[d:DISCLOSES_TO]->(r:Recipient)
WHERE r.id = $recipient OR toLower(r.name) = toLower($recipient)
UNWIND d.dataCategories AS categoryId
MATCH (dc:DataCategory {id: categoryId})
RETURN r.name AS recipient, a.id AS activityId, a.name AS activity, dc.id AS categoryId,
       dc.name AS category, d.ref AS ref
ORDER BY activity, activityId, category, categoryId, r.id
""",
        {"recipient": "recipient id or name, e.g. mailchimp"},
    ),
    Query(
        "who-receives",
        "transfers",
        "Who receives a data category, through which activities?",
        """
// From the activities that process the category: a disclosure names only categories of its
// own activity (the record is refused otherwise), so no other disclosure can hold it.
MATCH (dc:DataCategory)
WHERE dc.id = $category OR toLower(dc.name) = toLower($category)
MATCH (a:Activity)-[:PROCESSES]->(dc)
MATCH (a)-[d:DISCLOSES_TO]->(r:Recipient)
WHERE dc.id IN d.dataCategories
RETURN dc.name AS category, r.id AS recipientId, r.name AS recipient, r.kind AS kind,
       r.country AS country, a.name AS activity
ORDER BY recipient, recipientId, activity, a.id
""",
        {"category": "data category id or name, e.g. email-address"},
    ),
    Query(
        "sources-of",
        "sources",
        "Where does a data category come from?",
        """
MATCH (s:Source)-[:PROVIDES]->(dc:DataCategory)
WHERE dc.id = $category OR toLower(dc.name) = toLower($category)
RETURN dc.name AS category, s.id AS sourceId, s.name AS source, s.kind AS kind, s.ref AS ref
ORDER BY source, sourceId
""",
        {"category": "data category id or name"},
    ),
    # ---------------------------------------------------------------- processor record
    Query(
        "processing-for-controllers",
        "processor record",
        "What processing do we carry out as processor, on behalf of which controller (Art 30(2))?",
        """
// One row per processor activity and controller served; a processor activity that names no
// controller comes with a null controller, so the gap shows. dataCategories: in no set order.
MATCH (a:Activity)
WHERE a.role = 'processor'
OPTIONAL MATCH (a)-[:ON_BEHALF_OF]->(s:ServedController)
OPTIONAL MATCH (a)-[:PROCESSES]->(d:DataCategory)
RETURN s.id AS controllerId, s.name AS controller, s.categoryOnly AS categoryOnly,
       s.country AS country, s.contractRef AS contractRef, a.id AS activityId,
       a.name AS activity, a.purposes AS processing, collect(d.name) AS dataCategories,
       coalesce(s.ref, a.ref) AS ref
ORDER BY coalesce(s.name, '~'), controllerId, activity, activityId
""",
    ),
    # ---------------------------------------------------------------- overview
    Query(
        "recipients",
        "recipients",
        "Who receives personal data: kind, country, transfer mechanism, contract?",
        """
MATCH (r:Recipient)
OPTIONAL MATCH (r)-[t:TRANSFER_UNDER]->(m:TransferMechanism)
RETURN r.id AS recipientId, r.name AS recipient, r.kind AS kind,
       r.categoryOnly AS categoryOnly, r.country AS country, m.id AS mechanism,
       r.contractRef AS contractRef, r.ref AS ref
ORDER BY kind, recipient, recipientId, mechanism
""",
    ),
    Query(
        "retention-schedule",
        "retention",
        "How long is each activity's data kept?",
        """
MATCH (a:Activity)
OPTIONAL MATCH (a)-[:RETAINED_UNDER]->(k:RetentionRule)
RETURN a.id AS activityId, a.name AS activity, k.id AS ruleId, k.period AS period,
       k.criteria AS criteria, k.vague AS vague, k.ref AS ref
ORDER BY activity, activityId, ruleId
""",
    ),
    Query(
        "data-categories",
        "overview",
        "Which data categories do we hold, which are special, and how many activities use each?",
        """
MATCH (d:DataCategory)
OPTIONAL MATCH (a:Activity)-[:PROCESSES]->(d)
RETURN d.id AS categoryId, d.name AS category, d.special AS special,
       d.specialCategory AS specialCategory, count(a) AS activities
ORDER BY category, categoryId
""",
    ),
)

CATALOG: dict[str, Query] = {q.name: q for q in _CATALOG}


def get_query(name: str) -> Query:
    """The catalog query ``name``; KeyError names the closest known ones."""
    try:
        return CATALOG[name]
    except KeyError:
        import difflib

        near = difflib.get_close_matches(name, list(CATALOG), n=3, cutoff=0.4)
        hint = f" — did you mean {', '.join(near)}?" if near else ""
        raise KeyError(f"no query named '{name}'{hint} (see 'ropagraph queries')") from None


# ----------------------------------------------------------------------------- paging

PAGE_SIZE = 50
"""Rows a dashboard table shows at first: at 100k activities a full answer is 10^5 rows, and
turning each into Python is what costs, not the query plan (benchmarks/README.md)."""


def page_cypher(query: Query, limit: int = PAGE_SIZE, skip: int = 0) -> str:
    """The query's rows ``skip``…``skip + limit`` in its own deterministic order."""
    if limit < 1 or skip < 0:
        raise ValueError(f"a page needs limit >= 1 and skip >= 0, got {limit} and {skip}")
    return f"{query.cypher.rstrip()}\nSKIP {int(skip)} LIMIT {int(limit)}"


def count_cypher(query: Query) -> str:
    """Cypher for the exact number of rows ``query`` returns, counted in the store.

    The final ``RETURN`` becomes a ``WITH`` of the same projection (``DISTINCT`` and grouping
    included, so the count matches the rows) followed by ``RETURN count(*)``; its ``ORDER BY``
    is dropped, since order does not change a count.
    """
    head, found, tail = query.cypher.strip().rpartition("\nRETURN ")
    if not found:
        raise ValueError(f"query '{query.name}' has no final RETURN line to count")
    projection = tail.split("\nORDER BY", 1)[0]
    if not _GROUPS.search(projection):
        # One row per match: counting the matches is enough, without reading the properties
        # the projection would fetch for every row (the costly part at 10^5 rows).
        return f"{head}\nRETURN count(*) AS rows"
    return f"{head}\nWITH {projection}\nRETURN count(*) AS rows"


_GROUPS = re.compile(r"\bDISTINCT\b|\b(?:count|collect|sum|min|max|avg)\s*\(", re.IGNORECASE)
"""A projection that removes duplicates or aggregates (its rows are groups, not matches)."""


TRANSFER_TOTALS = """
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:DISCLOSES_TO]->(r:Recipient)
OPTIONAL MATCH (r)-[t:TRANSFER_UNDER]->(:TransferMechanism)
WITH c, a, r, coalesce(t.country, r.country) AS destination
WHERE destination IS NOT NULL AND destination <> c.country
MATCH (k:Country {id: destination})
WITH DISTINCT a.id AS activity, r.id AS recipient, k.id AS country
RETURN count(*) AS flows, collect(DISTINCT country) AS countries
"""
"""How many distinct (activity, recipient, country) flows leave the controller's country, and
to which countries: what ``third-country-transfers`` lists, counted in the store (a headline
figure needs no 10^5-row answer)."""


# The questions of graph/questions/ (breach impact, where is it, diff): graph/question_queries.py.
from graph.question_queries import QUESTIONS as _QUESTIONS  # noqa: E402

CATALOG.update({spec.name: Query(**spec._asdict()) for spec in _QUESTIONS})
