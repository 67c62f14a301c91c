"""Cypher the dashboard needs beyond the query catalog (graph/queries.py).

Same rules as the catalog: the portable subset that the embedded store and Neo4j both accept
(one label per node, labels in patterns, explicit property lists, deterministic ORDER BY), and
user input only ever as ``$parameters``. These answer layout questions (who is the controller,
which activities exist) rather than privacy questions, which is why they are not in the catalog.
"""

from __future__ import annotations

from graph.queries import Query, get_query

CONTROLLER = """
MATCH (c:Controller)
OPTIONAL MATCH (c)-[:LOCATED_IN]->(k:Country)
RETURN c.id AS id, c.name AS name, c.country AS country, k.name AS countryName,
       c.address AS address, c.email AS email, c.phone AS phone, c.website AS website,
       c.dpoName AS dpoName, c.dpoRole AS dpoRole, c.dpoEmail AS dpoEmail,
       c.dpoPhone AS dpoPhone, c.dpoRef AS dpoRef,
       c.representativeName AS representativeName,
       c.representativeContact AS representativeContact, c.ref AS ref
ORDER BY id
"""

BASIS_CLAIMS = """
MATCH (a:Activity)-[r:RELIES_ON]->(:LawfulBasis)
RETURN a.id AS activityId, r.vague AS vague
"""

ACTIVITIES = """
MATCH (a:Activity)
RETURN a.id AS activityId, a.name AS activity, a.role AS role, a.purposes AS purposes
ORDER BY activity, activityId
"""

DISCLOSURES = """
MATCH (a:Activity)-[d:DISCLOSES_TO]->(r:Recipient)
RETURN r.kind AS kind, r.id AS recipientId, r.name AS recipient, r.country AS country,
       r.categoryOnly AS categoryOnly, a.id AS activityId, a.name AS activity,
       d.dataCategories AS dataCategories, d.purpose AS purpose, d.ref AS ref
ORDER BY kind, recipient, recipientId, activity, activityId
"""

SOURCES_BY_CATEGORY = """
MATCH (s:Source)-[:PROVIDES]->(dc:DataCategory)
RETURN dc.id AS categoryId, dc.name AS category, s.id AS sourceId, s.name AS source,
       s.kind AS kind, s.ref AS ref
ORDER BY category, source
"""

BASIS_GAPS = """
MATCH (a:Activity)
WHERE NOT EXISTS { MATCH (a)-[:RELIES_ON]->(:LawfulBasis) }
RETURN count(a) AS without,
       sum(CASE WHEN a.role = 'processor' THEN 1 ELSE 0 END) AS asProcessor
"""
"""Activities that name no lawful basis, and how many of them are done as processor: the
Overview chart's gap bar counted in the store (no 10^5-row activities table at scale)."""

VAGUE_BASIS_COUNT = """
MATCH (a:Activity)-[r:RELIES_ON]->(:LawfulBasis)
WITH a, min(CASE WHEN r.vague = true THEN 1 ELSE 0 END) AS allVague
WHERE allVague = 1
RETURN count(a) AS vague
"""
"""Activities whose every lawful-basis claim is flagged vague (``tables.vaguely_based``)."""


# --------------------------------------------------------------------------- paged (issue 15)
# At 100,000 activities a page must not read 10^5 rows back: what a page shows first is one
# page of rows (SKIP/LIMIT in the store) with an exact count, and its filters and map come from
# DISTINCT or grouped queries. Each is tested equal to the full-read answer it replaces
# (tests/test_dashboard_paged.py), on Kynex and on a generated record.


def _query(name: str, question: str, cypher: str, **params: str) -> Query:
    return Query(f"dashboard:{name}", "dashboard", question, cypher, dict(params))


ACTIVITY_ROWS = _query(
    "activity-rows",
    "The activities in the lawful-basis matrix's order (one page of them at a time).",
    """
MATCH (a:Activity)
RETURN a.id AS activityId, a.name AS activity, a.role AS role
ORDER BY activity, activityId
""",
)
"""The rows of the activity × basis matrix (``ACTIVITIES`` without purposes), paged."""

CLAIMS_OF = """
MATCH (a:Activity)-[r:RELIES_ON]->(b:LawfulBasis)
WHERE a.id IN $ids
RETURN b.id AS basis, a.id AS activityId, coalesce(r.vague, false) AS vague
ORDER BY basis, activityId
"""
"""The lawful-basis claims of the activities on one page of the matrix (``activities-by-basis``
restricted to them: the columns ``tables.basis_matrix`` reads)."""


_TRANSFERS = get_query("third-country-transfers").cypher
_DESTINATION = "MATCH (k:Country {id: destination})\n"
if _DESTINATION not in _TRANSFERS:  # pragma: no cover - the catalog query changed shape
    raise RuntimeError("third-country-transfers no longer matches its destination country")
# The catalog query's order is total (country, recipient name, recipient id, activity name,
# activity id, mechanism): a (country, recipient) block's rows are contiguous and pages are exact.
_TRANSFERS_PAGED = _TRANSFERS

TRANSFERS = _query("transfers", get_query("third-country-transfers").question, _TRANSFERS_PAGED)
TRANSFERS_TO = _query(
    "transfers-to",
    get_query("third-country-transfers").question,
    _TRANSFERS_PAGED.replace(_DESTINATION, _DESTINATION + "WHERE k.id IN $countries\n"),
    countries="destination country codes",
)
"""``third-country-transfers`` in its order with ties broken (a total order, for pages), and to
the chosen countries only (the Transfers page's filter)."""

