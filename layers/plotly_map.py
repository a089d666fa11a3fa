"""Plotly MapLibre figures (``go.Scattermap`` / ``go.Choroplethmap``) for the dashboards. Renders built layers only.

Offline by default: the map style is a single background layer with no sources, so nothing is fetched; the
style has no ``glyphs`` URL, which makes MapLibre draw ward labels with the browser's own fonts (Vietnamese
diacritics included). ``tiles_url`` (IOC_TILES_URL) adds a raster basemap under everything.
Note: MapLibre runs a web worker that Chromium refuses on ``file://`` pages; serve the page over HTTP (Dash does).
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import shapely

from layers.build import extent
from layers.style import LIGHT_COLORS, LIGHT_PROBLEMS, LIGHT_STATES, REPORT_COLORS, STATES, MapTheme, word
from layers.style import theme as get_theme

# Ward outlines are simplified for display (≈ 5 m; tolerance in degrees of EPSG:4326, ~111 km per degree).
DISPLAY_TOLERANCE_DEG = 5 / 111_000
_DECIMALS = 5


def map_style(theme: MapTheme, tiles_url: str | None = None) -> dict[str, Any]:
    """A MapLibre style that needs no network: a background colour, plus a raster basemap when a URL is given."""
    style: dict[str, Any] = {"version": 8, "sources": {}, "layers": [
        {"id": "ioc-background", "type": "background", "paint": {"background-color": theme.background}}]}
    if tiles_url:
        style["sources"]["ioc-tiles"] = {"type": "raster", "tiles": [tiles_url], "tileSize": 256}
        style["layers"].append({"id": "ioc-tiles", "type": "raster", "source": "ioc-tiles"})
    return style


def ward_geojson(layer: gpd.GeoDataFrame, tolerance_deg: float = DISPLAY_TOLERANCE_DEG) -> dict[str, Any]:
    """The wards as a FeatureCollection keyed by code, simplified and rounded for display (EPSG:4326 in and out)."""
    geoms = shapely.simplify(layer.geometry.values, tolerance_deg, preserve_topology=True)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, _DECIMALS))
    features = [{"type": "Feature", "id": code, "properties": {"code": code}, "geometry": g.__geo_interface__}
                for code, g in zip(layer["code"], geoms, strict=True)]
    return {"type": "FeatureCollection", "features": features}


def ward_traces(layer: gpd.GeoDataFrame, theme: MapTheme, lang: str = "vi",
                labels: bool = True) -> list[go.BaseTraceType]:
    """An outline of every ward, a choropleth of the wards that have a value, and the ward names."""
    geojson = ward_geojson(layer)
    codes = layer["code"].to_numpy()
    outline = go.Choroplethmap(
        geojson=geojson, locations=codes, z=np.zeros(len(codes)), name=word(lang, "wards"),
        colorscale=[[0, theme.ward_fill], [1, theme.ward_fill]], showscale=False, marker_opacity=0.55,
        marker_line_color=theme.ward_line, marker_line_width=1.5, hovertext=layer["hover"], hoverinfo="text",
        showlegend=False)
    traces: list[go.BaseTraceType] = [outline]
    valued = layer[layer["value"].notna()]
    if len(valued):
        traces.append(go.Choroplethmap(
            geojson=geojson, locations=valued["code"].to_numpy(), z=valued["value"].to_numpy(),
            name=str(layer["metric"].iloc[0]), colorscale=_scale(theme), marker_opacity=0.7,
            marker_line_color=theme.ward_line, marker_line_width=1.5, hovertext=valued["hover"], hoverinfo="text",
            colorbar={"title": {"text": str(layer["metric"].iloc[0])}, "tickfont": {"color": theme.fg},
                      "bgcolor": "rgba(0,0,0,0)", "thickness": 14}))
    if labels:
        traces.append(go.Scattermap(
            lon=layer["label_lon"].to_numpy(), lat=layer["label_lat"].to_numpy(), mode="text",
            text=layer["name"].to_numpy(), textfont={"color": theme.fg, "size": 14}, hoverinfo="skip",
            name=word(lang, "labels"), showlegend=False))
    return traces


def _scale(theme: MapTheme) -> list[list[Any]]:
    steps = theme.choropleth
    return [[i / (len(steps) - 1), c] for i, c in enumerate(steps)]


def device_traces(layer: gpd.GeoDataFrame, theme: MapTheme, lang: str = "vi") -> list[go.Scattermap]:
    """One trace per state, always all four and in the same order, so a wall's legend never jumps.

    Coordinates travel as float32 (≈ 1 m at Vietnam's longitudes), which halves the figure for 10,000 devices.
    """
    codes = layer["state"].cat.codes.to_numpy() if len(layer) else np.array([], dtype=int)
    lon, lat = layer["lon"].to_numpy(np.float32), layer["lat"].to_numpy(np.float32)
    hover = layer["hover"].to_numpy()
    traces = []
    for i, state in enumerate(STATES):
        sel = codes == i
        traces.append(go.Scattermap(
            lon=lon[sel], lat=lat[sel], hovertext=hover[sel], hoverinfo="text+name", mode="markers",
            name=f"{word(lang, state)} ({int(sel.sum())})", legendgroup=state, uid=f"devices-{state}",
            marker={"size": 9, "color": theme.state_colors[state]}))
    return traces


def aqi_traces(layer: gpd.GeoDataFrame, theme: MapTheme, lang: str = "vi") -> list[go.Scattermap]:
    """One trace per VN_AQI band present, the index printed on the marker."""
    traces = []
    for band, g in layer.groupby("band", sort=False):
        traces.append(go.Scattermap(
            lon=g["lon"].to_numpy(), lat=g["lat"].to_numpy(), mode="markers+text", text=g["label"].to_numpy(),
            textposition="top center", textfont={"color": theme.fg, "size": 13},
            hovertext=g["hover"].to_numpy(), hoverinfo="text", name=f"VN_AQI {g['band_name'].iloc[0]}",
            legendgroup=f"aqi-{band}", marker={"size": 20, "color": g["color"].iloc[0]}))
    return traces


def wifi_traces(layer: gpd.GeoDataFrame, theme: MapTheme, lang: str = "vi") -> list[go.Scattermap]:
    return [go.Scattermap(
        lon=layer["lon"].to_numpy(), lat=layer["lat"].to_numpy(), mode="markers", hovertext=layer["hover"].to_numpy(),
        hoverinfo="text", name=word(lang, "wifi"), uid="wifi-load",
        marker={"size": layer["size"].to_numpy(), "color": theme.accent, "opacity": 0.45, "sizemode": "diameter"})]


def light_traces(layer: gpd.GeoDataFrame, theme: MapTheme, lang: str = "vi") -> list[go.Scattermap]:
    """One trace per lamp category present; failed, dark and day-burning lamps large, the rest small."""
    traces = []
    for category in LIGHT_STATES:
        g = layer[layer["category"] == category]
        if len(g):
            big = category in LIGHT_PROBLEMS
            traces.append(go.Scattermap(
                lon=g["lon"].to_numpy(np.float32), lat=g["lat"].to_numpy(np.float32), mode="markers",
                hovertext=g["hover"].to_numpy(), hoverinfo="text", uid=f"lights-{category}",
                name=f"{word(lang, category)} ({len(g)})", legendgroup=f"light-{category}",
                marker={"size": 13 if big else 5, "color": LIGHT_COLORS[category], "opacity": 1.0 if big else 0.8}))
    return traces


def report_traces(layer: gpd.GeoDataFrame, theme: MapTheme, lang: str = "vi") -> list[go.Scattermap]:
    traces = []
    for category in [*REPORT_COLORS, *sorted(set(layer["category"]) - set(REPORT_COLORS))]:
        g = layer[layer["category"] == category]
        if len(g):
            traces.append(go.Scattermap(
                lon=g["lon"].to_numpy(), lat=g["lat"].to_numpy(), mode="markers", hovertext=g["hover"].to_numpy(),
                hoverinfo="text", name=f"{word(lang, category)} ({len(g)})", legendgroup=f"report-{category}",
                marker={"size": 11, "color": g["color"].iloc[0], "symbol": "circle"}))
    return traces


def map_figure(*, wards: gpd.GeoDataFrame | None = None, devices: gpd.GeoDataFrame | None = None,
               aqi: gpd.GeoDataFrame | None = None, wifi: gpd.GeoDataFrame | None = None,
               reports: gpd.GeoDataFrame | None = None, lights: gpd.GeoDataFrame | None = None,
               theme: str = "dark", tiles_url: str | None = None,
               lang: str = "vi", labels: bool = True, title: str | None = None) -> go.Figure:
    """A map of the built layers given (see :mod:`layers.build`), fitted to them."""
    t = get_theme(theme)
    traces: list[go.BaseTraceType] = []
    if wards is not None:
        traces += ward_traces(wards, t, lang, labels)
    if wifi is not None:
        traces += wifi_traces(wifi, t, lang)
    if lights is not None:
        traces += light_traces(lights, t, lang)
    if devices is not None:
        traces += device_traces(devices, t, lang)
    if reports is not None:
        traces += report_traces(reports, t, lang)
    if aqi is not None:
        traces += aqi_traces(aqi, t, lang)
    center, zoom = fit(extent([wards, devices, aqi, wifi, reports, lights]))
    fig = go.Figure(data=traces)
    fig.update_layout(
        map={"style": map_style(t, tiles_url), "center": center, "zoom": zoom},
        paper_bgcolor=t.paper, font={"color": t.fg, "size": 15}, margin={"l": 0, "r": 0, "t": 40 if title else 0,
        "b": 0}, title={"text": title} if title else None, uirevision="ioc-map",
        legend={"bgcolor": t.paper, "bordercolor": t.muted, "borderwidth": 1, "x": 0.01, "y": 0.99,
                "xanchor": "left", "yanchor": "top"})
    return fig


def fit(bounds: tuple[float, float, float, float] | None, width_px: int = 1200,
        height_px: int = 800) -> tuple[dict[str, float], float]:
    """Centre and zoom that show ``bounds`` (west, south, east, north; EPSG:4326) in a box of that many pixels.

    plotly's MapLibre maps count 512-px tiles, and Web Mercator stretches latitude by 1/cos(lat): the vertical fit
    is done in projected units, not degrees. A small margin (0.15 zoom levels, about 10 %) keeps edges off the frame.
    """
    if bounds is None:
        return {"lon": 108.0, "lat": 14.5}, 4.5     # all of Vietnam
    west, south, east, north = bounds
    fx = max(east - west, 1e-4) / 360
    fy = max(abs(_mercator_y(north) - _mercator_y(south)), 1e-6) / (2 * math.pi)
    zoom = math.log2(min(width_px / (512 * fx), height_px / (512 * fy))) - 0.15
    centre_lat = math.degrees(2 * math.atan(math.exp((_mercator_y(north) + _mercator_y(south)) / 2)) - math.pi / 2)
    return {"lon": float((west + east) / 2), "lat": float(centre_lat)}, round(min(max(zoom, 1.0), 17.0), 2)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
