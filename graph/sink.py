"""Where the graph builder (:func:`graph.build.emit`) sends nodes and relationships.

One walk over the record feeds either a networkx graph (:mod:`graph.build`) or column tables for
a store (:mod:`graph.tables`), so both hold the same graph. Relationships come one at a time
(:meth:`Sink.edge`), except the activities' (1.6 M at 100,000 activities): :meth:`Sink.activities`
takes them all, so the table sink can build whole columns instead of a call and a dict each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from graph.model import Activity

__all__ = ["Sink", "node_key"]


def node_key(label: str, node_id: str) -> str:
    return f"{label}:{node_id}"


class Sink(Protocol):
    """Where the builder's nodes and relationships go: a networkx graph, or column tables
    (:mod:`graph.tables`). One walk over the record feeds both, so both hold the same graph."""

    def node(self, label: str, node_id: str, name: str, **props: Any) -> str: ...

    def edge(self, rel: str, source: str, target: str, **props: Any) -> None: ...

    def activities(self, activities: list[Activity], controller: str) -> None:
        """Every activity's node and relationships (see :mod:`graph.build_activity`), after
        all the nodes they link to; ``controller`` is the controller's node key."""

    def country(self, code: str) -> str: ...

    def contains(self, key: str) -> bool: ...
