"""Driver values become the same plain Python as the embedded store's, without ropagraph tags.

The values are the driver's own classes (neo4j.graph, neo4j.time, neo4j.spatial), built the
way the driver builds them from a server's answer.
"""

from __future__ import annotations

from typing import Any

from neo4j.graph import Graph as DriverGraph
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import CartesianPoint
from neo4j.time import Date, DateTime, Duration

from graph.build import Graph
from graph.stores.neo4j_store import plain
from graph.stores.neo4j_sync import TAG_RECORD, TAG_UID, node_uid


def driver_node(graph: DriverGraph, number: int, label: str, props: dict[str, Any]) -> Node:
    return Node(graph, f"4:db:{number}", number, [label], props)


def driver_rel(
    graph: DriverGraph, number: int, rel_type: str, start: Node, end: Node, props: dict[str, Any]
) -> Relationship:
    rel = graph.relationship_type(rel_type)(graph, f"5:db:{number}", number, props)
    rel._start_node, rel._end_node = start, end  # what the driver's hydration sets
    return rel


def tagged(data: dict[str, Any]) -> dict[str, Any]:
    """A node's properties as a push stores them in Neo4j."""
    props = {k: v for k, v in data.items() if k != "label"}
    return {**props, TAG_RECORD: "kynex", TAG_UID: node_uid("kynex", data["id"])}


def test_a_node_reads_like_the_embedded_store_returns_it(
    kynex_graph: Graph, kynex_store: Any
) -> None:
    data = kynex_graph.nodes["Recipient:mailchimp"]
    node = driver_node(DriverGraph(), 1, "Recipient", tagged(data))
    embedded = kynex_store.query("MATCH (r:Recipient {id: 'mailchimp'}) RETURN r").rows[0][0]
    assert plain(node) == embedded


def test_a_relationship_reads_like_the_embedded_store_returns_it(
    kynex_graph: Graph, kynex_store: Any
) -> None:
    graph = DriverGraph()
    activity = driver_node(
        graph, 1, "Activity", tagged(kynex_graph.nodes["Activity:email-newsletter"])
    )
    mailchimp = driver_node(graph, 2, "Recipient", tagged(kynex_graph.nodes["Recipient:mailchimp"]))
    edge = kynex_graph.edges["Activity:email-newsletter", "Recipient:mailchimp", "DISCLOSES_TO"]
    props = {k: v for k, v in edge.items() if k != "type"}
    rel = driver_rel(graph, 3, "DISCLOSES_TO", activity, mailchimp, {**props, TAG_RECORD: "kynex"})
    embedded = kynex_store.query(
        "MATCH (:Activity {id: 'email-newsletter'})-[d:DISCLOSES_TO]->(:Recipient "
        "{id: 'mailchimp'}) RETURN d"
    ).rows[0][0]
    assert plain(rel) == embedded


def test_paths_lists_maps_and_temporal_values_are_plain() -> None:
    graph = DriverGraph()
    a = driver_node(graph, 1, "Activity", {"id": "a", TAG_UID: "r:a"})
    b = driver_node(graph, 2, "Recipient", {"id": "b", TAG_RECORD: "r"})
    rel = driver_rel(graph, 3, "DISCLOSES_TO", a, b, {"purpose": "p", TAG_UID: "r:x"})
    assert plain(Path(a, rel)) == {
        "nodes": [{"_label": "Activity", "id": "a"}, {"_label": "Recipient", "id": "b"}],
        "relationships": [
            {"_type": "DISCLOSES_TO", "_start": "Activity:a", "_end": "Recipient:b", "purpose": "p"}
        ],
    }
    assert plain({"when": Date(2024, 5, 1), "list": [DateTime(2024, 5, 1, 12, 30, 0)]}) == {
        "when": "2024-05-01",
        "list": ["2024-05-01T12:30:00.000000000"],
    }
    assert plain(Duration(days=3)) == "P3D"
    assert plain(CartesianPoint((1.0, 2.0))) == str(CartesianPoint((1.0, 2.0)))
    assert plain([1, True, None, "x", 2.5]) == [1, True, None, "x", 2.5]
