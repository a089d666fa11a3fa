"""Maps of field reports, built with ``layers.build`` and ``layers.plotly_map``: the open reports clustered and
coloured by status and overdue, and a report's inset with the devices that could speak for it."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import plotly.graph_objects as go
from shapely.geometry import shape

from layers.build import device_layer, extent, report_layer, ward_layer
from layers.plotly_map import fit, map_figure

_EMPTY = {"type": "FeatureCollection", "features": []}
CLUSTER = {"enabled": True, "maxzoom": 15, "size": 22, "step": [10, 50], "opacity": 0.85}
BOX_PX = (780, 540)   # the /reports map at 1920 px: five twelfths of the row, 540 px high


def _wards(outlines: dict[str, Any]) -> gpd.GeoDataFrame | None:
    features = outlines.get("features") or []
    if not features:
        return None
    return gpd.GeoDataFrame({"code": [f["properties"]["code"] for f in features],
                             "name": [f["properties"]["name"] for f in features]},
                            geometry=[shape(f["geometry"]) for f in features], crs="EPSG:4326")


def _kept_style(fig: go.Figure) -> go.Figure:
    """``map_figure``'s offline style has no sources, and plotly.js prunes the empty ``sources`` object from its
    copy of the layout; the next figure then looks like a new style, MapLibre loads the pruned one and fails
    ("missing required property sources", shown as "Map error"). An empty GeoJSON source keeps it whole."""
    style = fig.layout.map.style
    if isinstance(style, dict) and not style.get("sources"):
        fig.update_layout(map_style=style | {"sources": {"ioc-none": {"type": "geojson", "data": _EMPTY}}})
    return fig


def _clustered(fig: go.Figure) -> go.Figure:
    # many reports on one street corner read as one bubble with a count; the overdue ones stay their own colour
    for trace in fig.data:
        if str(getattr(trace, "legendgroup", "") or "").startswith("report-"):
            trace.cluster = dict(CLUSTER, color=trace.marker.color)
    return fig


def queue_map(reports: gpd.GeoDataFrame, outlines: dict[str, Any], lang: str, tiles_url: str | None,
              theme: str = "light", ward: str | None = None, focus: list[str] | None = None) -> go.Figure:
    """Open reports over the outlines of their wards; an empty layer still draws the wards. Everything is drawn;
    ``focus`` (ward codes) is what the view is fitted to, when not everything (see ``views.report_focus``)."""
    layer = report_layer(reports, lang) if len(reports) else None
    wards = _wards(outlines)
    fig = map_figure(wards=ward_layer(wards, metric_name="") if wards is not None else None, reports=layer,
                     theme=theme, tiles_url=tiles_url, lang=lang, labels=True)
    if focus:
        shown = [wards[wards["code"].isin(focus)] if wards is not None else None,
                 reports[reports["ward_code"].isin(focus)] if len(reports) else None]
        center, zoom = fit(extent(shown), *BOX_PX)
        fig.update_layout(map_center=center, map_zoom=zoom)
    # the view stays where the user put it across refreshes, and fits again when the ward filter changes
    fig.update_layout(uirevision=f"reports-map:{ward or 'all'}:{(focus or ['-'])[0]}",
                      margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return _clustered(_kept_style(fig))


def inset_map(report: gpd.GeoDataFrame, devices: gpd.GeoDataFrame, lang: str, tiles_url: str | None,
              theme: str = "light") -> go.Figure:
    """One report and the devices within the corroboration radius, fitted to them."""
    fig = map_figure(reports=report_layer(report, lang) if len(report) else None,
                     devices=device_layer(devices) if len(devices) else None, theme=theme, tiles_url=tiles_url,
                     lang=lang, labels=False)
    fig.update_layout(showlegend=False, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return _kept_style(fig)
