"""The data-flow view of a large record: grouped so that a person can still read it.

Grouping per label (``drawing.aggregate``) turns 5,000 activities into a schema diagram: one
"Activity" box, one "Recipient" box. A DPO asks instead "which parts of the business send data
to whom?". So in the data-flow view:

* activities are grouped by business function ("Marketing · 363 activities");
* every other label keeps its ``max_each`` most connected elements as themselves (the
  recipients that receive from most activities, the data categories most processed, …) and
  groups the rest — recipients per kind ("212 other processors"), data categories into ordinary
  and special-category, anything else into one "other" box;
* edges between groups carry how many relationships they stand for.

Pure and deterministic like the rest of the package.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import networkx as nx

from graph.build import Graph
from graph.visual.drawing import (
    FLOW_LEVEL,
    STYLE,
    LabelStyle,
    VisualEdge,
    VisualGraph,
    VisualNode,
    _tooltip,
    _visual_node,
    typed_edges,
)
from graph.visual.words import edge_words, label_plural

MAX_EACH = 20
"""Elements of one label drawn individually in a grouped data-flow view (a column of ~20 boxes
fits a screen with every label readable)."""

MAX_BY_LABEL = {
    "DataSubject": 10,
    "Source": 8,
    "DataCategory": 14,
    "LawfulBasis": 7,
    "SpecialCategoryCondition": 3,
    "Recipient": 18,
    "Country": 14,
    "TransferMechanism": 9,
}
"""Per label, so that each column of the flow stays around 25 boxes (subjects and sources share
the first column, countries and safeguards the last)."""

NO_FUNCTION = "no business function stated"

KIND_PLURALS = {
    "processor": "processors",
    "sub_processor": "sub-processors",
    "controller": "controllers",
    "joint_controller": "joint controllers",
    "public_authority": "public authorities",
    "unspecified": "recipients of unstated role",
}


class _Group(NamedTuple):
    label: str
    caption: str
    """The part of the box's text after the count, e.g. 'other processors'."""
    extra: str = ""


def _group_for(graph: Graph, key: str, label: str) -> _Group:
    data = graph.nodes[key]
    if label == "Activity":
        function = str(data.get("businessFunction") or NO_FUNCTION)
        return _Group(label, "activities", function)
    if label == "Recipient":
        kind = str(data.get("kind") or "unspecified")
        return _Group(label, f"other {KIND_PLURALS.get(kind, kind)}")
    if label == "DataCategory":
        special = bool(data.get("special"))
        return _Group(label, "other special-category data" if special else "other data categories")
    return _Group(label, f"other {label_plural(label)}")


def aggregate_flow(
    graph: Graph, keys: Iterable[str], keep: Iterable[str] = (), max_each: int = MAX_EACH
) -> VisualGraph:
    """The grouped data-flow drawing of ``keys`` (``keep`` nodes always drawn themselves)."""
    chosen = {k for k in keys if k in graph}
    kept_alone = {k for k in keep if k in chosen}
    labels: dict[str, str] = {k: str(graph.nodes[k]["label"]) for k in chosen}
    by_label: dict[str, list[str]] = {}
    for key in sorted(chosen):
        by_label.setdefault(labels[key], []).append(key)

    group_of: dict[str, str] = {}
    groups: dict[str, tuple[_Group, list[str]]] = {}
    for label, members in by_label.items():
        alone: set[str] = set()
        limit = min(max_each, MAX_BY_LABEL.get(label, max_each))
        if label != "Activity" and len(members) > limit:
            sub = graph.subgraph(chosen)
            degree = dict(nx.degree(sub, members))
            ranked = sorted(members, key=lambda k: (-degree.get(k, 0), k))
            alone = set(ranked[:limit])
        elif label != "Activity":
            alone = set(members)
        for key in members:
            if key in alone or key in kept_alone:
                group_of[key] = key
                continue
            group = _group_for(graph, key, label)
            group_id = f"group:{label}:{group.extra or group.caption}"
            group_of[key] = group_id
            groups.setdefault(group_id, (group, []))[1].append(key)

    for group_id, (_, members) in list(groups.items()):
        if len(members) == 1 and members[0] not in by_label.get("Activity", []):
            group_of[members[0]] = members[0]  # a group of one is just that element
            del groups[group_id]

    nodes: list[VisualNode] = [
        _visual_node(k, graph.nodes[k]) for k in sorted(k for k, g in group_of.items() if k == g)
    ]
    for group_id, (group, members) in groups.items():
        style = STYLE.get(group.label, LabelStyle("#607d8b", "dot"))
        n = len(members)
        if group.label == "Activity":
            text = f"{group.extra} · {n:,} {'activity' if n == 1 else 'activities'}"
        else:
            text = f"{n:,} {group.caption}"
        sample = ", ".join(str(graph.nodes[k].get("name") or k) for k in members[:5])
        more = f" and {n - 5:,} more" if n > 5 else ""
        nodes.append(
            VisualNode(
                id=group_id,
                label=text,
                group=group.label,
                colour=style.colour,
                shape=style.shape,
                title=_tooltip(
                    text,
                    [
                        ("for example", sample + more),
                        ("drawn as one", "narrow the filters or focus on one to see each"),
                    ],
                ),
                ref=None,
                count=n,
                level=FLOW_LEVEL.get(group.label, 2),
            )
        )
    nodes.sort(key=lambda n: n["id"])
    edge_counts: Counter[tuple[str, str, str]] = Counter()
    for source, target, rel in typed_edges(graph):
        source_group = group_of.get(source)
        target_group = group_of.get(target)
        if source_group is not None and target_group is not None:
            edge_counts[(source_group, str(rel), target_group)] += 1
    edges = [
        VisualEdge(
            id=f"{source}|{rel}|{target}",
            source=source,
            target=target,
            type=rel,
            title=_tooltip(f"{edge_words(rel)} ×{n:,}", []),
            count=n,
        )
        for (source, rel, target), n in sorted(edge_counts.items())
        if source != target
    ]
    return VisualGraph(nodes=nodes, edges=edges)
