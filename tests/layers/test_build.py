"""Layer builders: CRS discipline, categories and colours (no database)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from layers import vn_aqi
from layers.build import LayerError, aqi_layer, device_layer, extent, report_layer, ward_layer, wifi_layer
from layers.crs import CrsError, utm_for
from layers.style import NO_DATA_HEX, STATES
from tests.layers.helpers import point_frame, square_wards


def devices(n: int = 8) -> gpd.GeoDataFrame:
    states = [STATES[i % 4] for i in range(n)]
    return point_frame([(109.19 + i * 0.001, 12.24 + i * 0.001) for i in range(n)],
                       device_id=[f"d{i}" for i in range(n)], kind=["camera"] * n, state=states)


def test_frame_without_crs_is_refused() -> None:
    with pytest.raises(CrsError, match="no CRS"):
        device_layer(devices().set_crs(None, allow_override=True))


def test_metric_frame_is_converted_to_wgs84() -> None:
    wgs = devices()
    layer = device_layer(wgs.to_crs(32649))
    assert layer.crs.to_epsg() == 4326
    np.testing.assert_allclose(layer["lon"], wgs.geometry.x, atol=1e-5)
    np.testing.assert_allclose(layer["lat"], wgs.geometry.y, atol=1e-5)


def test_states_are_ordered_categories_and_unknown_states_refused() -> None:
    layer = device_layer(devices())
    assert list(layer["state"].cat.categories) == list(STATES)
    bad = devices().assign(state=["online"] * 7 + ["sleeping"])
    with pytest.raises(LayerError, match="unknown state.*sleeping"):
        device_layer(bad)


def test_missing_points_are_refused_not_dropped() -> None:
    frame = devices(2)
    frame.loc[1, "geometry"] = None
    with pytest.raises(LayerError, match="row.*1.*no point geometry"):
        device_layer(frame)


def test_aqi_colours_come_from_vn_aqi() -> None:
    stations = point_frame([(109.19, 12.24)] * 3, device_id=["s1", "s2", "s3"],
                           aqi=pd.array([42, 175, None], dtype="Int64"))
    layer = aqi_layer(stations, "en")
    assert list(layer["color"]) == [vn_aqi.band(42).hex, vn_aqi.band(175).hex, NO_DATA_HEX]
    assert list(layer["band"]) == ["good", "bad", "none"]
    assert list(layer["label"]) == ["42", "175", "–"]
    assert layer.loc[2, "band_name"] == "No data"


def test_wifi_bubble_area_follows_clients() -> None:
    aps = point_frame([(109.19, 12.24)] * 3, device_id=["a", "b", "c"], clients=[100.0, 25.0, np.nan])
    layer = wifi_layer(aps, min_px=0, max_px=20)
    assert list(layer["size"]) == pytest.approx([20.0, 10.0, 0.0])   # area ∝ clients: half the diameter
    assert list(layer["has_data"]) == [True, True, False]


def test_reports_by_status_and_overdue() -> None:
    reports = point_frame([(109.19, 12.24)] * 4, report_id=["r1", "r2", "r3", "r4"],
                          status=["open", "open", "closed", "in_progress"], overdue=[True, False, True, None])
    layer = report_layer(reports, "en")
    assert list(layer["category"]) == ["overdue", "open", "closed", "in_progress"]
    assert layer.loc[0, "hover"] == "r1 · Overdue"


def test_ward_layer_values_and_labels_inside() -> None:
    layer = ward_layer(square_wards().to_crs(32649), {"A1": 3.5}, "devices")
    assert layer.crs.to_epsg() == 4326
    assert layer["value"].tolist()[0] == 3.5 and np.isnan(layer["value"].tolist()[1])
    for row in layer.itertuples():
        assert row.geometry.contains(gpd.points_from_xy([row.label_lon], [row.label_lat])[0])
    assert "Phường Tây (A1)<br>devices: 3.5" == layer.loc[0, "hover"]


def test_extent_and_utm_zone() -> None:
    assert extent([None, square_wards()]) == pytest.approx((109.19, 12.24, 109.21, 12.25))
    assert extent([]) is None
    assert utm_for(105.9, 18.3).to_epsg() == 32648       # Hà Tĩnh
    assert utm_for(109.19, 12.24).to_epsg() == 32649     # Nha Trang
