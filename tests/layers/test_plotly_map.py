"""Plotly map figures: one trace per state, offline style, themes, size for 10,000 markers (no database)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from layers.build import aqi_layer, device_layer, ward_layer
from layers.plotly_map import fit, map_figure, map_style
from layers.style import DARK, LIGHT, STATES
from tests.layers.helpers import point_frame, square_wards


def many_devices(n: int, crs: int = 4326):  # -> GeoDataFrame
    rng = np.random.default_rng(7)
    frame = point_frame(list(zip(109.19 + rng.random(n) * 0.02, 12.24 + rng.random(n) * 0.01, strict=True)),
                        device_id=[f"cam-{i:05d}" for i in range(n)], kind=["camera"] * n,
                        state=rng.choice(["online", "stale", "offline"], n).tolist())
    return frame.to_crs(crs)


def test_one_trace_per_state_even_when_empty() -> None:
    fig = map_figure(devices=device_layer(many_devices(300)), lang="en")
    traces = [t for t in fig.data if isinstance(t, go.Scattermap)]
    assert [t.uid for t in traces] == [f"devices-{s}" for s in STATES]
    assert sum(len(t.lon) for t in traces) == 300
    assert traces[3].name == "Unregistered (0)" and len(traces[3].lon) == 0
    assert [t.marker.color for t in traces] == [DARK.state_colors[s] for s in STATES]


def test_metric_crs_input_lands_in_degrees() -> None:
    fig = map_figure(devices=device_layer(many_devices(50, crs=32649)))
    lon = np.concatenate([np.asarray(t.lon) for t in fig.data])
    assert lon.min() > 109.18 and lon.max() < 109.22


def test_offline_style_fetches_nothing_and_tiles_url_adds_a_basemap() -> None:
    offline = map_style(DARK)
    assert offline["sources"] == {} and "glyphs" not in offline and "sprite" not in offline
    assert offline["layers"][0]["paint"]["background-color"] == DARK.background
    online = map_style(LIGHT, "https://tiles.example/{z}/{x}/{y}.png")
    assert online["sources"]["ioc-tiles"]["tiles"] == ["https://tiles.example/{z}/{x}/{y}.png"]
    fig = map_figure(wards=ward_layer(square_wards()), theme="light")
    assert fig.layout.map.style["layers"][0]["paint"]["background-color"] == LIGHT.background
    assert fig.layout.paper_bgcolor == LIGHT.paper


def test_wards_outline_choropleth_and_labels() -> None:
    fig = map_figure(wards=ward_layer(square_wards(), {"B2": 7.0}, "reports"), theme="dark")
    outline, metric, labels = fig.data
    assert list(outline.locations) == ["A1", "B2"] and {f["id"] for f in outline.geojson["features"]} == {"A1", "B2"}
    assert list(metric.locations) == ["B2"] and list(metric.z) == [7.0]
    assert list(labels.text) == ["Phường Tây", "Phường Đông"] and labels.mode == "text"
    assert 109.19 < fig.layout.map.center.lon < 109.21 and fig.layout.map.zoom > 10


def test_aqi_trace_per_band() -> None:
    import pandas as pd

    stations = point_frame([(109.19, 12.24), (109.2, 12.24), (109.21, 12.24)], device_id=["a", "b", "c"],
                           aqi=pd.array([30, 40, 160], dtype="Int64"))
    fig = map_figure(aqi=aqi_layer(stations, "en"))
    assert sorted(t.name for t in fig.data) == ["VN_AQI Bad", "VN_AQI Good"]


def test_ten_thousand_markers_stay_under_half_a_megabyte() -> None:
    fig = map_figure(devices=device_layer(many_devices(10_000)))
    assert len(fig.to_json()) < 500_000


def shown_box(centre: dict[str, float], zoom: float, width_px: int,
              height_px: int) -> tuple[float, float, float, float]:
    """What a MapLibre view (512-px tiles, Web Mercator) shows: the inverse of :func:`fit`, written independently."""
    world = 512 * 2 ** zoom
    x0 = (centre["lon"] + 180) / 360 * world
    y0 = (1 - math.log(math.tan(math.pi / 4 + math.radians(centre["lat"]) / 2)) / math.pi) / 2 * world

    def lat(y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / world))))

    west, east = (x0 - width_px / 2) / world * 360 - 180, (x0 + width_px / 2) / world * 360 - 180
    return west, lat(y0 + height_px / 2), east, lat(y0 - height_px / 2)


@pytest.mark.parametrize(("bounds", "size"), [
    ((109.05, 12.10, 109.30, 12.40), (1230, 700)),     # Nha Trang's wards, taller than wide, on the wall
    ((106.85, 11.50, 106.95, 11.56), (1230, 700)),     # one small ward, wider than tall
    ((106.60, 10.70, 109.30, 12.40), (1100, 520)),     # two cities 300 km apart
    ((102.1, 8.5, 109.5, 23.4), (440, 420)),           # all of Vietnam in the KPI choropleth's box
])
def test_fit_shows_the_whole_box_and_fills_the_frame(bounds: tuple[float, float, float, float],
                                                     size: tuple[int, int]) -> None:
    centre, zoom = fit(bounds, *size)
    west, south, east, north = shown_box(centre, zoom, *size)
    assert west <= bounds[0] and south <= bounds[1] and east >= bounds[2] and north >= bounds[3]
    # the binding side fills at least 85 % of the frame (the margin is 0.15 zoom levels, 90 %)
    fill_x = (bounds[2] - bounds[0]) / (east - west)
    fill_y = (math.log(math.tan(math.pi / 4 + math.radians(bounds[3]) / 2))
              - math.log(math.tan(math.pi / 4 + math.radians(bounds[1]) / 2))) / (
        math.log(math.tan(math.pi / 4 + math.radians(north) / 2))
        - math.log(math.tan(math.pi / 4 + math.radians(south) / 2)))
    assert max(fill_x, fill_y) >= 0.85


def test_report_colours_are_their_own_on_a_map_of_devices_and_air_quality() -> None:
    from layers.style import REPORT_COLORS, THEMES
    from layers.vn_aqi import BANDS

    taken = {c.lower() for th in THEMES.values() for c in th.state_colors.values()} | {b.hex.lower() for b in BANDS}
    assert not {c.lower() for c in REPORT_COLORS.values()} & taken
    assert len(set(REPORT_COLORS.values())) == len(REPORT_COLORS)
