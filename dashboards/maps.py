"""The operations maps of the wall and the ward page, built on ``layers/``, and the offline map style. Pure.

Not every map: the KPI choropleths (:mod:`dashboards.views.kpi_charts`, which borrows :func:`offline_style`) and
the report maps (``pages/report_maps``) draw with ``layers.plotly_map`` themselves.

Sources (GeoDataFrames, EPSG:4326, loaded by :mod:`dashboards.queries.maplayers`; :func:`points` makes them from
query rows) go through the ``layers.build`` builders and ``layers.plotly_map.map_figure``; this module only adds
what a page needs on top: the view (a scene's box), ``uirevision`` (an operator's zoom survives updates), the
wall's larger type, and a style MapLibre accepts on every update. The result is a plain dict, because Dash
serialises a dict of arrays ~15× faster than a ``go.Figure`` (plotly re-validates a figure on the way out: 84 ms
against 5 ms for 10,000 markers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from dashboards.theme import Theme
from layers import build, plotly_map
from layers.crs import WGS84
from layers.style import theme as map_theme

# Plotly.js compares the map style of each update with the one it drew and calls MapLibre's setStyle when they
# differ; an empty "sources" object does not survive that comparison, so every update of a style with no source
# was refused by MapLibre ("missing required property sources" → "Map error." in the console). An empty GeoJSON
# source fetches nothing and keeps the style stable, so updates never reload it.
WALL_DOT_PX, WALL_REPORT_PX, WALL_LABEL_PX = 12, 18, 16
ALARM_PX = 44
ALARM_ORDER = ("critical", "major", "minor", "warning")
_NO_SOURCE = {"ioc-none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}}


@dataclass(frozen=True)
class MapSources:
    wards: gpd.GeoDataFrame              # layers.sources.load_wards
    devices: gpd.GeoDataFrame            # layers.sources.load_devices
    stations: gpd.GeoDataFrame           # queries.aqi.station_aqi as points (aqi <NA>: no index)
    wifi: gpd.GeoDataFrame               # layers.sources.load_wifi_load (clients <NA>: no recent data)
    reports: gpd.GeoDataFrame | None     # queries.reports.open_reports; None: field reports are not available
    alarms: list[dict[str, Any]] | None = None   # views.wall_alarms.map_points: live alarms at their devices
    incidents: list[dict[str, Any]] | None = None   # views.wall_incidents.map_traces: drawn above everything
    lights: gpd.GeoDataFrame | None = None       # layers.sources.load_lights: lamps with their newest state


@dataclass(frozen=True)
class MapView:
    """What the map shows: a box (west, south, east, north; None: fit the layers) at a size, and the revision that
    keeps an operator's zoom until the scene changes."""

    bounds: tuple[float, float, float, float] | None
    revision: str
    width_px: int = 1200
    height_px: int = 720
    wall: bool = False                   # read from 5 m: larger type


def points(frame: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> gpd.GeoDataFrame:
    """A frame with lon/lat columns as EPSG:4326 points (for sources that do not come from ``layers.sources``)."""
    geometry = gpd.points_from_xy(frame[lon].astype(float), frame[lat].astype(float), crs=WGS84)
    return gpd.GeoDataFrame(frame.drop(columns=[lon, lat]), geometry=geometry, crs=WGS84)


def offline_style(theme: Theme, tiles_url: str | None) -> dict[str, Any]:
    """``layers.plotly_map.map_style`` (a background, plus ``IOC_TILES_URL`` tiles), kept stable across updates."""
    style = plotly_map.map_style(map_theme(theme.name), tiles_url)
    if not style["sources"]:
        style["sources"] = dict(_NO_SOURCE)
    return style


def figure(src: MapSources, theme: Theme, lang: str, tiles_url: str | None, view: MapView) -> dict[str, Any]:
    """The map of a scene as a plain plotly figure dict; the trace order is fixed by ``layers.plotly_map``."""
    # The measurement layers show measurements: a silent station or access point is on the map already, as a
    # device in its (stale or offline) state colour. Stations go by index, so the legend lists the bands from good
    # to hazardous (layers.plotly_map makes one trace per band, in order of appearance).
    stations = src.stations[src.stations["aqi"].notna()].sort_values(["aqi", "device_id"], kind="stable")
    wifi = src.wifi[src.wifi["clients"].notna()]
    fig = plotly_map.map_figure(
        wards=build.ward_layer(src.wards, metric_name="") if len(src.wards) else None,
        # lamps are drawn by what they do (the light layer), not as 200 more connectivity dots per street
        devices=build.device_layer(src.devices[src.devices["kind"] != "light"]),
        lights=build.light_layer(src.lights, lang) if src.lights is not None and len(src.lights) else None,
        aqi=build.aqi_layer(stations, lang) if len(stations) else None,
        wifi=build.wifi_layer(wifi, lang) if len(wifi) else None,
        reports=build.report_layer(src.reports, lang) if src.reports is not None and len(src.reports) else None,
        theme=theme.name, tiles_url=tiles_url, lang=lang, labels=True)
    out: dict[str, Any] = fig.to_plotly_json()
    layout = out["layout"]
    center, zoom = plotly_map.fit(view.bounds, view.width_px, view.height_px) if view.bounds else (
        layout["map"]["center"], layout["map"]["zoom"])
    layout["map"] = {**layout["map"], "style": offline_style(theme, tiles_url), "center": center, "zoom": zoom}
    layout["uirevision"] = view.revision
    layout["paper_bgcolor"] = theme.panel
    out["data"] = [*out["data"], *alarm_traces(src.alarms or [], lang), *(src.incidents or [])]
    if view.wall:
        wall_type(out)
    return out


def alarm_traces(points: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """A wide translucent disc of the severity's colour under each alarmed device, one trace per severity (most
    severe first), drawn last so no layer hides it; the device's own state dot still shows through."""
    out = []
    for severity in ALARM_ORDER:
        mine = [p for p in points if p["severity"] == severity]
        if mine:
            out.append({"type": "scattermap", "mode": "markers", "uid": f"alarms-{severity}",
                        "legendgroup": f"alarm-{severity}", "name": f"⚠ {mine[0]['label']} ({len(mine)})",
                        "lon": [p["lon"] for p in mine], "lat": [p["lat"] for p in mine],
                        "marker": {"size": ALARM_PX, "color": mine[0]["color"], "opacity": 0.55},
                        "hovertext": [p["hover"] for p in mine], "hoverinfo": "text"})
    return out


def wall_type(fig: dict[str, Any]) -> None:
    """Read from 5 m: larger legend, device dots, report dots and index labels than a desk map's."""
    layout = fig["layout"]
    layout["font"] = {**layout.get("font", {}), "size": 18}
    layout["legend"] = {**layout.get("legend", {}), "font": {"size": 17}, "bgcolor": "rgba(15,23,34,0.85)",
                        "itemsizing": "constant"}
    for trace in fig["data"]:
        if str(trace.get("uid", "")).startswith("devices-"):
            trace["marker"] = {**trace["marker"], "size": WALL_DOT_PX}
        elif str(trace.get("legendgroup", "")).startswith("aqi-"):
            trace["textfont"] = {**trace.get("textfont", {}), "size": WALL_LABEL_PX}
        elif str(trace.get("legendgroup", "")).startswith("report-"):
            # report colours repeat the device states' (overdue = offline rose): size tells them apart
            trace["marker"] = {**trace["marker"], "size": WALL_REPORT_PX}
