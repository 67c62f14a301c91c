"""The questions only a graph answers (issue 17): breach impact, where a person's data lives,
and what changed between two versions of the record.

Each answer is a few catalog queries (graph/queries.py, groups "breach", "rights", "changes"),
so it runs the same on the embedded store and on Neo4j; the law they apply is reference data
(data/reference/breach_duties.yaml, rights_by_basis.yaml, transfer_mechanisms.yaml).

    from graph.questions import Breached, breach_impact, locate_subject
    from graph.questions.diff import diff_stores      # runs the findings rules on both sides
    impact = breach_impact(store, Breached.recipient, "mailchimp")
    where = locate_subject(store, "customers")
    changes = diff_stores(old_store, new_store)
"""

from graph.questions.common import Category, NotFound
from graph.questions.duties import Destination, Duty
from graph.questions.impact import Breached, Impact, breach_impact
from graph.questions.locate import Located, locate_subject

__all__ = [
    "Breached",
    "Category",
    "Destination",
    "Duty",
    "Impact",
    "Located",
    "NotFound",
    "breach_impact",
    "locate_subject",
]
