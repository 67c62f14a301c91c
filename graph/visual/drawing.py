"""The processing graph as something to draw: ``{nodes, edges}`` plus the filters that pick them.

A drawing is only useful if a person can read it, so this module decides *what* is drawn and the
dashboard's renderer (pyvis) only decides *how*. Everything here is pure and deterministic (same
graph and filter, same output, in the same order), which is what lets the golden-file tests pin it
down and lets any renderer, or a test, consume it as plain JSON.

Three concerns live here:

* the look of each label (colour, shape) so every view and its legend agree;
* which nodes a view keeps: filters by label, lawful basis, recipient kind and country, a focus
  node with its N-hop neighbourhood, and a cap above which nodes are aggregated per label instead
  of drawn one by one (a browser cannot lay out 10,000 nodes, and a person cannot read them);
* fetching the graph from any :class:`~graph.stores.GraphStore` with portable Cypher, so the
  explorer draws what the store holds whether it is the embedded store or Neo4j.

Tooltips are HTML built here with every piece of record text escaped: the renderer may insert
them as markup, so escaping cannot be left to it.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypedDict

from graph.build import Graph
from graph.schema import NODE_SPECS, NODES
from graph.visual.words import edge_words, field_name, label_name, label_plural, label_short

DEFAULT_MAX_NODES = 500
"""Above this many nodes a view is aggregated per label: a browser lays out a few hundred nodes
in a second or two, thousands freeze the tab, and nobody can read them anyway."""

LABEL_MAX_CHARS = 40
FIELD_MAX_CHARS = 300


class LabelStyle(NamedTuple):
    colour: str
    shape: str
    """A vis-network node shape (dot, square, diamond, …)."""


STYLE: dict[str, LabelStyle] = {
    "Record": LabelStyle("#9e9e9e", "star"),
    "Controller": LabelStyle("#1a237e", "star"),
    "ServedController": LabelStyle("#3949ab", "star"),
    "Legislation": LabelStyle("#8d6e63", "box"),
    "Activity": LabelStyle("#1976d2", "dot"),
    "DataCategory": LabelStyle("#2e7d32", "diamond"),
    "DataSubject": LabelStyle("#00796b", "triangle"),
    "Source": LabelStyle("#6d4c41", "triangleDown"),
    "LawfulBasis": LabelStyle("#7b1fa2", "hexagon"),
    "SpecialCategoryCondition": LabelStyle("#c2185b", "hexagon"),
    "Recipient": LabelStyle("#ef6c00", "square"),
    "Country": LabelStyle("#455a64", "ellipse"),
    "TransferMechanism": LabelStyle("#d32f2f", "box"),
    "System": LabelStyle("#5e35b1", "square"),
    "SecurityMeasure": LabelStyle("#9e9d24", "dot"),
    "RetentionRule": LabelStyle("#f9a825", "diamond"),
    "Procedure": LabelStyle("#0097a7", "box"),
    "Cookie": LabelStyle("#795548", "dot"),
}
"""Colour and shape per label; one entry per label of :mod:`graph.schema` (a test checks)."""

FLOW_LEVEL: dict[str, int] = {
    "Legislation": -1,
    "Procedure": -1,
    "Record": 0,
    "Controller": 0,
    "ServedController": 0,
    "DataSubject": 0,
    "Source": 0,
    "Activity": 1,
    "DataCategory": 2,
    "LawfulBasis": 2,
    "SpecialCategoryCondition": 2,
    "System": 2,
    "Cookie": 2,
    "SecurityMeasure": 2,
    "RetentionRule": 2,
    "Recipient": 3,
    "Country": 4,
    "TransferMechanism": 4,
}
"""The column of each label in the left-to-right data-flow view: whose data and where it comes
from → processing activities → what data, on which basis → who receives it → where it goes and
under which safeguard."""

FLOW_COLUMNS: dict[int, str] = {
    -1: "Law, procedures",
    0: "Whose data, from where",
    1: "Activities",
    2: "What data, what basis",
    3: "Who receives it",
    4: "Where it goes",
}

FLOW_LABELS: frozenset[str] = frozenset(
    {
        "DataSubject",
        "Source",
        "Activity",
        "DataCategory",
        "LawfulBasis",
        "SpecialCategoryCondition",
        "Recipient",
        "Country",
        "TransferMechanism",
    }
)
"""What the data-flow view shows unless asked for more (systems, security, retention, the
controller and its laws and procedures are a click away: they are not part of the flow)."""

FLOW_REVERSED: frozenset[str] = frozenset({"CONCERNS"})
"""Relationships drawn against their stored direction in the data-flow view: an activity
*concerns* data subjects, but their data flows *from* them into the activity."""

LABEL_ORDER: dict[str, int] = {spec.label: index for index, spec in enumerate(NODES)}
EDGE_COLOUR = "#9aa5b1"


class VisualNode(TypedDict):
    id: str
    label: str
    group: str
    colour: str
    shape: str
    title: str
    """Tooltip as HTML; every piece of record text in it is escaped."""
    ref: str | None
    count: int
    """How many graph nodes this drawn node stands for (1 unless aggregated)."""
    level: int
    """Its column in the data-flow view (see FLOW_LEVEL)."""


class VisualEdge(TypedDict):
    id: str
    source: str
    target: str
    type: str
    title: str
    count: int


class VisualGraph(TypedDict):
    nodes: list[VisualNode]
    edges: list[VisualEdge]


class LegendEntry(NamedTuple):
    label: str
    colour: str
    shape: str
    name: str = ""
    """What the label is called on screen ('Processing activity')."""


# --------------------------------------------------------------------------- formatting


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_value(value: Any) -> str:
    """A property value as a person reads it: lists joined, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(format_value(v) for v in value)
    return str(value)


