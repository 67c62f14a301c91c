"""The transfer map: a real world map drawn offline, countries coloured by transfer status.

plotly.js downloads its base map from cdn.plot.ly, so it is never asked for one (land,
coastlines and borders stay off). Instead the country outlines ship with ropagraph:
``dashboard/static/world-atlas-countries-110m.json`` is the ``countries-110m.json`` TopoJSON of
the npm package ``world-atlas`` 2.0.2 (Mike Bostock, ISC licence, see
``world-atlas-LICENSE.txt``), built from Natural Earth's 1:110m Admin 0 countries (public
domain). It is decoded to GeoJSON here and drawn as a choropleth, so the map needs no network.

Each destination country is coloured by the worst status of the transfers to it on the as-of
date: a tool no longer (or not yet) in force, no tool stated, an Art 49 derogation, an
appropriate safeguard (Art 46/47), or an adequacy decision (Art 45). The kind of a tool comes
from its article in data/reference/transfer_mechanisms.yaml, never from a list in code.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pycountry

from dashboard.geo import country_points
from graph.reference import reference_by_id

WORLD_TOPOJSON = Path(__file__).resolve().parent / "static" / "world-atlas-countries-110m.json"
ANTARCTICA = "010"


@dataclass(frozen=True)
class Status:
    key: str
    name: str
    colour: str
    rank: int
    """Higher is worse: a country with several transfers shows the worst."""


INVALID = Status("invalid", "Tool not in force on the date", "#c62828", 5)
NO_MECHANISM = Status("none", "No transfer tool stated", "#f57c00", 4)
DEROGATION = Status("derogation", "Derogation (Art 49)", "#8e24aa", 3)
SAFEGUARD = Status("safeguard", "Appropriate safeguard (Art 46/47)", "#1e88e5", 2)
ADEQUACY = Status("adequacy", "Adequacy (Art 45)", "#2e7d32", 1)
STATUSES = (INVALID, NO_MECHANISM, DEROGATION, SAFEGUARD, ADEQUACY)
ORIGIN_COLOUR = "#37474f"
OTHER_COLOUR = "#e6e8eb"


def transfer_status(mechanism: str | None, on: dt.date) -> Status:
    """The map status of a transfer under ``mechanism`` on ``on`` (reference data decides)."""
    if not mechanism:
        return NO_MECHANISM
    entry = reference_by_id("transfer_mechanisms").get(mechanism)
    if entry is None or entry.id == "not_stated":
        return NO_MECHANISM
    if not entry.in_force(on):
        return INVALID
    article = str(getattr(entry, "article", "") or "")
    if "Art 45" in article:
        return ADEQUACY
    if "Art 49" in article:
        return DEROGATION
    return SAFEGUARD


# --------------------------------------------------------------------------- outlines


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        arcs.append(points)
    return arcs


def _ring(indexes: Sequence[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    ring: list[list[float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend([list(p) for p in (points if not ring else points[1:])])
    return ring


@cache
def world_geojson() -> dict[str, Any]:
    """Natural Earth 110m countries as GeoJSON; each feature's id is its ISO alpha-2 code (or
    'ne-N' for areas without one), with the name in properties. Antarctica is left out."""
    topology = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    features = []
    for index, geometry in enumerate(topology["objects"]["countries"]["geometries"]):
        numeric = str(geometry.get("id") or "")
        if numeric == ANTARCTICA or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        country = pycountry.countries.get(numeric=numeric) if numeric else None
        code = country.alpha_2 if country is not None else f"ne-{index}"
        if geometry["type"] == "Polygon":
            coordinates: Any = [_ring(r, arcs) for r in geometry["arcs"]]
        else:
            coordinates = [[_ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": geometry.get("properties", {}).get("name", code)},
                "geometry": {"type": geometry["type"], "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- the map


@dataclass(frozen=True)
class Destination:
    """A destination country and what goes there: its worst status and the transfers."""

    code: str
    name: str
    status: Status
    lines: tuple[str, ...]
    """'MailChimp — EU-US Privacy Shield (not in force since 2020-07-16)' per transfer."""


def destinations(
    transfers: Iterable[tuple[str, str, str, str | None, str]], on: dt.date
) -> list[Destination]:
    """Destinations from (country code, country name, recipient, mechanism id, mechanism text)."""
    grouped: dict[str, tuple[str, Status, list[str]]] = {}
    for code, name, recipient, mechanism, described in transfers:
        status = transfer_status(mechanism, on)
        _, worst, lines = grouped.get(code, (name, status, []))
        worst = status if status.rank > worst.rank else worst
        lines.append(f"{recipient} — {described}")
        grouped[code] = (name, worst, lines)
    return [
        Destination(code, name, status, tuple(sorted(set(lines))))
        for code, (name, status, lines) in sorted(grouped.items())
    ]


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Natural Earth projection (Šavrič, Jenny, Patterson, Jenny 2011) of a point, in
    radians-scaled plane units: the map the world-atlas outlines are usually drawn in."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.870700 - 0.131979 * p2 - 0.013791 * p4 + p4 * p4 * p2 * (0.003971 - 0.001529 * p2))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def _outline(features: Iterable[dict[str, Any]]) -> tuple[list[float | None], list[float | None]]:
    """Projected x and y of every ring of ``features``, rings separated by None (one trace)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            for ring in polygon:
                previous: float | None = None
                for lon, lat in ring:
                    if previous is not None and abs(lon - previous) > 180:
                        xs.append(None)  # a ring crossing the antimeridian: no line across
                        ys.append(None)
                    previous = lon
                    x, y = natural_earth(lon, lat)
                    xs.append(x)
                    ys.append(y)
                xs.append(None)
                ys.append(None)
    return xs, ys


