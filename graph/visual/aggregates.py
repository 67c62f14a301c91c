"""The explorer's first drawing computed in the store with ``count()`` queries.

Unfiltered, a large record is drawn aggregated: one node per label, one edge per relationship
type and endpoint labels, each with its count (:func:`graph.visual.drawing.aggregate`). Reading
the whole graph back to count it took 25 s at 100,000 activities (1.6 M relationships); the same
counts come from the store in a few dozen small queries. :func:`default_overview` gives exactly
the :class:`View` that ``view(graph, ViewFilter(max_nodes=…))`` gives for that graph
(``tests/test_visual_aggregates.py`` checks it), or None when the record is small enough to draw
node by node — then reading the graph is cheap and the explorer does so.
"""

from __future__ import annotations

from graph.schema import NODES, RELS
from graph.stores.base import GraphStore
from graph.visual.drawing import DEFAULT_MAX_NODES, grouped_drawing
from graph.visual.select import View


def connected_counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label that have at least one relationship (the explorer hides the others)."""
    counts = {}
    for spec in NODES:
        cypher = f"MATCH (n:{spec.label}) WHERE EXISTS {{ MATCH (n)-[]-() }} RETURN count(n) AS n"
        counts[spec.label] = int(store.query(cypher).rows[0][0])
    return counts


def relationship_counts(store: GraphStore) -> dict[tuple[str, str, str], int]:
    """Relationships per (source label, type, target label), zeros left out."""
    counts = {}
    for rel in RELS:
        for source, target in rel.endpoints:
            cypher = f"MATCH (:{source})-[r:{rel.type}]->(:{target}) RETURN count(r) AS n"
            n = int(store.query(cypher).rows[0][0])
            if n:
                counts[(source, rel.type, target)] = n
    return counts


def default_overview(store: GraphStore, max_nodes: int = DEFAULT_MAX_NODES) -> View | None:
    """The unfiltered explorer view (unconnected elements hidden), aggregated, from counts; None
    when it would not be aggregated (at most ``max_nodes`` nodes)."""
    nodes_per_label = {k: n for k, n in connected_counts(store).items() if n}
    matched = sum(nodes_per_label.values())
    if matched <= max_nodes:
        return None
    grouped = {
        (f"group:{source}", rel, f"group:{target}"): n
        for (source, rel, target), n in relationship_counts(store).items()
    }
    return View(grouped_drawing(nodes_per_label, grouped), matched, True, max_nodes)
