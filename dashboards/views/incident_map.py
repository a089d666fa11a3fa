"""The map of one incident's evidence on /incidents: its outline, and each alarm, camera event and report at its
place, coloured by source. Pure: the incident and its items as :mod:`pipelines.incidents.queries` returns them."""

from __future__ import annotations

from typing import Any

from dashboards import maps
from dashboards.i18n import t
from dashboards.theme import Theme
from dashboards.views.wall_incidents import map_traces
from layers import plotly_map
from layers.outlines import connected, rings

SOURCE_HEX = {"alarm": "#dc2626", "camera_event": "#7c3aed", "report": "#0284c7"}
SOURCE_SYMBOL_PX = 16
SIZE_PX = (760, 420)
MARGIN_DEG = 0.002     # about 200 m around the evidence, so the points are not on the frame's edge


def figure(inc: dict[str, Any], items: list[dict[str, Any]], theme: Theme, lang: str,
           tiles_url: str | None, wards: list[str] | None = None) -> dict[str, Any]:
    """``wards``: the outlines (GeoJSON) of the wards it touches, drawn thin under everything for context."""
    placed = [i for i in items if i["lon"] is not None]
    lons = [float(i["lon"]) for i in placed] or ([float(inc["lon"])] if inc["lon"] is not None else [])
    lats = [float(i["lat"]) for i in placed] or ([float(inc["lat"])] if inc["lat"] is not None else [])
    bounds = (min(lons) - MARGIN_DEG, min(lats) - MARGIN_DEG, max(lons) + MARGIN_DEG,
              max(lats) + MARGIN_DEG) if lons else None
    center, zoom = plotly_map.fit(bounds, *SIZE_PX)
    data: list[dict[str, Any]] = []
    lons_w, lats_w = connected([r for g in wards or [] for r in rings(g)])
    if lons_w:
        data.append({"type": "scattermap", "mode": "lines", "uid": "wards", "lon": lons_w, "lat": lats_w,
                     "line": {"color": theme.muted, "width": 2}, "hoverinfo": "skip", "showlegend": False})
    data += [t_ for t_ in map_traces([inc], lang) if t_["uid"] != "incidents"]
    for source, colour in SOURCE_HEX.items():
        mine = [i for i in placed if i["source"] == source]
        if mine:
            data.append({"type": "scattermap", "mode": "markers", "uid": f"evidence-{source}",
                         "name": f"{t('incidents.source.' + source, lang)} ({len(mine)})",
                         "lon": [float(i["lon"]) for i in mine], "lat": [float(i["lat"]) for i in mine],
                         "marker": {"size": SOURCE_SYMBOL_PX, "color": colour},
                         "hovertext": [i["label"] for i in mine], "hoverinfo": "text"})
    layout = {"map": {"style": maps.offline_style(theme, tiles_url), "center": center, "zoom": zoom},
              "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": theme.panel,
              "legend": {"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.8)" if theme.name != "dark"
                         else "rgba(15,23,34,0.85)"},
              "uirevision": f"incident-{inc['id']}", "font": {"color": theme.fg}}
    return {"data": data, "layout": layout}
