"""The full hourly index (AQIh): every pollutant a station carries, per docs/vn-aqi.md, hand-computed from the
breakpoint table; the dominant pollutant is the one whose sub-index set the value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from layers.vn_aqi import hourly_aqi, hourly_aqi_from_lags, hourly_index_series

HOURS = pd.date_range("2026-09-09 00:00", periods=6, freq="h", tz="Asia/Ho_Chi_Minh")


def test_no2_dominates_when_its_sub_index_is_largest() -> None:
    # PM2.5 20 flat → NowCast 20 → 40.0; NO2 300 µg/m³ → (150−100)/(700−200)·(300−200)+100 = 110.0
    lags = {"pm25": [20.0] * 12, "no2": [300.0], "co": [5000.0], "so2": [20.0], "o3": [100.0]}
    result = hourly_aqi_from_lags(lags)
    assert result is not None and (result.value, result.dominant, result.band.key) == (110, "no2", "poor")
    assert result.sub_indices["pm25"] == pytest.approx(40.0)
    assert result.sub_indices["co"] == pytest.approx(25.0)          # 5000/10000 · 50
    assert result.sub_indices["o3_1h"] == pytest.approx(31.25)      # 100/160 · 50, on the 1 h scale


def test_o3_on_the_1h_scale_can_set_the_index() -> None:
    # O3 250 → (150−100)/(300−200)·(250−200)+100 = 125.0; PM10 NowCast 60 → (100−50)/(150−50)·10+50 = 55.0
    result = hourly_aqi_from_lags({"pm10": [60.0] * 3, "o3": [250.0]})
    assert result is not None and (result.value, result.dominant) == (125, "o3_1h")


def test_gases_alone_publish_nothing() -> None:
    assert hourly_aqi_from_lags({"no2": [900.0], "o3": [500.0]}) is None
    assert hourly_aqi_from_lags({"pm25": [None, None, 40.0], "no2": [900.0]}) is None   # no NowCast: < 2 of 3


def test_gas_of_the_last_complete_hour_when_asked() -> None:
    lags = {"pm25": [10.0] * 12, "no2": [None, 300.0]}
    only_now = hourly_aqi_from_lags(lags)
    assert only_now is not None and only_now.dominant == "pm25"
    fallback = hourly_aqi_from_lags(lags, gas_hours=2)
    assert fallback is not None and (fallback.value, fallback.dominant) == (110, "no2")


def test_series_equals_the_scalar_index_hour_by_hour() -> None:
    means = pd.DataFrame({"pm25": [30.0, 35.0, np.nan, 60.0, 55.0, 50.0],
                          "pm10": [50.0, 60.0, 70.0, np.nan, 90.0, 80.0],
                          "no2": [50.0, 250.0, 400.0, 80.0, np.nan, 60.0],
                          "o3": [20.0, 30.0, 40.0, 210.0, 60.0, 20.0],
                          "co": [800.0] * 6, "so2": [10.0] * 6}, index=HOURS)
    out = hourly_index_series(means)
    for i, hour in enumerate(HOURS):
        c = means.iloc[: i + 1][::-1]   # latest first
        gas = {g: (None if np.isnan(v := float(means[g].iloc[i])) else v) for g in ("no2", "o3", "co", "so2")}
        expected = hourly_aqi(pm25_last12=[None if np.isnan(v) else v for v in c["pm25"]],
                              pm10_last12=[None if np.isnan(v) else v for v in c["pm10"]], **gas)
        got = out.loc[hour]
        if expected is None:            # the first hour: one hourly mean, no NowCast yet
            assert i == 0 and pd.isna(got["aqi"]) and got["dominant"] is None
            continue
        assert int(got["aqi"]) == expected.value
        scale = {"o3_1h": "o3"}.get(expected.dominant, expected.dominant)
        assert got["dominant"] == scale and got["band"] == expected.band.key
    assert out.loc[HOURS[2], "dominant"] == "no2"      # NO2 400 → 120.0 over the PM


def test_series_without_pm_publishes_nothing_but_keeps_the_rows() -> None:
    out = hourly_index_series(pd.DataFrame({"no2": [500.0, 600.0]}, index=HOURS[:2]))
    assert out["aqi"].isna().all() and out["dominant"].isna().all() and len(out) == 2
    assert out["sub_no2"].iloc[0] == pytest.approx(130.0)
