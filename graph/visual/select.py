"""Choosing what to draw: filters by label, basis, country and search text, N-hop neighbourhoods
around a focus, and the choices the explorer's filter widgets offer."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.build import Graph, node_key
from graph.visual.drawing import (
    DEFAULT_MAX_NODES,
    LABEL_ORDER,
    VisualGraph,
    aggregate,
    to_visual,
)
from graph.visual.flow import aggregate_flow

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
    business_functions: frozenset[str] = frozenset()
    """Activities of these business functions (departments) only."""
    layout: str = "free"
    """'flow' (left to right, grouped by business function at scale) or 'free' (grouped per
    label at scale)."""

    @property
    def scoped(self) -> bool:
        return bool(
            self.lawful_bases or self.recipient_kinds or self.countries or self.business_functions
        )


def _of_label(graph: Graph, label: str) -> list[str]:
    return [k for k, lb in graph.nodes(data="label") if lb == label]


def _neighbours(graph: Graph, key: str, rel: str, outgoing: bool = True) -> list[str]:
    """Nodes linked to ``key`` by a ``rel`` edge (edges keyed by type, see typed_edges)."""
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
            if (
                flt.business_functions
                and graph.nodes[activity].get("businessFunction") not in flt.business_functions
            ):
                return False
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
            if not (flt.lawful_bases or flt.business_functions)
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
                f"{self.matched:,} elements match — more than the {self.max_nodes:,} that can be "
                f"drawn one by one, so similar ones are drawn as one box with their count "
                f"({len(self.visual['nodes']):,} boxes). Narrow the filters (business function, "
                "country, …) or focus on an element to see each one."
            )
        return f"Showing all {self.matched:,} matching elements."


def view(graph: Graph, flt: ViewFilter) -> View:
    """Apply ``flt`` to ``graph``: filters, then focus, then the size cap."""
    kept = select_nodes(graph, flt)
    missing = None
    focus = flt.focus
    if focus is not None and focus not in graph:
        missing, focus = focus, None
    if focus is not None:
        kept = neighbourhood(graph, focus, max(flt.hops, 0), within=kept | {focus})
    return view_of(
        graph, kept, flt.max_nodes, focus=focus, missing_focus=missing, layout=flt.layout
    )


def view_of(
    graph: Graph,
    keys: Iterable[str],
    max_nodes: int = DEFAULT_MAX_NODES,
    focus: str | None = None,
    missing_focus: str | None = None,
    layout: str = "free",
) -> View:
    """A drawing of exactly ``keys``; when there are too many, grouped per label (free layout)
    or by business function and most-connected elements (data-flow layout)."""
    kept = {k for k in keys if k in graph}
    if len(kept) > max_nodes:
        keep = [focus] if focus else []
        if layout == "flow":
            visual = aggregate_flow(graph, kept, keep=keep)
        else:
            visual = aggregate(graph, kept, keep=keep)
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
    business_functions: list[str] = field(default_factory=list)
    """Business functions (departments) the activities name."""


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
    functions = sorted(
        {
            str(f)
            for _, f in graph.nodes(data="businessFunction")
            if isinstance(f, str) and f.strip()
        }
    )
    return Facets(labels, bases, kinds, countries, functions)


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
