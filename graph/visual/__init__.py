"""The processing graph as something to draw: ``{nodes, edges}`` plus the filters that pick them.

A drawing is only useful if a person can read it, so this package decides *what* is drawn and the
dashboard's renderer (pyvis) only decides *how*. Everything here is pure and deterministic (same
graph and filter, same output, in the same order), which is what lets the golden-file tests pin it
down and lets any renderer, or a test, consume it as plain JSON.

``drawing`` holds the look of each label and the ``{nodes, edges}`` form (tooltips escaped here,
since the renderer inserts them as markup); ``select`` which nodes a view keeps (filters, N-hop
focus, aggregation above a cap); ``from_store`` reads the graph back from any store.
"""

from graph.visual.drawing import (
    DEFAULT_MAX_NODES,
    EDGE_COLOUR,
    FIELD_MAX_CHARS,
    LABEL_MAX_CHARS,
    STYLE,
    LabelStyle,
    LegendEntry,
    VisualEdge,
    VisualGraph,
    VisualNode,
    aggregate,
    format_value,
    legend,
    node_caption,
    node_fields,
    to_visual,
)
from graph.visual.from_store import graph_from_store, result_node_keys
from graph.visual.select import (
    Facets,
    View,
    ViewFilter,
    facets,
    focus_candidates,
    neighbourhood,
    select_nodes,
    view,
    view_of,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "EDGE_COLOUR",
    "FIELD_MAX_CHARS",
    "LABEL_MAX_CHARS",
    "STYLE",
    "Facets",
    "LabelStyle",
    "LegendEntry",
    "View",
    "ViewFilter",
    "VisualEdge",
    "VisualGraph",
    "VisualNode",
    "aggregate",
    "facets",
    "focus_candidates",
    "format_value",
    "graph_from_store",
    "legend",
    "neighbourhood",
    "node_caption",
    "node_fields",
    "result_node_keys",
    "select_nodes",
    "to_visual",
    "view",
    "view_of",
]
