"""Latest VN_AQI per station from hourly means (pure). The index itself comes from :mod:`layers.vn_aqi`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from layers import vn_aqi

WINDOW = timedelta(hours=12)     # the NowCast looks back 12 hours
STALE_AFTER = timedelta(hours=2)  # a station whose newest hour is older than this is shown as stale
_GASES = ("o3", "co", "so2", "no2")


def latest_aqi(hourly: pd.DataFrame, at: datetime) -> pd.DataFrame:
    """Per station, the hourly index (AQIh) of its newest hour in (at − 12 h, at].

    ``hourly``: device_id, bucket (tz-aware hour start), metric (pm25, pm10, o3, co, so2, no2; µg/m³), mean.
    Returns device_id, hour, pm25 (that hour's mean), nowcast_pm25, aqi (Int64, <NA> when not published),
    band (key or None), dominant, stale (newest hour older than 2 h before ``at``).
    """
    rows = [_station(device_id, g, at) for device_id, g in hourly.groupby("device_id", sort=True)]
    columns = ["device_id", "hour", "pm25", "nowcast_pm25", "aqi", "band", "dominant", "stale"]
    out = pd.DataFrame(rows, columns=columns)
    out["aqi"] = out["aqi"].astype("Int64")
    return out


def _station(device_id: str, g: pd.DataFrame, at: datetime) -> tuple[object, ...]:
    wide = g.pivot_table(index="bucket", columns="metric", values="mean", aggfunc="mean")
    hour = wide.index.max()
    hours = [hour - timedelta(hours=i) for i in range(12)]
    pm25 = _last12(wide, "pm25", hours)
    pm10 = _last12(wide, "pm10", hours)
    gases = {gas: _now(wide, gas, hour) for gas in _GASES}
    result = vn_aqi.hourly_aqi(pm25_last12=pm25, pm10_last12=pm10, **gases)
    nowcast = vn_aqi.nowcast(pm25) if pm25 is not None else None
    stale = bool(at - hour > STALE_AFTER)
    return (device_id, hour, pm25[0] if pm25 else None, nowcast, result.value if result else None,
            result.band.key if result else None, result.dominant if result else None, stale)


def _last12(wide: pd.DataFrame, metric: str, hours: list[pd.Timestamp]) -> list[float | None] | None:
    if metric not in wide.columns:
        return None
    series = wide[metric]
    return [_value(series.get(h)) for h in hours]


def _now(wide: pd.DataFrame, metric: str, hour: pd.Timestamp) -> float | None:
    return _value(wide[metric].get(hour)) if metric in wide.columns else None


def _value(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]