def transfer_world_map(
    origin: str, origin_name: str, found: Sequence[Destination], on: dt.date, height: int = 560
) -> go.Figure:
    """Countries coloured by transfer status, lines from the controller's country.

    Drawn as filled shapes on plain axes (not plotly's geo subplot, which downloads its base
    map from cdn.plot.ly as soon as it draws anything by location), so it needs no network.
    """
    del on  # the statuses in ``found`` are already for the date
    features = {f["id"]: f for f in world_geojson()["features"]}
    by_code = {d.code: d for d in found}
    figure = go.Figure()
    others = [f for code, f in features.items() if code not in by_code and code != origin]
    figure.add_trace(_shape(others, OTHER_COLOUR, "Other countries", None, False))
    if origin in features:
        figure.add_trace(
            _shape([features[origin]], ORIGIN_COLOUR, f"{origin_name} (the controller)", None, True)
        )
    legend_done: set[str] = set()
    for status in STATUSES:
        for destination in (d for d in found if d.status == status):
            if destination.code not in features or destination.code == origin:
                continue
            hover = (
                f"<b>{html.escape(destination.name)}</b><br>{html.escape(status.name)}<br>"
                + _listed(destination.lines)
            )
            figure.add_trace(
                _shape(
                    [features[destination.code]],
                    status.colour,
                    status.name,
                    hover,
                    status.key not in legend_done,
                    group=status.key,
                )
            )
            legend_done.add(status.key)
    _lines(figure, origin, found)
    axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis, scaleanchor="x", scaleratio=1, range=[-1.05, 1.45])
    figure.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        plot_bgcolor="#f4f8fb",
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0, "font": {"size": 13}},
        hoverlabel={"align": "left"},
        dragmode="pan",
    )
    return figure


def _shape(
    features: Sequence[dict[str, Any]],
    colour: str,
    name: str,
    hover: str | None,
    legend: bool,
    group: str | None = None,
) -> go.Scatter:
    xs, ys = _outline(features)
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        fill="toself",
        fillcolor=colour,
        line={"color": "#ffffff", "width": 0.6},
        name=name,
        legendgroup=group or name,
        showlegend=legend,
        hoveron="fills",
        hoverinfo="text" if hover else "skip",
        text=hover,
    )


def _listed(lines: Sequence[str], limit: int = 12) -> str:
    shown = "<br>".join(html.escape(line) for line in lines[:limit])
    more = len(lines) - limit
    return shown + (f"<br>… and {more:,} more (the table above lists them all)" if more > 0 else "")


def _lines(figure: go.Figure, origin: str, found: Sequence[Destination]) -> None:
    """A curved line (straight in longitude/latitude) from the origin to each destination."""
    points = country_points()
    start = points.get(origin)
    if start is None:
        return
    for destination in found:
        end = points.get(destination.code)
        if end is None or destination.code == origin:
            continue
        steps = [i / 24 for i in range(25)]
        path = [
            natural_earth(start[1] + (end[1] - start[1]) * t, start[0] + (end[0] - start[0]) * t)
            for t in steps
        ]
        hover = (
            f"<b>{html.escape(destination.name)}</b><br>{html.escape(destination.status.name)}"
            "<br>" + _listed(destination.lines)
        )
        figure.add_trace(
            go.Scatter(
                x=[p[0] for p in path],
                y=[p[1] for p in path],
                mode="lines",
                line={"width": 1.8, "color": "#263238"},
                opacity=0.55,
                hoverinfo="skip",
                showlegend=False,
            )
        )
        # A dot in the status colour: small countries (Singapore, Malta, …) have no outline at
        # 1:110m, so the dot is what shows them.
        figure.add_trace(
            go.Scatter(
                x=[path[-1][0]],
                y=[path[-1][1]],
                mode="markers",
                marker={
                    "size": 9,
                    "color": destination.status.colour,
                    "line": {"color": "#ffffff", "width": 1.5},
                },
                hoverinfo="text",
                text=[hover],
                showlegend=False,
            )
        )