TRANSFER_PLACES = _TRANSFERS.split("\nRETURN ", 1)[0] + (
    "\nRETURN k.id AS country, k.name AS countryName, r.id AS recipientId, r.name AS recipient,"
    "\n       collect(DISTINCT m.id) AS mechanisms,"
    "\n       sum(CASE WHEN m IS NULL THEN 1 ELSE 0 END) AS unstated,"
    "\n       min(a.name) AS firstActivity, count(DISTINCT a.id) AS flows, count(*) AS rows"
    "\nORDER BY country, recipient, recipientId\n"
)
"""One row per (destination, recipient) of ``third-country-transfers``: its mechanisms (and
how many rows state none), how many activities send to it and how many table rows it stands
for. From it: the headline figures, the country filter, the world map (one line per recipient
and mechanism), the recipients abroad in the table's order, and where each page of the table
starts — one join of every flow abroad instead of the 10^5-row table."""

_FROM_RECIPIENTS = (
    "MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[d:DISCLOSES_TO]->(r:Recipient)\n"
)
if not _TRANSFERS_PAGED.lstrip().startswith(_FROM_RECIPIENTS):  # pragma: no cover
    raise RuntimeError("third-country-transfers no longer starts from the controller")
TRANSFERS_OF = _query(
    "transfers-of",
    get_query("third-country-transfers").question,
    _TRANSFERS_PAGED.lstrip()
    .replace(
        _FROM_RECIPIENTS,
        "MATCH (r:Recipient)\nWHERE r.id IN $recipients\n"
        "MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[d:DISCLOSES_TO]->(r)\n",
    )
    .replace(_DESTINATION, _DESTINATION + "WHERE k.id IN $countries\n"),
    recipients="recipient ids",
    countries="destination country codes",
)
"""The rows of ``third-country-transfers`` (in its total order) for some recipients and
destinations only: a page of the table is cut from the few (country, recipient) blocks it spans,
which the store answers in milliseconds, instead of joining and sorting every flow abroad."""

DISCLOSURE_COUNTRIES = """
MATCH (:Activity)-[:DISCLOSES_TO]->(r:Recipient)
RETURN DISTINCT r.country AS country
ORDER BY country
"""
"""The recipients' countries that ``DISCLOSURES`` rows carry (the Recipients page's filter)."""

_DISCLOSURES_HEAD, _DISCLOSURES_RETURN = (DISCLOSURES.strip() + "\n").split("\nRETURN ", 1)
DISCLOSURE_BLOCKS = """
MATCH (:Activity)-[:DISCLOSES_TO]->(r:Recipient)
RETURN r.kind AS kind, r.name AS recipient, r.id AS recipientId, r.country AS country,
       count(*) AS rows
ORDER BY kind, recipient, recipientId
"""
"""How many ``DISCLOSURES`` rows each recipient has, in that table's order: the Recipients
page's country filter, each kind's row count and where each page of it starts."""

DISCLOSURES_OF = _query(
    "disclosures-of",
    "Who receives what, and why: the disclosures to some recipients.",
    "MATCH (r:Recipient)\nWHERE r.id IN $recipients\n"
    "MATCH (a:Activity)-[d:DISCLOSES_TO]->(r)\n"
    f"RETURN {_DISCLOSURES_RETURN}\n",
    recipients="recipient ids",
)
"""``DISCLOSURES`` (in its order, ties broken) for the few recipients one page spans."""

_WHAT_GOES_TO = get_query("what-goes-to").cypher
_TO_RECIPIENT = (
    "MATCH (a:Activity)-[d:DISCLOSES_TO]->(r:Recipient)\n"
    "WHERE r.id = $recipient OR toLower(r.name) = toLower($recipient)\n"
)
if _TO_RECIPIENT not in _WHAT_GOES_TO:  # pragma: no cover - the catalog query changed shape
    raise RuntimeError("what-goes-to no longer starts from the disclosures to a recipient")
WHAT_GOES_TO = _query(
    "what-goes-to",
    get_query("what-goes-to").question,
    _WHAT_GOES_TO.replace(
        _TO_RECIPIENT,
        "MATCH (r:Recipient)\n"
        "WHERE r.id = $recipient OR toLower(r.name) = toLower($recipient)\n"
        "MATCH (a:Activity)-[d:DISCLOSES_TO]->(r)\n",
    ),
    recipient="recipient id or name",
)
"""``what-goes-to`` starting from the recipient (the store finds it first, then only its
disclosures: milliseconds at 100k instead of a scan of every disclosure), in its total order."""

BUSINESS_FUNCTIONS = """
MATCH (a:Activity)
WHERE a.businessFunction IS NOT NULL AND a.businessFunction <> ''
RETURN DISTINCT a.businessFunction AS function
ORDER BY function
"""
"""The business functions the Findings page filters on (without reading the graph back)."""

ACTIVITIES_IN_FUNCTIONS = """
MATCH (a:Activity)
WHERE a.id IN $ids AND a.businessFunction IN $functions
RETURN a.id AS id
"""
"""Of the activities a finding is about, those in the chosen business functions."""

LINKED_TO_FUNCTIONS = """
MATCH (a:Activity)-[]-(x:Element)
WHERE x.id IN $ids AND a.businessFunction IN $functions
RETURN DISTINCT x.id AS id
"""
"""Of the elements (of one label, put in place of ``Element`` from the schema's labels) that
findings are about, those linked to an activity of the chosen business functions."""
