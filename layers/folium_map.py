"""Folium maps for sharing: one self-contained HTML file with a layer switcher, a legend, clusters and popups.

Renders built layers only (see :mod:`layers.build`). Offline by default: no tile layer, a neutral background and
ward names drawn as labels; ``tiles_url`` (IOC_TILES_URL) adds a basemap. Leaflet is inlined from ``layers/assets``.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
from branca.colormap import LinearColormap
from branca.element import Element
from folium.plugins import FastMarkerCluster

from layers import offline_assets
from layers.build import extent
from layers.crs import to_wgs84
from layers.folium_legend import legend, title_box
from layers.plotly_map import fit, ward_geojson
from layers.style import LIGHT, STATES, word

_CLUSTER_JS = [("markerclusterjs", offline_assets.PREFIX + "leaflet.markercluster.js")]
_CLUSTER_CSS = [("markerclustercss", offline_assets.PREFIX + "MarkerCluster.css"),
                ("markerclusterdefaultcss", offline_assets.PREFIX + "MarkerCluster.Default.css")]
# row = [lat, lon, popup]; circle markers need no icon images
_POINT_JS = """function (row) {
    var m = L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: 6, color: '#111827', weight: 1, fillColor: '%s', fillOpacity: 0.95});
    m.bindPopup(row[2]);
    return m;
}"""
_CLUSTER_ICON = """function (cluster) {
    return L.divIcon({html: '<div class="ioc-pin" style="width:34px;height:34px;background:%s;color:%s">'
        + cluster.getChildCount() + '</div>', className: '', iconSize: L.point(34, 34)});
}"""
COVERAGE_HEX = "#7c3aed"


def folium_map(*, wards: gpd.GeoDataFrame | None = None, devices: gpd.GeoDataFrame | None = None,
               aqi: gpd.GeoDataFrame | None = None, wifi: gpd.GeoDataFrame | None = None,
               reports: gpd.GeoDataFrame | None = None, coverage: gpd.GeoDataFrame | None = None,
               gaps: gpd.GeoDataFrame | None = None, tiles_url: str | None = None, lang: str = "vi",
               title: str | None = None) -> folium.Map:
    """A Leaflet map of the built layers given; ``coverage`` has a ``layer`` column, ``gaps`` a ``rank`` column."""
    bounds = extent([wards, devices, aqi, wifi, reports])
    center, zoom = fit(bounds)
    # without a tile layer Leaflet has no maxZoom, which marker clustering needs
    m = folium.Map(location=[center["lat"], center["lon"]], zoom_start=int(zoom), tiles=None, prefer_canvas=True,
                   maxZoom=19, control_scale=True)
    m.default_js, m.default_css = list(offline_assets.JS[:1]), list(offline_assets.CSS[:1])
    root: Any = m.get_root()   # a branca Figure, typed as Element
    root.header.add_child(Element(f"<style>.leaflet-container{{background:{LIGHT.background}}}</style>"))
    root.header.add_child(Element(offline_assets.JQUERY_SHIM))
    if tiles_url:
        folium.TileLayer(tiles_url, attr="IOC_TILES_URL", name="Basemap", overlay=False).add_to(m)
    sections: list[str] = []
    metric = None
    if wards is not None:
        metric = _wards(m, wards, lang)
        sections.append("wards")
    if coverage is not None and len(coverage):
        _coverage(m, coverage, lang)
        sections.append("coverage")
    for key, layer, add in (("wifi", wifi, _wifi), ("devices", devices, _devices), ("reports", reports, _reports),
                            ("aqi", aqi, _aqi), ("gaps", gaps, _gaps)):
        if layer is not None:
            add(m, layer, lang)
            sections.append(key)
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds is not None:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], padding=(24, 24))
    legend(lang, sections, offline=not tiles_url, metric=metric).add_to(m)
    if title:
        title_box(title).add_to(m)
    return m


def to_html(m: folium.Map) -> str:
    """The page with Leaflet inlined; raises :class:`layers.offline_assets.AssetError` if anything stays external."""
    return offline_assets.inline(m.get_root().render())


def export_html(m: folium.Map, path: Path) -> int:
    """Write the self-contained page; returns its size in bytes."""
    data = to_html(m).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _wards(m: folium.Map, layer: gpd.GeoDataFrame, lang: str) -> tuple[str, float, float] | None:
    geojson = ward_geojson(layer)
    valued = layer["value"].dropna()
    scale = (LinearColormap(list(LIGHT.choropleth), vmin=float(valued.min()), vmax=float(valued.max()) or 1.0)
             if len(valued) else None)
    for feature, (_, row) in zip(geojson["features"], layer.iterrows(), strict=True):
        fill = scale(row["value"]) if scale is not None and row["value"] == row["value"] else LIGHT.ward_fill
        feature["properties"].update(name=row["name"], hover=row["hover"], fill=fill)
    group = folium.FeatureGroup(name=word(lang, "wards"), show=True)
    folium.GeoJson(
        geojson, name=word(lang, "wards"),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": LIGHT.ward_line, "weight": 2,
                                  "fillOpacity": 0.55},
        highlight_function=lambda f: {"weight": 4, "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(fields=["hover"], labels=False),
    ).add_to(group)
    group.add_to(m)
    labels = folium.FeatureGroup(name=word(lang, "labels"), show=True)
    for row in layer.itertuples():
        folium.Marker([row.label_lat, row.label_lon], icon=folium.DivIcon(
            html=f"<div class='ioc-ward-label'>{escape(row.name)}</div>", icon_size=(0, 0))).add_to(labels)
    labels.add_to(m)
    if scale is None:
        return None
    return str(layer["metric"].iloc[0]), float(valued.min()), float(valued.max())


def _devices(m: folium.Map, layer: gpd.GeoDataFrame, lang: str) -> None:
    for state in STATES:
        g = layer[layer["state"] == state]
        color = LIGHT.state_colors[state]
        data = [[lat, lon, f"{hover} · {escape(word(lang, state))}"]
                for lat, lon, hover in zip(g["lat"], g["lon"], g["hover"], strict=True)]
        cluster = FastMarkerCluster(
            data, callback=_POINT_JS % color, name=f"{word(lang, 'devices')}: {word(lang, state)} ({len(g)})",
            icon_create_function=_CLUSTER_ICON % (color, "#ffffff" if state != "stale" else "#111827"),
            disableClusteringAtZoom=18, chunkedLoading=True)
        cluster.default_js, cluster.default_css = list(_CLUSTER_JS), list(_CLUSTER_CSS)
        cluster.add_to(m)


def _aqi(m: folium.Map, layer: gpd.GeoDataFrame, lang: str) -> None:
    group = folium.FeatureGroup(name=word(lang, "aqi"))
    for row in layer.itertuples():
        pin = (f"<div class='ioc-pin' style='width:32px;height:32px;background:{row.color};color:{row.text_color}'>"
               f"{escape(row.label)}</div>")
        pm25 = getattr(row, "pm25", None)
        extra = f"<br>PM2.5: {pm25:.1f} µg/m³" if isinstance(pm25, float) and pm25 == pm25 else ""
        folium.Marker([row.lat, row.lon], icon=folium.DivIcon(html=pin, icon_size=(32, 32), icon_anchor=(16, 16)),
                      popup=folium.Popup(row.hover + extra, max_width=320), tooltip=row.hover).add_to(group)
    group.add_to(m)


def _wifi(m: folium.Map, layer: gpd.GeoDataFrame, lang: str) -> None:
    group = folium.FeatureGroup(name=word(lang, "wifi"))
    for row in layer.itertuples():
        color = LIGHT.accent if row.has_data else "#9ca3af"
        folium.CircleMarker([row.lat, row.lon], radius=float(row.size) / 2, color=color, weight=1, fill=True,
                            fill_color=color, fill_opacity=0.35, popup=folium.Popup(row.hover, max_width=300)
                            ).add_to(group)
    group.add_to(m)


def _reports(m: folium.Map, layer: gpd.GeoDataFrame, lang: str) -> None:
    group = folium.FeatureGroup(name=f"{word(lang, 'reports')} ({len(layer)})")
    for row in layer.itertuples():
        folium.CircleMarker([row.lat, row.lon], radius=7, color="#111827", weight=1, fill=True,
                            fill_color=row.color, fill_opacity=0.95, popup=folium.Popup(row.hover, max_width=300)
                            ).add_to(group)
    group.add_to(m)


def _coverage(m: folium.Map, coverage: gpd.GeoDataFrame, lang: str) -> None:
    wgs = to_wgs84(coverage, "coverage")
    for name, g in wgs.groupby("layer", sort=True):
        shape = json.loads(gpd.GeoSeries([g.union_all()], crs=wgs.crs).to_json())
        folium.GeoJson(shape, name=f"{word(lang, 'coverage')}: {name}", style_function=lambda f: {
            "color": COVERAGE_HEX, "weight": 1, "fillColor": COVERAGE_HEX, "fillOpacity": 0.22}).add_to(m)


def _gaps(m: folium.Map, gaps: gpd.GeoDataFrame, lang: str) -> None:
    group = folium.FeatureGroup(name=word(lang, "gaps"))
    wgs = to_wgs84(gaps, "gaps")
    for row in wgs.itertuples():
        lat, lon = row.geometry.y, row.geometry.x
        text = f"#{row.rank} · {word(lang, 'covers')} {row.covers}"
        folium.Circle([lat, lon], radius=float(row.radius_m), color="#111827", weight=2, dash_array="6 4",
                      fill=False).add_to(group)
        pin = f"<div class='ioc-pin' style='width:26px;height:26px;background:#fff;color:#111827'>{row.rank}</div>"
        folium.Marker([lat, lon], icon=folium.DivIcon(html=pin, icon_size=(26, 26), icon_anchor=(13, 13)),
                      popup=folium.Popup(escape(text), max_width=300), tooltip=escape(text)).add_to(group)
    group.add_to(m)
