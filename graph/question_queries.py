"""The catalog queries behind breach impact, where is it, and diff (graph/questions/, issue 17).

Kept apart from graph/queries.py so each module stays readable; graph/queries.py adds them to
the catalog. Same rules as the catalog: the portable Cypher subset both stores accept, user input
only as $parameters. The scope queries start from one element; the follow-ups take id lists
(unwound and looked up, not scanned with IN). Rows are flat (no collect(): its order differs
between stores) and fully ordered.

The follow-ups go from each looked-up activity with ``OPTIONAL MATCH`` and drop the empty rows
(``WITH ... WHERE x IS NOT NULL``): the same rows as a plain ``MATCH``, but the embedded engine
then walks out from the 10^2 activities asked for, where for a plain ``MATCH`` it planned a
hash join over every relationship of the type (100 activities at 100k: 2.7 ms instead of 120 ms
for their data categories; benchmarks/README.md).
"""

from __future__ import annotations

from typing import NamedTuple


class Spec(NamedTuple):
    """A catalog entry as data; graph/queries.py makes each a ``Query`` (importing it here
    would be an import circle)."""

    name: str
    group: str
    question: str
    cypher: str
    params: dict[str, str]
    lists: frozenset[str] = frozenset()


_ACTIVITY_CATEGORY_COLUMNS = """a.id AS activityId, a.name AS activity, a.role AS role,
       a.directMarketing AS directMarketing, d.id AS categoryId, d.name AS category, d.special
       AS special, d.specialCategory AS specialCategory, d.criminalOffence AS criminalOffence"""