def node_fields(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The node's properties in schema order, ``ref`` last (where the source says it)."""
    label = str(data.get("label", ""))
    spec = NODE_SPECS.get(label)
    order = list(spec.properties) if spec else sorted(data)
    fields: list[tuple[str, str]] = []
    for name in order:
        if name in ("ref", "label"):
            continue
        value = data.get(name)
        if value is None or value == [] or value == "":
            continue
        fields.append((name, format_value(value)))
    if data.get("ref"):
        fields.append(("ref", format_value(data["ref"])))
    return fields


def _tooltip(heading: str, fields: Iterable[tuple[str, str]]) -> str:
    """HTML for a tooltip; everything but the fixed markup is escaped."""
    parts = [f"<b>{html.escape(heading)}</b>"]
    for name, value in fields:
        text = html.escape(_short(value, FIELD_MAX_CHARS))
        if name == "ref":
            parts.append(f"<i>where the source says it:</i> {text}")
        else:
            parts.append(f"{html.escape(field_name(name))}: {text}")
    return "<br>".join(parts)


def node_caption(graph: Graph, key: str) -> str:
    """'Activity · Email newsletter' — how a node is named in lists and messages."""
    data = graph.nodes[key]
    return f"{label_short(str(data['label']))} · {data.get('name') or data['id']}"


def _visual_node(key: str, data: Mapping[str, Any]) -> VisualNode:
    label = str(data["label"])
    style = STYLE.get(label, LabelStyle("#607d8b", "dot"))
    name = str(data.get("name") or data.get("id") or key)
    return VisualNode(
        id=key,
        label=_short(name, LABEL_MAX_CHARS),
        group=label,
        colour=style.colour,
        shape=style.shape,
        title=_tooltip(f"{label_short(label)}: {name}", node_fields(data)),
        ref=data.get("ref"),
        count=1,
        level=FLOW_LEVEL.get(label, 2),
    )


def _edge_fields(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    fields = [
        (name, format_value(value))
        for name, value in sorted(data.items())
        if name not in ("type", "ref") and value is not None and value != []
    ]
    if data.get("ref"):
        fields.append(("ref", format_value(data["ref"])))
    return fields


# --------------------------------------------------------------------------- {nodes, edges}


def to_visual(graph: Graph, keys: Iterable[str] | None = None) -> VisualGraph:
    """The drawable ``{nodes, edges}`` of ``graph`` restricted to ``keys`` (all when None).

    Nodes are ordered by key and edges by (source, type, target), so the output is stable.
    """
    chosen = sorted(graph.nodes if keys is None else (k for k in set(keys) if k in graph))
    kept = set(chosen)
    nodes = [_visual_node(key, graph.nodes[key]) for key in chosen]
    edges: list[VisualEdge] = []
    for source in chosen:
        for _, target, rel, data in graph.out_edges(source, keys=True, data=True):
            if target not in kept:
                continue
            rel_type = str(data.get("type", rel))
            edges.append(
                VisualEdge(
                    id=f"{source}|{rel_type}|{target}",
                    source=source,
                    target=target,
                    type=rel_type,
                    title=_tooltip(edge_words(rel_type), _edge_fields(data)),
                    count=1,
                )
            )
    edges.sort(key=lambda e: (e["source"], e["type"], e["target"]))
    return VisualGraph(nodes=nodes, edges=edges)


def typed_edges(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """(source, target, type) of every edge.

    ropagraph graphs key each edge by its type (graph.build and graph_from_store both do), and
    reading keys is several times faster than reading edge data on 100,000s of edges.
    """
    for source, target, key in graph.edges(keys=True):
        yield (
            source,
            target,
            key if isinstance(key, str) else graph.edges[source, target, key]["type"],
        )


def aggregate(graph: Graph, keys: Iterable[str], keep: Iterable[str] = ()) -> VisualGraph:
    """One drawn node per label (``keep`` nodes stay themselves), edges counted per type.

    This is what a view becomes when it matches more nodes than can be drawn: the shape of the
    data (how many activities, how many of them disclose to recipients) stays readable.
    """
    chosen = {k for k in keys if k in graph}
    kept_alone = {k for k in keep if k in chosen}
    labels: dict[str, str] = dict(graph.nodes(data="label"))
    group_of = {k: k if k in kept_alone else f"group:{labels[k]}" for k in chosen}
    counts = Counter(labels[k] for k in chosen if k not in kept_alone)
    edge_counts: Counter[tuple[str, str, str]] = Counter()
    for source, target, rel in typed_edges(graph):  # one pass over 100,000s of edges
        source_group = group_of.get(source)
        target_group = group_of.get(target)
        if source_group is not None and target_group is not None:
            edge_counts[(source_group, str(rel), target_group)] += 1
    alone = [_visual_node(k, graph.nodes[k]) for k in sorted(kept_alone)]
    return grouped_drawing(counts, edge_counts, alone)


def grouped_drawing(
    counts: Mapping[str, int],
    edge_counts: Mapping[tuple[str, str, str], int],
    alone: Iterable[VisualNode] = (),
) -> VisualGraph:
    """The aggregated drawing from counts: nodes per label, edges per (group, type, group).

    :func:`aggregate` counts a networkx graph; ``graph.visual.aggregates`` counts in the store
    with ``count()`` queries. Both draw through here, so they draw the same.
    """
    nodes: list[VisualNode] = list(alone)
    for label, n in counts.items():
        style = STYLE.get(label, LabelStyle("#607d8b", "dot"))
        nodes.append(
            VisualNode(
                id=f"group:{label}",
                label=f"{n:,} {label_plural(label)}" if n != 1 else f"1 {label_short(label)}",
                group=label,
                colour=style.colour,
                shape=style.shape,
                title=_tooltip(
                    f"{n:,} {label_plural(label)}",
                    [("drawn as one", "narrow the filters or focus on a node to see them")],
                ),
                ref=None,
                count=n,
                level=FLOW_LEVEL.get(label, 2),
            )
        )
    nodes.sort(key=lambda n: n["id"])
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
    ]
    return VisualGraph(nodes=nodes, edges=edges)


def legend(visual: VisualGraph) -> list[LegendEntry]:
    """Labels present in a drawing, in schema order, with their colour and shape."""
    labels = sorted({n["group"] for n in visual["nodes"]}, key=lambda lb: LABEL_ORDER.get(lb, 99))
    return [
        LegendEntry(lb, *STYLE.get(lb, LabelStyle("#607d8b", "dot")), name=label_name(lb))
        for lb in labels
    ]


def _luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (1 to 21; 4.5 is readable body text)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(background: str) -> str:
    """Near-black or white, whichever reads better on ``background``."""
    dark, light = "#111111", "#ffffff"
    return dark if contrast_ratio(dark, background) >= contrast_ratio(light, background) else light
