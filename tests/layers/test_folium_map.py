"""The shared (folium) map, tested through its HTML: layers, legend, popups, nothing loaded from the network."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest
from folium.plugins import Fullscreen

from layers.build import aqi_layer, device_layer, report_layer, ward_layer, wifi_layer
from layers.coverage import CoverageSpec, coverage_areas, gaps
from layers.crs import metric_crs
from layers.folium_map import export_html, folium_map, to_html
from layers.offline_assets import AssetError
from layers.style import STATES
from tests.layers.helpers import point_frame, square_wards

POINTS = [(109.195, 12.245), (109.205, 12.245), (109.201, 12.247), (109.196, 12.241)]


def full_map(tiles_url: str | None = None, lang: str = "vi") -> folium.Map:
    wards = square_wards()
    devices = point_frame(POINTS, device_id=["cam-1", "cam-2", "wifi-1", "env-1"],
                          kind=["camera", "camera", "wifi", "env"], state=list(STATES), camera_type=["ptz", None,
                                                                                                     None, None])
    crs = metric_crs(wards, "wards")
    areas = coverage_areas(devices, CoverageSpec(), crs)
    reports = point_frame(POINTS[:2], report_id=["R-7", "R-8"], status=["open", "closed"], overdue=[True, False])
    return folium_map(
        wards=ward_layer(wards, {"A1": 2.0, "B2": 5.0}, "camera %"), devices=device_layer(devices),
        aqi=aqi_layer(point_frame(POINTS[3:], device_id=["env-1"], name=["Trạm <Lộc Thọ>"],
                                  aqi=pd.array([123], dtype="Int64")), lang),
        wifi=wifi_layer(point_frame(POINTS[2:3], device_id=["wifi-1"], clients=[42.0]), lang),
        reports=report_layer(reports, lang), coverage=areas,
        gaps=gaps(point_frame([(109.2085, 12.2485)], crs=4326).to_crs(crs), 60), tiles_url=tiles_url, lang=lang,
        title="Hai phường")


def test_html_has_every_layer_and_the_legend() -> None:
    html = to_html(full_map(lang="en"))
    overlays = re.search(r"overlays :\s*\{(.*?)\}", html, re.S)
    assert overlays is not None
    for name in ["Ward boundaries", "Ward names", "Devices: Online (1)", "Devices: Stale (1)", "Devices: Offline (1)",
                 "Devices: Unregistered (1)", "Air quality", "Public wifi load", "Field reports (2)",
                 "Camera/wifi coverage: camera", "Camera/wifi coverage: wifi", "Suggested camera sites"]:
        assert f'"{name}" : ' in overlays.group(1), name      # in the layer switcher
    assert "L.control.layers" in html
    legend = re.search(r'<div id="ioc-legend".*?</div>\s*$', html, re.S | re.M)
    assert legend is not None
    for entry in ["0–50 Good", "151–200 Bad", "Overdue", "Stale", "Offline map: no basemap tiles"]:
        assert entry in legend.group(0), entry
    for name in ("Phường Tây", "Phường Đông"):     # ward labels, inside JSON-escaped script data
        assert json.dumps(name)[1:-1] in html or name in html
    assert "Hai phường" in html


def test_popups_and_clusters_carry_escaped_text() -> None:
    html = to_html(full_map(lang="en"))
    assert "L.markerClusterGroup" in html and r'"cam-1 \u00b7 camera \u00b7 Online"' in html   # JSON data
    assert "Trạm &lt;Lộc Thọ&gt; · VN_AQI 123 · Poor" in html and "<Lộc Thọ>" not in html
    assert "wifi-1 · 42 clients" in html and "R-7 · Overdue" in html


def test_page_is_self_contained(tmp_path: Path) -> None:
    size = export_html(full_map(), tmp_path / "map.html")
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert size == len(html.encode("utf-8"))
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
    assert 't.version="1.9.4"' in html                  # Leaflet inlined
    assert "L.MarkerClusterGroup=" in html              # markercluster inlined
    assert "url(images/" not in html and "data:image/png;base64," in html
    assert "sourceMappingURL" not in html


def test_tiles_url_switches_the_basemap_on() -> None:
    html = to_html(full_map(tiles_url="https://tiles.example/{z}/{x}/{y}.png"))
    assert "https://tiles.example/{z}/{x}/{y}.png" in html
    assert "Bản đồ ngoại tuyến" not in html


def test_an_external_asset_is_refused() -> None:
    m = full_map()
    Fullscreen().add_to(m)       # links its script from a CDN
    with pytest.raises(AssetError, match="still loads"):
        to_html(m)
