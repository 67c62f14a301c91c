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
* fetching the graph from any :class:`~graph.store.GraphStore` with portable Cypher, so the
  explorer draws what the store holds whether it is the embedded store or Neo4j.

Tooltips are HTML built here with every piece of record text escaped: the renderer may insert
them as markup, so escaping cannot be left to it.
"""

from __future__ import annotations

import html
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

import networkx as nx

from graph.build import Graph, node_key
from graph.schema import NODE_SPECS, NODES, RELS
from graph.store import GraphStore

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
    "Legislation": LabelStyle("#8d6e63", "box"),
    "Activity": LabelStyle("#1976d2", "dot"),
    "DataCategory": LabelStyle("#2e7d32", "diamond"),
    "DataSubject": LabelStyle("#00897b", "triangle"),
    "Source": LabelStyle("#6d4c41", "triangleDown"),
    "LawfulBasis": LabelStyle("#7b1fa2", "hexagon"),
    "SpecialCategoryCondition": LabelStyle("#c2185b", "hexagon"),
    "Recipient": LabelStyle("#ef6c00", "square"),
    "Country": LabelStyle("#455a64", "ellipse"),
    "TransferMechanism": LabelStyle("#d32f2f", "box"),
    "System": LabelStyle("#5e35b1", "database"),
    "SecurityMeasure": LabelStyle("#9e9d24", "dot"),
    "RetentionRule": LabelStyle("#f9a825", "diamond"),
    "Procedure": LabelStyle("#0097a7", "box"),
}
"""Colour and shape per label; one entry per label of :mod:`graph.schema` (a test checks)."""

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
            parts.append(f"{html.escape(name)}: {text}")
    return "<br>".join(parts)


def node_caption(graph: Graph, key: str) -> str:
    """'Activity · Email newsletter' — how a node is named in lists and messages."""
    data = graph.nodes[key]
    return f"{data['label']} · {data.get('name') or data['id']}"


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
        title=_tooltip(f"{label}: {name}", node_fields(data)),
        ref=data.get("ref"),
        count=1,
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
                    title=_tooltip(rel_type, _edge_fields(data)),
                    count=1,
                )
            )
    edges.sort(key=lambda e: (e["source"], e["type"], e["target"]))
    return VisualGraph(nodes=nodes, edges=edges)


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
    nodes: list[VisualNode] = [_visual_node(k, graph.nodes[k]) for k in sorted(kept_alone)]
    for label, n in counts.items():
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
    nodes.sort(key=lambda n: n["id"])
    edge_counts: Counter[tuple[str, str, str]] = Counter()
    for source, target, rel in _typed_edges(graph):  # one pass over 100,000s of edges
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
            title=_tooltip(f"{rel} ×{n:,}", []),
            count=n,
        )
        for (source, rel, target), n in sorted(edge_counts.items())
    ]
    return VisualGraph(nodes=nodes, edges=edges)


def legend(visual: VisualGraph) -> list[LegendEntry]:
    """Labels present in a drawing, in schema order, with their colour and shape."""
    labels = sorted({n["group"] for n in visual["nodes"]}, key=lambda lb: LABEL_ORDER.get(lb, 99))
    return [LegendEntry(lb, *STYLE.get(lb, LabelStyle("#607d8b", "dot"))) for lb in labels]


# --------------------------------------------------------------------------- choosing nodes


@dataclass(frozen=True)
class ViewFilter:
    """What a person asked to see. Empty sets mean "no restriction".

    ``lawful_bases``, ``recipient_kinds`` and ``countries`` scope the view to the activities and
    recipients they describe (consent activities; processors; recipients in or transferring to
    the US) and keep the elements directly connected to those (their data categories, data
    subjects, mechanisms, …). They combine with AND: consent + US shows the consent activities
    that disclose to recipients in the US, and those recipients. ``labels`` then hides whole
    labels. ``focus`` narrows to the ``hops``-neighbourhood of one node (ignoring direction).
    """

    labels: frozenset[str] = frozenset()
    lawful_bases: frozenset[str] = frozenset()
    recipient_kinds: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    focus: str | None = None
    hops: int = 1
    hide_isolated: bool = True
    max_nodes: int = DEFAULT_MAX_NODES

    @property
    def scoped(self) -> bool:
        return bool(self.lawful_bases or self.recipient_kinds or self.countries)


def _of_label(graph: Graph, label: str) -> list[str]:
    return [k for k, lb in graph.nodes(data="label") if lb == label]


def _typed_edges(graph: Graph) -> Iterator[tuple[str, str, str]]:
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


def _neighbours(graph: Graph, key: str, rel: str, outgoing: bool = True) -> list[str]:
    """Nodes linked to ``key`` by a ``rel`` edge (edges keyed by type, see _typed_edges)."""
    adjacency = graph.succ[key] if outgoing else graph.pred[key]
    return [other for other, by_key in adjacency.items() if rel in by_key]


def _recipient_destinations(graph: Graph, key: str) -> set[str]:
    """Countries a recipient is in or transfers to (ISO alpha-2 codes)."""
    data = graph.nodes[key]
    places = {str(data["country"])} if data.get("country") else set()
    for _, _, edge in graph.out_edges(key, data=True):
        if edge.get("type") == "TRANSFER_UNDER" and edge.get("country"):
            places.add(str(edge["country"]))
    return places


def select_nodes(graph: Graph, flt: ViewFilter) -> set[str]:
    """The node keys ``flt`` keeps, before focus and the size cap (see :class:`ViewFilter`)."""
    if not flt.scoped:
        kept = set(graph.nodes)
    else:
        activities = _of_label(graph, "Activity")
        recipients = _of_label(graph, "Recipient")

        def basis_ok(activity: str) -> bool:
            if not flt.lawful_bases:
                return True
            bases = {graph.nodes[b]["id"] for b in _neighbours(graph, activity, "RELIES_ON")}
            return bool(bases & flt.lawful_bases)

        def recipient_local_ok(recipient: str) -> bool:
            data = graph.nodes[recipient]
            if flt.recipient_kinds and data.get("kind") not in flt.recipient_kinds:
                return False
            return not flt.countries or bool(
                _recipient_destinations(graph, recipient) & flt.countries
            )

        recipient_filter = bool(flt.recipient_kinds or flt.countries)
        local_recipients = {r for r in recipients if recipient_local_ok(r)}
        kept_activities = {
            a
            for a in activities
            if basis_ok(a)
            and (
                not recipient_filter
                or any(r in local_recipients for r in _neighbours(graph, a, "DISCLOSES_TO"))
            )
        }
        kept_recipients = {
            r
            for r in local_recipients
            if not flt.lawful_bases
            or any(a in kept_activities for a in _neighbours(graph, r, "DISCLOSES_TO", False))
        }
        scoped: set[str] = kept_activities | kept_recipients
        scoped_labels = {"Activity", "Recipient"}
        if flt.lawful_bases:
            scoped_labels.add("LawfulBasis")
            scoped |= {
                node_key("LawfulBasis", b)
                for b in flt.lawful_bases
                if node_key("LawfulBasis", b) in graph
            }
        if flt.countries:
            scoped_labels |= {"Country", "System"}
            scoped |= {
                node_key("Country", c) for c in flt.countries if node_key("Country", c) in graph
            }
            scoped |= {
                s
                for s in _of_label(graph, "System")
                if graph.nodes[s].get("location") in flt.countries
                and any(a in kept_activities for a in _neighbours(graph, s, "USES", False))
            }
        kept = set(scoped)
        for key in scoped:
            for other in nx.all_neighbors(graph, key):
                if graph.nodes[other]["label"] not in scoped_labels:
                    kept.add(other)
    if flt.labels:
        kept = {k for k in kept if graph.nodes[k]["label"] in flt.labels}
    if flt.hide_isolated:
        kept = {k for k in kept if any(n in kept for n in nx.all_neighbors(graph, k))}
    return kept


def neighbourhood(graph: Graph, start: str, hops: int, within: set[str] | None = None) -> set[str]:
    """Nodes at most ``hops`` edges from ``start`` (either direction), moving only ``within``."""
    if start not in graph:
        return set()
    seen = {start}
    frontier: deque[tuple[str, int]] = deque([(start, 0)])
    while frontier:
        key, depth = frontier.popleft()
        if depth >= hops:
            continue
        for other in nx.all_neighbors(graph, key):
            if other in seen or (within is not None and other not in within):
                continue
            seen.add(other)
            frontier.append((other, depth + 1))
    return seen


@dataclass(frozen=True)
class View:
    """A drawing and what it stands for: how many nodes matched and whether they were grouped."""

    visual: VisualGraph
    matched: int
    aggregated: bool
    max_nodes: int
    focus: str | None = None
    missing_focus: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """What the person should be told about this drawing, in one sentence."""
        if self.missing_focus:
            return f"'{self.missing_focus}' is not in this graph; showing the filtered graph."
        if self.matched == 0:
            return "Nothing matches these filters: widen them (or clear the focus)."
        if self.aggregated:
            return (
                f"{self.matched:,} nodes match — more than the {self.max_nodes:,} that can be "
                "drawn, so each label is drawn as one node with its count. Narrow the filters "
                "or focus on a node to see individual elements."
            )
        return f"Showing all {self.matched:,} matching nodes."


def view(graph: Graph, flt: ViewFilter) -> View:
    """Apply ``flt`` to ``graph``: filters, then focus, then the size cap."""
    kept = select_nodes(graph, flt)
    missing = None
    focus = flt.focus
    if focus is not None and focus not in graph:
        missing, focus = focus, None
    if focus is not None:
        kept = neighbourhood(graph, focus, max(flt.hops, 0), within=kept | {focus})
    return view_of(graph, kept, flt.max_nodes, focus=focus, missing_focus=missing)


def view_of(
    graph: Graph,
    keys: Iterable[str],
    max_nodes: int = DEFAULT_MAX_NODES,
    focus: str | None = None,
    missing_focus: str | None = None,
) -> View:
    """A drawing of exactly ``keys`` (aggregated per label when there are too many)."""
    kept = {k for k in keys if k in graph}
    if len(kept) > max_nodes:
        visual = aggregate(graph, kept, keep=[focus] if focus else [])
        return View(visual, len(kept), True, max_nodes, focus, missing_focus)
    return View(to_visual(graph, kept), len(kept), False, max_nodes, focus, missing_focus)


# --------------------------------------------------------------------------- filter choices


@dataclass(frozen=True)
class Facets:
    """The values each filter can take in this graph (what the widgets offer)."""

    labels: list[str]
    lawful_bases: list[tuple[str, str]]
    """(id, name) of the bases at least one activity relies on."""
    recipient_kinds: list[str]
    countries: list[tuple[str, str]]
    """(code, name) of countries that appear in the graph."""


def facets(graph: Graph) -> Facets:
    labels = sorted(
        {str(lb) for _, lb in graph.nodes(data="label")}, key=lambda lb: LABEL_ORDER.get(lb, 99)
    )
    bases = sorted(
        (str(graph.nodes[b]["id"]), str(graph.nodes[b].get("name") or graph.nodes[b]["id"]))
        for b in _of_label(graph, "LawfulBasis")
        if _neighbours(graph, b, "RELIES_ON", outgoing=False)
    )
    kinds = sorted(
        {str(graph.nodes[k].get("kind")) for k in _of_label(graph, "Recipient")} - {"None"}
    )
    countries = sorted(
        (str(graph.nodes[k]["id"]), str(graph.nodes[k].get("name") or graph.nodes[k]["id"]))
        for k in _of_label(graph, "Country")
    )
    return Facets(labels, bases, kinds, countries)


def focus_candidates(graph: Graph, text: str = "", limit: int = 200) -> list[str]:
    """Node keys whose name or id contains ``text`` (case-insensitive).

    Exact matches come first, then names or ids starting with the text, then the rest; within
    each, schema order of labels, then name.
    """
    needle = text.strip().lower()
    ranked: list[tuple[int, int, str, str]] = []
    for key, data in graph.nodes(data=True):
        name = str(data.get("name", "")).lower()
        ident = str(data.get("id", "")).lower()
        if needle and needle not in name and needle not in ident:
            continue
        if needle in (name, ident):
            rank = 0
        elif name.startswith(needle) or ident.startswith(needle):
            rank = 1
        else:
            rank = 2
        ranked.append((rank, LABEL_ORDER.get(str(data["label"]), 99), name, key))
    ranked.sort()
    return [key for *_, key in ranked[:limit]]


# --------------------------------------------------------------------------- from a store


def graph_from_store(store: GraphStore) -> Graph:
    """The whole graph a store holds, fetched with one query per label and relationship type.

    Labels, types and properties come from :mod:`graph.schema` (never from user input), and the
    Cypher is the portable subset, so this works on the embedded store and on Neo4j alike.
    Absent values are dropped, as :func:`graph.build.build_graph` drops them.
    """
    graph: Graph = nx.MultiDiGraph()
    for spec in NODES:
        columns = ", ".join(f"n.{name} AS {name}" for name in spec.properties)
        result = store.query(f"MATCH (n:{spec.label}) RETURN {columns}")
        for record in result.records():
            props = {k: v for k, v in record.items() if v is not None and v != []}
            graph.add_node(node_key(spec.label, str(props["id"])), label=spec.label, **props)
    for rel in RELS:
        for source_label, target_label in rel.endpoints:
            columns = "".join(f", r.{name} AS {name}" for name in rel.properties)
            result = store.query(
                f"MATCH (a:{source_label})-[r:{rel.type}]->(b:{target_label}) "
                f"RETURN a.id AS _from, b.id AS _to{columns}"
            )
            for record in result.records():
                source = node_key(source_label, str(record.pop("_from")))
                target = node_key(target_label, str(record.pop("_to")))
                props = {k: v for k, v in record.items() if v is not None}
                graph.add_edge(source, target, key=rel.type, type=rel.type, **props)
    return graph


def result_node_keys(rows: Iterable[Iterable[Any]]) -> list[str]:
    """Keys ("Label:id") of every node found anywhere in query result rows, in order seen.

    Stores return nodes as mappings with ``_label`` (or ``_labels``) and ``id``; nodes inside
    paths and lists are found too, so any query that returns nodes can be drawn.
    """
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            label = value.get("_label")
            if label is None and isinstance(value.get("_labels"), list):
                label = next((lb for lb in value["_labels"] if lb in NODE_SPECS), None)
            if isinstance(label, str) and label in NODE_SPECS and value.get("id") is not None:
                found.setdefault(node_key(label, str(value["id"])), None)
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for row in rows:
        walk(list(row))
    return list(found)
