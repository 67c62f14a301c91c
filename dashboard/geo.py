"""Country positions and the transfer flow map, drawn with no network access.

plotly.js does not bundle its base map: it downloads world topojson from cdn.plot.ly whenever a
geo plot shows land, coastlines or country borders (or uses ``locationmode``). So the map is drawn
from latitude/longitude only, with every country as a faint point for orientation; the outlines
can be switched on by a user who has internet access.

Positions come from dashboard/static/country_points.csv: one representative point per ISO 3166
alpha-2 code, the median of the coordinates the IANA time zone database (zone.tab, public
domain) gives for that country's zones. That is not a centroid, but it puts each country where
a person expects it, and it is shipped with Python (the tzdata package), so the file can be
regenerated offline: ``python -m dashboard.geo``. Not legal data.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import plotly.graph_objects as go

from graph.atomic import atomic_write_text

POINTS_CSV = Path(__file__).resolve().parent / "static" / "country_points.csv"
_COORD = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?([+-])(\d{3})(\d{2})(\d{2})?$")


def _degrees(sign: str, deg: str, minutes: str, seconds: str | None) -> float:
    value = int(deg) + int(minutes) / 60 + (int(seconds) / 3600 if seconds else 0)
    return -value if sign == "-" else value


def parse_zone_tab(text: str) -> dict[str, tuple[float, float]]:
    """(lat, lon) per country code: the median of its zones' coordinates in zone.tab."""
    per_country: dict[str, list[tuple[float, float]]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        match = _COORD.match(parts[1]) if len(parts) > 2 else None
        if match is None:
            continue
        lat = _degrees(*match.group(1, 2, 3, 4))
        lon = _degrees(*match.group(5, 6, 7, 8))
        per_country.setdefault(parts[0], []).append((lat, lon))
    return {
        code: (
            round(statistics.median(p[0] for p in points), 2),
            round(statistics.median(p[1] for p in points), 2),
        )
        for code, points in sorted(per_country.items())
    }


def write_points_csv(points: Mapping[str, tuple[float, float]], path: Path = POINTS_CSV) -> Path:
    out = io.StringIO()
    out.write(
        "# Representative point per ISO 3166-1 alpha-2 country: median of the coordinates of\n"
        "# its zones in the IANA time zone database zone.tab (public domain), as shipped by the\n"
        "# Python tzdata package. Regenerate: python -m dashboard.geo\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "lat", "lon"])
    for code, (lat, lon) in sorted(points.items()):
        writer.writerow([code, f"{lat:.2f}", f"{lon:.2f}"])
    return atomic_write_text(path, out.getvalue())


@cache
def country_points() -> dict[str, tuple[float, float]]:
    """(lat, lon) per alpha-2 code, from the shipped CSV."""
    points: dict[str, tuple[float, float]] = {}
    with POINTS_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            points[row["code"]] = (float(row["lat"]), float(row["lon"]))
    return points


@dataclass(frozen=True)
class Flow:
    """Personal data going from the controller's country to another, under one mechanism."""

    destination: str
    destination_name: str
    mechanism: str
    """Mechanism name as shown in the legend (with its status where known)."""
    in_force: bool | None
    recipients: tuple[str, ...]


def flow_map(
    origin: str,
    origin_name: str,
    flows: Iterable[Flow],
    *,
    outlines: bool = False,
    points: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[go.Figure, list[str]]:
    """The flow map, and the countries that could not be placed (no coordinates).

    Lines go from ``origin`` to each destination, one legend entry per mechanism; a mechanism no
    longer in force is drawn dotted. ``outlines`` adds land and borders, which plotly.js fetches
    from cdn.plot.ly (internet needed).
    """
    where = dict(points if points is not None else country_points())
    fig = go.Figure()
    fig.add_trace(
        go.Scattergeo(
            lat=[lat for lat, _ in where.values()],
            lon=[lon for _, lon in where.values()],
            mode="markers",
            marker={"size": 3, "color": "#cfd8dc"},
            hoverinfo="skip",
            showlegend=False,
            name="countries",
        )
    )
    missing: list[str] = []
    if origin not in where:
        missing.append(origin)
    by_mechanism: dict[tuple[str, bool | None], list[Flow]] = {}
    for flow in flows:
        if flow.destination not in where:
            missing.append(flow.destination)
            continue
        by_mechanism.setdefault((flow.mechanism, flow.in_force), []).append(flow)
    palette = ["#d32f2f", "#1976d2", "#388e3c", "#f57c00", "#7b1fa2", "#0097a7", "#5d4037"]
    if origin in where:
        o_lat, o_lon = where[origin]
        for index, ((mechanism, in_force), group) in enumerate(sorted(by_mechanism.items())):
            lats: list[float | None] = []
            lons: list[float | None] = []
            for flow in group:
                d_lat, d_lon = where[flow.destination]
                lats += [o_lat, d_lat, None]
                lons += [o_lon, d_lon, None]
            fig.add_trace(
                go.Scattergeo(
                    lat=lats,
                    lon=lons,
                    mode="lines",
                    line={
                        "width": 3,
                        "color": palette[index % len(palette)],
                        "dash": "dot" if in_force is False else "solid",
                    },
                    name=mechanism,
                    hoverinfo="name",
                )
            )
        fig.add_trace(
            go.Scattergeo(
                lat=[o_lat],
                lon=[o_lon],
                mode="markers+text",
                text=[origin_name],
                textposition="bottom center",
                marker={"size": 11, "color": "#1a237e", "symbol": "star"},
                name=f"{origin_name} (controller)",
                hovertext=[f"{origin_name}: the controller"],
                hoverinfo="text",
            )
        )
    destinations: dict[str, list[Flow]] = {}
    for group in by_mechanism.values():
        for flow in group:
            destinations.setdefault(flow.destination, []).append(flow)
    if destinations:
        codes = sorted(destinations)
        fig.add_trace(
            go.Scattergeo(
                lat=[where[c][0] for c in codes],
                lon=[where[c][1] for c in codes],
                mode="markers+text",
                text=[destinations[c][0].destination_name for c in codes],
                textposition="top center",
                marker={"size": 9, "color": "#ef6c00"},
                name="recipient country",
                hovertext=[
                    destinations[c][0].destination_name
                    + ": "
                    + ", ".join(sorted({r for f in destinations[c] for r in f.recipients}))
                    for c in codes
                ],
                hoverinfo="text",
            )
        )
    fig.update_geos(
        projection_type="natural earth",
        showland=outlines,
        showcountries=outlines,
        showcoastlines=outlines,
        showocean=False,
        showlakes=False,
        showrivers=False,
        showframe=True,
        landcolor="#f1f3f4",
        lataxis={"showgrid": True, "gridcolor": "#eceff1"},
        lonaxis={"showgrid": True, "gridcolor": "#eceff1"},
    )
    fig.update_layout(
        height=460,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "y": -0.05},
    )
    return fig, sorted(set(missing))


def _regenerate() -> None:
    import tzdata

    zone_tab = Path(tzdata.__file__).resolve().parent / "zoneinfo" / "zone.tab"
    path = write_points_csv(parse_zone_tab(zone_tab.read_text(encoding="utf-8")))
    print(f"wrote {path}")


if __name__ == "__main__":
    _regenerate()
