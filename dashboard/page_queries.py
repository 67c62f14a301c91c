"""Cypher the dashboard needs beyond the query catalog (graph/queries.py).

Same rules as the catalog: the portable subset that the embedded store and Neo4j both accept
(one label per node, labels in patterns, explicit property lists, deterministic ORDER BY), and
user input only ever as ``$parameters``. These answer layout questions (who is the controller,
which activities exist) rather than privacy questions, which is why they are not in the catalog.
"""

from __future__ import annotations

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
ORDER BY kind, recipient, activity
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
