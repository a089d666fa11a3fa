"""The one seam between the dashboards and ``layers/``: every map figure is built here.

``layers/`` (another engineer's work in progress) will own the map builders: ward outlines, devices by kind and
state, air-quality stations by VN_AQI band, wifi load and field reports, as plotly ``Scattermap`` /
``Choroplethmap`` traces on an offline background with a theme. Until those builders land, this module builds
the same layers itself with the same intent, using ``layers.vn_aqi`` for bands; when they land, only the bodies of
the ``*_layer`` functions change and pages keep calling :func:`city_map` and :func:`state_patch`.

Trace order is fixed (outlines, devices per kind, AQI, wifi, reports) so a :class:`dash.Patch` can address a
trace by index. Updates patch marker colours only; positions are sent once per scene.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Patch

from dashboards.i18n import t
from dashboards.theme import Theme
from layers.vn_aqi import BANDS

KIND_ORDER = ("camera", "env", "wifi")
KIND_SIZE = {"camera": 12, "env": 12, "wifi": 11}
BAND_HEX = {b.key: b.hex for b in BANDS}


@dataclass(frozen=True)
class MapData:
    outlines: dict[str, Any]          # GeoJSON FeatureCollection (code, name)
    points: pd.DataFrame              # devices.map_points
    stations: pd.DataFrame            # aqi.station_aqi
    wifi: pd.DataFrame                # rollups.wifi_now
    view: tuple[float, float, float, float] | None  # west, south, east, north


# Plotly's built-in "white-bg" style needs no network. A style given as a dict would be reloaded on every
# figure update (MapLibre then fails with "source already exists"), so the theme's background is a layer instead.
OFFLINE_STYLE = "white-bg"
_WORLD = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
    [[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]}}


def background_layers(theme: Theme, tiles_url: str | None) -> list[dict[str, Any]]:
    """The theme's background, plus the operator's XYZ tiles when configured (``IOC_TILES_URL``)."""
    layers: list[dict[str, Any]] = [{"sourcetype": "geojson", "source": _WORLD, "type": "fill",
                                     "color": theme.map_bg, "below": "traces"}]
    if tiles_url:
        layers.append({"sourcetype": "raster", "source": [tiles_url], "below": "traces",
                       "opacity": 0.55 if theme.name == "dark" else 0.9})
    return layers


def center_zoom(view: tuple[float, float, float, float] | None) -> tuple[dict[str, float], float]:
    """Centre and a zoom that fits the box on a wall-sized map (web-mercator; 1 zoom step halves the span)."""
    if view is None:
        return {"lon": 106.7, "lat": 16.0}, 4.5
    west, south, east, north = view
    span = max(east - west, (north - south) * 1.3, 1e-4)
    zoom = max(1.0, min(16.0, math.log2(360.0 / span) + 0.9))
    return {"lon": (west + east) / 2, "lat": (south + north) / 2}, zoom


def wards_layer(outlines: dict[str, Any], theme: Theme) -> go.Choroplethmap:
    codes = [f["properties"]["code"] for f in outlines["features"]]
    names = [f["properties"]["name"] for f in outlines["features"]]
    return go.Choroplethmap(
        geojson=outlines, locations=codes, z=[1] * len(codes), featureidkey="properties.code", text=names,
        colorscale=[[0, theme.accent], [1, theme.accent]], showscale=False, marker={"opacity": 0.06,
        "line": {"color": theme.ward_line, "width": 2}}, hovertemplate="%{text}<extra></extra>", name="wards")


def devices_layer(points: pd.DataFrame, kind: str, theme: Theme, lang: str) -> go.Scattermap:
    mine = points[points["kind"] == kind]
    return go.Scattermap(
        lon=mine["lon"].tolist(), lat=mine["lat"].tolist(), mode="markers",
        marker={"size": KIND_SIZE.get(kind, 8), "color": state_colors(mine["state"], theme)},
        text=mine["name"].tolist(), customdata=mine["device_id"].tolist(),
        hovertemplate="%{text}<br>%{customdata}<extra></extra>", name=t(f"kind.{kind}", lang), showlegend=False)


def aqi_layer(stations: pd.DataFrame, lang: str) -> go.Scattermap:
    return go.Scattermap(
        lon=stations["lon"].tolist(), lat=stations["lat"].tolist(), mode="markers",
        marker={"size": 22, "color": [BAND_HEX[b] for b in stations["band"]], "opacity": 0.95},
        text=[f"{n}: VN_AQI {a}" for n, a in zip(stations["name"], stations["aqi"], strict=True)],
        hovertemplate="%{text}<extra></extra>", name=t("map.aqi", lang), showlegend=False)


def wifi_layer(wifi: pd.DataFrame, theme: Theme, lang: str) -> go.Scattermap:
    clients = wifi["clients"].fillna(0).astype(float)
    return go.Scattermap(
        lon=wifi["lon"].tolist(), lat=wifi["lat"].tolist(), mode="markers",
        marker={"size": (10 + clients.clip(upper=100) * 0.3).round(1).tolist(), "color": "#a78bfa", "opacity": 0.55},
        text=[f"{n}: {c:.0f}" for n, c in zip(wifi["name"], clients, strict=True)],
        hovertemplate="%{text}<extra></extra>", name=t("map.wifi", lang))


def reports_layer(lang: str) -> go.Scattermap:
    """Open field reports: no reports table exists yet, so the layer is present and honestly empty."""
    return go.Scattermap(lon=[], lat=[], mode="markers", name=t("map.reports", lang), visible="legendonly")


def legend_layers(theme: Theme, lang: str) -> list[go.Scattermap]:
    """Empty traces that only explain colours: device states (marker colour) and VN_AQI bands (station circles)."""
    states = [go.Scattermap(lon=[None], lat=[None], mode="markers", marker={"size": 14, "color": theme.state_colors[s]},
                            name=t(f"state.{s}", lang), legendgroup="state",
                            legendgrouptitle={"text": t("map.devices", lang)} if i == 0 else None)
              for i, s in enumerate(("online", "stale", "offline"))]
    bands = [go.Scattermap(lon=[None], lat=[None], mode="markers", marker={"size": 18, "color": b.hex},
                           name=b.name_vi if lang == "vi" else b.name_en, legendgroup="aqi",
                           legendgrouptitle={"text": t("map.aqi", lang)} if i == 0 else None)
             for i, b in enumerate(BANDS)]
    return states + bands


def state_colors(states: Sequence[str] | pd.Series, theme: Theme) -> list[str]:
    return [theme.state_colors.get(s, theme.muted) for s in states]


def city_map(data: MapData, theme: Theme, lang: str, tiles_url: str | None, revision: str) -> go.Figure:
    """The full map of a scene; ``revision`` keeps the operator's zoom until the scene changes."""
    kinds = [k for k in KIND_ORDER if k in set(data.points["kind"])] + sorted(
        set(data.points["kind"]) - set(KIND_ORDER))
    traces: list[Any] = [wards_layer(data.outlines, theme)]
    traces += [devices_layer(data.points, k, theme, lang) for k in kinds]
    traces += [aqi_layer(data.stations, lang), wifi_layer(data.wifi, theme, lang), reports_layer(lang)]
    traces += legend_layers(theme, lang)
    center, zoom = center_zoom(data.view)
    fig = go.Figure(traces)
    fig.update_layout(
        map={"style": OFFLINE_STYLE, "layers": background_layers(theme, tiles_url), "center": center, "zoom": zoom},
        uirevision=revision, margin={"l": 0, "r": 0, "t": 0, "b": 0}, paper_bgcolor=theme.panel,
        font={"color": theme.fg, "size": 18}, showlegend=True,
        legend={"bgcolor": "rgba(0,0,0,0.55)" if theme.name == "dark" else "rgba(255,255,255,0.8)",
                "x": 0.01, "y": 0.99, "font": {"size": 17}, "groupclick": "toggleitem", "tracegroupgap": 8})
    return fig


def device_order(points: pd.DataFrame) -> list[str]:
    """The device ids in marker order; a changed order means the figure must be rebuilt, not patched."""
    kinds = [k for k in KIND_ORDER if k in set(points["kind"])] + sorted(set(points["kind"]) - set(KIND_ORDER))
    return [d for k in kinds for d in points.loc[points["kind"] == k, "device_id"]]


def state_patch(data: MapData, theme: Theme, lang: str) -> Patch:
    """Only what changes between ticks: marker colours per kind, the stations' bands, the access points' load."""
    patch = Patch()
    kinds = [k for k in KIND_ORDER if k in set(data.points["kind"])] + sorted(
        set(data.points["kind"]) - set(KIND_ORDER))
    for i, kind in enumerate(kinds, start=1):
        patch["data"][i]["marker"]["color"] = state_colors(data.points.loc[data.points["kind"] == kind, "state"], theme)
    base = 1 + len(kinds)
    for offset, trace in enumerate((aqi_layer(data.stations, lang), wifi_layer(data.wifi, theme, lang))):
        for key in ("lon", "lat", "text"):
            patch["data"][base + offset][key] = list(getattr(trace, key) or ())
        patch["data"][base + offset]["marker"] = trace.marker.to_plotly_json()
    return patch
