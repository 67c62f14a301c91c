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

from graph.visual import (
    FLOW_COLUMNS,
    FLOW_REVERSED,
    LegendEntry,
    VisualGraph,
    edge_words,
    legend,
    text_colour,
)

VIS_VERSION = "9.1.2"

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>{{ vis_css|safe }}</style>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: #222; }
  #legend { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 6px 8px; font-size: 14px;
            border-bottom: 1px solid #e0e0e0; }
  #legend .item { display: inline-flex; align-items: center; gap: 6px; }
  #legend .swatch { width: 14px; height: 14px; display: inline-block; border-radius: 3px; }
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
  {{ entry.name }}</span>
{% endfor %}
</div>
<div id="graph" role="img" aria-label="{{ title }}"></div>
<script>
(function () {
  var nodes = {{ nodes|tojson }};
  var edges = {{ edges|tojson }};
  var options = {{ options|tojson }};
  var focus = {{ focus|tojson }};
  var columns = {{ columns|tojson }};  /* level -> heading, data-flow layout only */
  function tip(markup) {
    if (!markup) { return undefined; }
    var element = document.createElement("div");
    element.innerHTML = markup;  /* built by graph.visual with all record text escaped */
    return element;
  }
  nodes.forEach(function (n) { n.title = tip(n.title); });
  edges.forEach(function (e) { e.title = tip(e.title); });
  var data = { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) };
  var network = new vis.Network(document.getElementById("graph"), data, options);
  window.ropagraphNetwork = network;
  var levelOf = {};
  nodes.forEach(function (n) { if (n.level !== undefined) { levelOf[n.id] = n.level; } });
  if (Object.keys(columns).length) {
    /* Column headings drawn on the canvas above each column, so they stay aligned. */
    network.on("beforeDrawing", function (ctx) {
      var positions = network.getPositions();
      var xs = {}, top = Infinity;
      Object.keys(positions).forEach(function (id) {
        var level = levelOf[id], p = positions[id];
        (xs[level] = xs[level] || []).push(p.x);
        top = Math.min(top, p.y);
      });
      ctx.font = "bold 16px system-ui, sans-serif";
      ctx.fillStyle = "#333";
      ctx.textAlign = "center";
      Object.keys(xs).forEach(function (level) {
        var x = xs[level].reduce(function (a, b) { return a + b; }, 0) / xs[level].length;
        if (columns[level]) { ctx.fillText(columns[level], x, top - 48); }
      });
    });
  }
  /* What a person can read: for each node, its label's box on screen (used by the browser
     test, and handy in the console): labels drawn, font size on screen, overlaps. */
  window.ropagraphLabels = function () {
    var scale = network.getScale();
    var canvas = document.querySelector("#graph canvas").getBoundingClientRect();
    var boxes = nodes.map(function (n) {
      var b = network.getBoundingBox(n.id);
      var tl = network.canvasToDOM({ x: b.left, y: b.top });
      var br = network.canvasToDOM({ x: b.right, y: b.bottom });
      return { id: n.id, label: n.label || "", left: tl.x, top: tl.y, right: br.x,
               bottom: br.y };
    });
    var overlaps = 0;
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i], b = boxes[j];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 &&
            b.top < a.bottom - 1) { overlaps++; }
      }
    }
    var outside = boxes.filter(function (b) {
      return b.left < -1 || b.top < -1 || b.right > canvas.width + 1 ||
             b.bottom > canvas.height + 1;
    }).length;
    var unlabelled = boxes.filter(function (b) { return !b.label; }).length;
    return { nodes: nodes.length, unlabelled: unlabelled,
             fontPx: {{ font_size }} * scale, overlaps: overlaps, outside: outside };
  };
  function drawn() {
    if (focus !== null) {
      network.selectNodes([focus]);
    }
    document.body.setAttribute("data-drawn", "yes");
  }
  if (options.physics && options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      drawn();
    });
  } else {
    network.once("afterDrawing", function () {
      /* Fit to the width, top-aligned, with room above the boxes for the column headings. */
      var box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
      nodes.forEach(function (n) {
        var b = network.getBoundingBox(n.id);
        box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
        box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
      });
      var area = document.getElementById("graph").getBoundingClientRect();
      var scale = Math.min(1.1, (area.width - 30) / (box.right - box.left),
                           (area.height - 60) / (box.bottom - box.top + 60));
      network.moveTo({
        position: { x: (box.left + box.right) / 2,
                    y: box.top - 60 + (area.height / 2 - 10) / scale },
        scale: scale
      });
      drawn();
    });
  }
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


FLOW_NODE_SPACING = 64
"""Vertical distance between boxes in a data-flow column (two lines of 15 px text fit)."""
FONT_SIZE = 15
FLOW_LEVEL_SEPARATION = 245
GROUPED_EDGE = {"color": "rgba(110,125,145,0.28)", "highlight": "#1a237e", "hover": "#1a237e"}
"""Many wide grouped flows drawn opaque become one grey band; translucent, the paths show."""
LABEL_INSIDE = frozenset({"box", "ellipse", "database", "circle", "text"})


