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
    FLOW_COLUMNS,
    FLOW_LABELS,
    FLOW_LEVEL,
    FLOW_REVERSED,
    LABEL_MAX_CHARS,
    STYLE,
    LabelStyle,
    LegendEntry,
    VisualEdge,
    VisualGraph,
    VisualNode,
    aggregate,
    contrast_ratio,
    format_value,
    legend,
    node_caption,
    node_fields,
    text_colour,
    to_visual,
)
from graph.visual.flow import aggregate_flow
from graph.visual.from_store import graph_among, graph_from_store, result_node_keys
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
from graph.visual.words import (
    edge_words,
    field_name,
    label_name,
    label_plural,
    label_short,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "EDGE_COLOUR",
    "FIELD_MAX_CHARS",
    "FLOW_COLUMNS",
    "FLOW_LABELS",
    "FLOW_LEVEL",
    "FLOW_REVERSED",
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
    "aggregate_flow",
    "contrast_ratio",
    "edge_words",
    "facets",
    "field_name",
    "focus_candidates",
    "format_value",
    "graph_among",
    "graph_from_store",
    "label_name",
    "label_plural",
    "label_short",
    "legend",
    "neighbourhood",
    "node_caption",
    "node_fields",
    "result_node_keys",
    "select_nodes",
    "text_colour",
    "to_visual",
    "view",
    "view_of",
]
