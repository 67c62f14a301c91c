"""Draw a :class:`graph.visual.VisualGraph` as a self-contained HTML page (pyvis / vis-network).

pyvis's own page template pulls Bootstrap from a CDN even in its "in_line" mode, so we use pyvis
for what it is good at (building vis-network's node, edge and option structures) and render them
into our own small template with vis-network's JavaScript and CSS inlined from the copy pyvis
ships. The page therefore works with no internet, and makes no network request at all.

Safety: node and edge data go into the page as JSON through Jinja's ``tojson`` (which escapes
``<``, ``>``, ``&`` and quotes, so record text cannot close the script). Tooltips are HTML that
:mod:`graph.visual` built with every piece of record text escaped; vis-network would show them as
plain text, so the page turns them into elements itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pyvis
from pyvis.network import Network

from graph.visual import LegendEntry, VisualGraph, legend

VIS_VERSION = "9.1.2"

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>{{ vis_css|safe }}</style>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  #legend { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 6px 8px; font-size: 13px;
            color: #333; border-bottom: 1px solid #e0e0e0; }
  #legend .item { display: inline-flex; align-items: center; gap: 5px; }
  #legend .swatch { width: 12px; height: 12px; display: inline-block; border-radius: 2px; }
  #legend .shape { color: #777; font-size: 11px; }
  #graph { width: 100%; height: {{ height }}px; }
  div.vis-tooltip { max-width: 420px; white-space: normal; font-size: 13px; line-height: 1.35;
                    font-family: inherit; }
</style>
<script>{{ vis_js|safe }}</script>
</head>
<body>
<div id="legend" aria-label="legend">
{% for entry in legend %}
  <span class="item"><span class="swatch" style="background: {{ entry.colour }}"></span>
  {{ entry.label }} <span class="shape">({{ entry.shape }})</span></span>
{% endfor %}
</div>
<div id="graph" role="img" aria-label="{{ title }}"></div>
<script>
(function () {
  var nodes = {{ nodes|tojson }};
  var edges = {{ edges|tojson }};
  var options = {{ options|tojson }};
  function tip(markup) {
    if (!markup) { return undefined; }
    var element = document.createElement("div");
    element.innerHTML = markup;  /* built by graph.visual with all record text escaped */
    return element;
  }
  nodes.forEach(function (n) { n.title = tip(n.title); });
  edges.forEach(function (e) { e.title = tip(e.title); });
  var network = new vis.Network(
    document.getElementById("graph"),
    { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) },
    options
  );
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    document.body.setAttribute("data-drawn", "yes");
  });
  {% if focus %}
  network.once("afterDrawing", function () { network.selectNodes([{{ focus|tojson }}]); });
  {% endif %}
}());
</script>
</body>
</html>
"""


@cache
def _asset(name: str) -> str:
    """A file of the vis-network copy bundled with pyvis (no CDN, no network)."""
    base = Path(pyvis.__file__).resolve().parent
    for folder in (base / "templates" / "lib", base / "lib"):
        path = folder / f"vis-{VIS_VERSION}" / name
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"pyvis does not ship vis-{VIS_VERSION}/{name}; reinstall pyvis")


def _options(edge_count: int, node_count: int) -> dict[str, Any]:
    return {
        "autoResize": True,
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "nodes": {"font": {"size": 16 if node_count < 150 else 12}, "borderWidth": 1},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": {"enabled": True, "type": "dynamic"},
            "font": {"size": 9 if edge_count <= 150 else 0, "align": "middle", "color": "#555"},
        },
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
            "stabilization": {"iterations": 250, "fit": True},
        },
    }


def network_data(visual: VisualGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis-network's node and edge records for ``visual``, built through pyvis.

    Nodes get no vis ``group``: vis-network would colour them from its own palette and
    override ours.
    """
    net = Network(directed=True, cdn_resources="in_line")
    for node in visual["nodes"]:
        size = 14 if node["count"] == 1 else min(14 + 4 * len(f"{node['count']}"), 40)
        net.add_node(
            node["id"],
            label=node["label"],
            title=node["title"],
            color=node["colour"],
            shape=node["shape"],
            size=size,
        )
    show_labels = len(visual["edges"]) <= 150
    for edge in visual["edges"]:
        label = edge["type"] if edge["count"] == 1 else f"{edge['type']} ×{edge['count']:,}"
        net.add_edge(
            edge["source"],
            edge["target"],
            id=edge["id"],
            title=edge["title"],
            label=label if show_labels else None,
            color="#9aa5b1",
            width=1 if edge["count"] == 1 else min(1 + len(f"{edge['count']}"), 6),
        )
    nodes: list[dict[str, Any]] = [dict(n) for n in net.nodes]
    edges: list[dict[str, Any]] = [{k: v for k, v in e.items() if v is not None} for e in net.edges]
    return nodes, edges


def render_html(
    visual: VisualGraph,
    *,
    height: int = 620,
    title: str = "Processing graph",
    focus: str | None = None,
) -> str:
    """A complete HTML page drawing ``visual`` with a legend; safe to embed in an iframe."""
    nodes, edges = network_data(visual)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_function"] = json.dumps
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    entries: list[LegendEntry] = legend(visual)
    return env.from_string(_TEMPLATE).render(
        title=title,
        height=height,
        vis_css=_asset("vis-network.css"),
        vis_js=_asset("vis-network.min.js"),
        legend=entries,
        nodes=nodes,
        edges=edges,
        options=_options(len(edges), len(nodes)),
        focus=focus,
    )