def _options(layout: str, edge_count: int) -> dict[str, Any]:
    font = {"size": FONT_SIZE, "face": "system-ui, sans-serif"}
    base: dict[str, Any] = {
        "autoResize": True,
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "nodes": {
            "font": font,
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": 3}},
        },
    }
    if layout == "flow":
        base["layout"] = {
            "hierarchical": {
                "enabled": True,
                "direction": "LR",
                "levelSeparation": FLOW_LEVEL_SEPARATION,
                "nodeSpacing": FLOW_NODE_SPACING,
                "treeSpacing": FLOW_NODE_SPACING,
                "blockShifting": True,
                "edgeMinimization": True,
                "parentCentralization": False,
                "sortMethod": "directed",
                "shakeTowards": "leaves",
            }
        }
        base["physics"] = {"enabled": False}
        base["edges"] = {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal"},
            "color": {"color": "#8a96a8", "highlight": "#1a237e", "hover": "#1a237e"},
            "font": {"size": 12, "color": "#333", "strokeWidth": 3, "strokeColor": "#ffffff"},
        }
        return base
    base["layout"] = {"randomSeed": 7, "improvedLayout": True}
    base["edges"] = {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "smooth": {"enabled": True, "type": "dynamic"},
        "color": {"color": "#8a96a8", "highlight": "#1a237e", "hover": "#1a237e"},
        "font": {
            "size": 12 if edge_count <= 150 else 0,
            "align": "middle",
            "color": "#333",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
    }
    base["physics"] = {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 130},
        "stabilization": {"iterations": 300, "fit": True},
    }
    return base


def _darker(colour: str) -> str:
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{int(c * 0.7):02x}" for c in channels)


def network_data(
    visual: VisualGraph, layout: str = "free", focus: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis-network's node and edge records for ``visual``, built through pyvis.

    Nodes get no vis ``group``: vis-network would colour them from its own palette and
    override ours. In the data-flow layout every node is a box with its label inside (labels
    in a column cannot overlap) in a text colour chosen for contrast with the box.
    """
    net = Network(directed=True, cdn_resources="in_line")
    flow = layout == "flow"
    for node in visual["nodes"]:
        colour = node["colour"]
        shape = "box" if flow else node["shape"]
        inside = shape in LABEL_INSIDE
        font: dict[str, Any] = (
            {"color": text_colour(colour)}
            if inside
            else {"color": "#111111", "strokeWidth": 3, "strokeColor": "#ffffff"}
        )
        extra: dict[str, Any] = {"font": font}
        if flow:
            extra["level"] = node["level"]
            extra["margin"] = 7
            extra["widthConstraint"] = {"maximum": 215}
        if node["id"] == focus:
            extra["borderWidth"] = 5
            extra["shadow"] = {"enabled": True, "color": "#ffd600", "size": 18, "x": 0, "y": 0}
        size = 14 if node["count"] == 1 else min(14 + 4 * len(f"{node['count']}"), 40)
        net.add_node(
            node["id"],
            label=node["label"],
            title=node["title"],
            color={
                "background": colour,
                "border": "#ffd600" if node["id"] == focus else _darker(colour),
                "highlight": {"background": colour, "border": "#ffd600"},
                "hover": {"background": colour, "border": "#1a237e"},
            },
            shape=shape,
            size=size,
            **extra,
        )
    show_labels = not flow and len(visual["edges"]) <= 150
    grouped = any(n["count"] > 1 for n in visual["nodes"])
    for edge in visual["edges"]:
        words = edge_words(edge["type"])
        if edge["count"] == 1 or flow:  # grouped flows: the count is in the tooltip and width
            label = words if show_labels else None
        else:
            label = f"{words} ×{edge['count']:,}"
        source, target = edge["source"], edge["target"]
        if flow and edge["type"] in FLOW_REVERSED:
            source, target = target, source
        net.add_edge(
            source,
            target,
            id=edge["id"],
            title=edge["title"],
            label=label,
            width=1.3 if edge["count"] == 1 else min(1.3 + len(f"{edge['count']}"), 7),
            color=GROUPED_EDGE if flow and grouped else None,
        )
    nodes: list[dict[str, Any]] = [dict(n) for n in net.nodes]
    edges: list[dict[str, Any]] = [{k: v for k, v in e.items() if v is not None} for e in net.edges]
    return nodes, edges


def flow_height(
    visual: VisualGraph, width: int = 1050, minimum: int = 420, maximum: int = 2600
) -> int:
    """Canvas height for the data-flow layout: the tallest column at the scale that fits the
    columns into ``width`` pixels (the page width the explorer usually gets)."""
    per_level: dict[int, int] = {}
    for node in visual["nodes"]:
        per_level[node["level"]] = per_level.get(node["level"], 0) + 1
    tallest = max(per_level.values(), default=1)
    span = (len(per_level) - 1) * FLOW_LEVEL_SEPARATION + 220
    scale = min(1.1, width / span)
    return max(minimum, min(maximum, int(tallest * FLOW_NODE_SPACING * scale) + 120))


def render_html(
    visual: VisualGraph,
    *,
    height: int = 620,
    title: str = "Processing graph",
    focus: str | None = None,
    layout: str = "free",
) -> str:
    """A complete HTML page drawing ``visual`` with a legend; safe to embed in an iframe.

    ``layout``: 'flow' (left to right in columns, see graph.visual.FLOW_LEVEL) or 'free'
    (force-directed, seeded so it is the same on every load).
    """
    nodes, edges = network_data(visual, layout, focus)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_function"] = json.dumps
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    entries: list[LegendEntry] = legend(visual)
    levels = sorted({n["level"] for n in visual["nodes"]})
    columns = {str(level): FLOW_COLUMNS[level] for level in levels} if layout == "flow" else {}
    return env.from_string(_TEMPLATE).render(
        title=title,
        height=height,
        vis_css=_asset("vis-network.css"),
        vis_js=_asset("vis-network.min.js"),
        legend=entries,
        columns=columns,
        nodes=nodes,
        edges=edges,
        options=_options(layout, len(edges)),
        focus=focus,
        font_size=FONT_SIZE,
    )