QUESTIONS: tuple[Spec, ...] = (
    Spec(
        "breach-scope-system",
        "breach",
        "A system is breached: which activities use it, and which data do they process?",
        f"""
// Activities link to systems, not data: every category of a user counts as held there.
MATCH (y:System)
WHERE y.id = $system OR toLower(y.name) = toLower($system)
OPTIONAL MATCH (y)<-[:USES]-(a:Activity)
OPTIONAL MATCH (a)-[:PROCESSES]->(d:DataCategory)
RETURN y.id AS elementId, y.name AS element, {_ACTIVITY_CATEGORY_COLUMNS}
ORDER BY elementId, coalesce(activityId, ''), coalesce(categoryId, '')
""",
        {"system": "system id or name, e.g. call-recording-file-store"},
    ),
    Spec(
        "breach-scope-recipient",
        "breach",
        "A recipient is breached: which activities disclose to it, and which data does it get?",
        f"""
MATCH (r:Recipient)
WHERE r.id = $recipient OR toLower(r.name) = toLower($recipient)
OPTIONAL MATCH (a:Activity)-[x:DISCLOSES_TO]->(r)
OPTIONAL MATCH (a)-[:PROCESSES]->(d:DataCategory)
WHERE d.id IN x.dataCategories
RETURN r.id AS elementId, r.name AS element, {_ACTIVITY_CATEGORY_COLUMNS}
ORDER BY elementId, coalesce(activityId, ''), coalesce(categoryId, '')
""",
        {"recipient": "recipient id or name, e.g. mailchimp"},
    ),
    Spec(
        "breach-scope-category",
        "breach",
        "A data category is breached: which activities process it?",
        f"""
MATCH (d:DataCategory)
WHERE d.id = $category OR toLower(d.name) = toLower($category)
OPTIONAL MATCH (a:Activity)-[:PROCESSES]->(d)
RETURN d.id AS elementId, d.name AS element, {_ACTIVITY_CATEGORY_COLUMNS}
ORDER BY elementId, coalesce(activityId, ''), categoryId
""",
        {"category": "data category id or name, e.g. bank-details"},
    ),
    Spec(
        "subject-processing",
        "rights",
        "Where does a data subject's data go: which activities concern them, with which data?",
        f"""
MATCH (s:DataSubject)<-[:CONCERNS]-(a:Activity)
WHERE s.id = $subject OR toLower(s.name) = toLower($subject)
OPTIONAL MATCH (a)-[:PROCESSES]->(d:DataCategory)
RETURN s.id AS subjectId, s.name AS subject, {_ACTIVITY_CATEGORY_COLUMNS}
ORDER BY subjectId, activityId, coalesce(categoryId, '')
""",
        {"subject": "data subject id or name, e.g. customers"},
    ),
    Spec(
        "activities-subjects",
        "breach",
        "Whose data do these activities concern?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[:CONCERNS]->(s:DataSubject)
WITH a, s WHERE s IS NOT NULL
RETURN a.id AS activityId, s.id AS subjectId, s.name AS subject, s.description AS description
ORDER BY activityId, subjectId
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "activities-recipients",
        "breach",
        "Who receives data from these activities, which data, where, under which transfer tool?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[x:DISCLOSES_TO]->(r:Recipient)
WITH a, x, r WHERE r IS NOT NULL
OPTIONAL MATCH (r)-[t:TRANSFER_UNDER]->(m:TransferMechanism)
RETURN a.id AS activityId, r.id AS recipientId, r.name AS recipient, r.kind AS kind,
       r.categoryOnly AS categoryOnly, x.dataCategories AS dataCategories,
       coalesce(t.country, r.country) AS country, m.id AS mechanism, m.name AS mechanismName,
       t.statedAs AS statedAs, x.ref AS ref
ORDER BY activityId, recipientId, coalesce(mechanism, '')
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "subprocessors",
        "breach",
        "Which sub-processors do these recipients pass data on to (at any depth), and where?",
        """
UNWIND $recipients AS wanted
MATCH (r:Recipient {id: wanted})
OPTIONAL MATCH (r)-[:SUBCONTRACTS_TO*1..10]->(s:Recipient)
WITH r, s WHERE s IS NOT NULL
OPTIONAL MATCH (s)-[t:TRANSFER_UNDER]->(m:TransferMechanism)
RETURN DISTINCT r.id AS recipientId, s.id AS subprocessorId, s.name AS subprocessor,
       s.kind AS kind, coalesce(t.country, s.country) AS country, m.id AS mechanism
ORDER BY recipientId, subprocessorId, coalesce(mechanism, '')
""",
        {"recipients": "recipient ids, comma-separated (a list from code)"},
        frozenset({"recipients"}),
    ),
    Spec(
        "activities-systems",
        "breach",
        "Which systems do these activities use, and where are they?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[:USES]->(y:System)
WITH a, y WHERE y IS NOT NULL
RETURN a.id AS activityId, y.id AS systemId, y.name AS system, y.location AS country
ORDER BY activityId, systemId
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "activities-bases",
        "rights",
        "On which lawful bases do these activities rely?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[:RELIES_ON]->(b:LawfulBasis)
WITH a, b WHERE b IS NOT NULL
RETURN a.id AS activityId, b.id AS basis, b.name AS name, b.article AS article
ORDER BY activityId, basis
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "activities-retention",
        "rights",
        "How long do these activities keep their data?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[:RETAINED_UNDER]->(k:RetentionRule)
WITH a, k WHERE k IS NOT NULL
RETURN a.id AS activityId, k.id AS ruleId, k.name AS rule, k.period AS period,
       k.criteria AS criteria, k.vague AS vague
ORDER BY activityId, ruleId
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "activities-sources",
        "rights",
        "Where does the data of these activities come from?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (s:Source)-[:SUPPLIES]->(a)
WITH a, s WHERE s IS NOT NULL
RETURN a.id AS activityId, s.id AS sourceId, s.name AS source, s.kind AS kind
ORDER BY activityId, sourceId
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "activities-measures",
        "breach",
        "Which security measures does the record state for these activities?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[:PROTECTED_BY]->(m:SecurityMeasure)
WITH a, m WHERE m IS NOT NULL
RETURN a.id AS activityId, m.id AS measureId, m.name AS measure, m.kind AS kind
ORDER BY activityId, measureId
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
    Spec(
        "controller-contacts",
        "breach",
        "Who is the controller, and who is its DPO or contact point (a breach form's first page)?",
        """
MATCH (c:Controller)
RETURN c.id AS controllerId, c.name AS controller, c.country AS country, c.address AS address,
       c.email AS email, c.phone AS phone, c.website AS website, c.dpoName AS dpoName,
       c.dpoRole AS dpoRole, c.dpoEmail AS dpoEmail, c.dpoPhone AS dpoPhone,
       c.representativeName AS representativeName,
       c.representativeContact AS representativeContact, c.sector AS sector,
       c.publicEcsProvider AS publicEcsProvider, c.pecrRef AS pecrRef
ORDER BY controllerId
""",
        {},
    ),
    Spec(
        "breach-procedures",
        "breach",
        "What does the record say the controller does when a breach happens?",
        """
MATCH (c:Controller)-[:HAS_PROCEDURE]->(p:Procedure)
WHERE p.kind = 'breach_notification'
RETURN p.id AS procedureId, p.name AS procedure, p.description AS description,
       p.timescaleHours AS hours, p.timescaleStatedAs AS statedAs, p.ref AS ref
ORDER BY procedureId
""",
        {},
    ),
    Spec(
        "all-activities",
        "changes",
        "Which activities are there, in which role, and which are direct marketing?",
        """
MATCH (a:Activity)
RETURN a.id AS activityId, a.name AS activity, a.role AS role,
       a.directMarketing AS directMarketing
ORDER BY activityId
""",
        {},
    ),
    Spec(
        "activities-categories",
        "changes",
        "Which data do these activities process (special-category and criminal-offence flags)?",
        """
UNWIND $activities AS wanted
MATCH (a:Activity {id: wanted})
OPTIONAL MATCH (a)-[:PROCESSES]->(d:DataCategory)
WITH a, d WHERE d IS NOT NULL
RETURN a.id AS activityId, d.id AS categoryId, d.name AS category, d.special AS special,
       d.specialCategory AS specialCategory, d.criminalOffence AS criminalOffence
ORDER BY activityId, categoryId
""",
        {"activities": "activity ids, comma-separated (a list from code)"},
        frozenset({"activities"}),
    ),
)
