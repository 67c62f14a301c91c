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
from graph.visual.drawing import (
    DEFAULT_MAX_NODES,
    STYLE,
    LabelStyle,
    VisualEdge,
    VisualGraph,
    VisualNode,
    _tooltip,
)
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
    nodes: list[VisualNode] = []
    for label, n in nodes_per_label.items():
        style = STYLE.get(label, LabelStyle("#607d8b", "dot"))
        nodes.append(
            VisualNode(
                id=f"group:{label}",
                label=f"{label} ×{n:,}",
                group=label,
                colour=style.colour,
                shape=style.shape,
                title=_tooltip(
                    f"{n:,} {label} node{'' if n == 1 else 's'}",
                    [("drawn as one", "narrow the filters or focus on a node to see them")],
                ),
                ref=None,
                count=n,
            )
        )
    nodes.sort(key=lambda node: node["id"])
    grouped = {
        (f"group:{source}", rel, f"group:{target}"): n
        for (source, rel, target), n in relationship_counts(store).items()
    }
    edges = [
        VisualEdge(
            id=f"{source}|{rel}|{target}",
            source=source,
            target=target,
            type=rel,
            title=_tooltip(f"{rel} ×{n:,}", []),
            count=n,
        )
        for (source, rel, target), n in sorted(grouped.items())
    ]
    return View(VisualGraph(nodes=nodes, edges=edges), matched, True, max_nodes)
