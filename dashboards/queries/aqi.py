"""VN_AQI now, per station, from hourly rollups (NowCast of the last 12 hourly PM means; layers.vn_aqi computes).

Why not ``layers.sources.load_air_quality``: it pivots each station's hours with pandas (≈ 2 ms a station, 1.5 s
for 667 stations), too slow for a wall that refreshes every 5 s. Here the database groups the hours per station
and metric, and each station is one call of :func:`layers.vn_aqi.hourly_aqi` (≈ 50 µs).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import tuples, ward_codes
from layers.vn_aqi import hourly_aqi_from_lags

STATION_COLUMNS = ("device_id", "name", "ward_code", "lon", "lat", "aqi", "band", "dominant", "as_of")
LAGS = 12

_STATIONS = """
SELECT device_id, coalesce(name, device_id), ward_code, ST_X(location), ST_Y(location)
FROM devices WHERE kind = 'env' AND location IS NOT NULL AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
ORDER BY device_id"""
# One row per station and pollutant: which hours before ``hour`` have a mean (0 = the hour starting at ``hour``).
_HOURS = """
SELECT r.device_id, r.metric, array_agg((extract(epoch FROM %(hour)s - r.bucket) / 3600)::int),
       array_agg(r.sum / nullif(r.n, 0)), max(r.bucket)
FROM rollup_1h r JOIN devices d USING (device_id)
WHERE d.kind = 'env' AND r.metric IN ('pm25', 'pm10', 'o3', 'co', 'so2', 'no2')
  AND r.bucket > %(start)s AND r.bucket <= %(hour)s AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
GROUP BY r.device_id, r.metric"""


def lag_lists(lags: list[int], means: list[float | None]) -> list[float | None]:
    """[c1 … c12] from (lag, mean) pairs; hours without a mean stay None (not present, never zero)."""
    out: list[float | None] = [None] * LAGS
    for lag, mean in zip(lags, means, strict=True):
        if 0 <= lag < LAGS and mean is not None and mean == mean:
            out[lag] = float(mean)
    return out


def aqi_of(lags: dict[str, list[float | None]]) -> tuple[int, str, str] | None:
    """(value, band key, dominant scale) from one station's lag lists; None when no AQIh can be published.

    PM enters through the NowCast of c1 … c12; each gas through this hour's mean, else the last hour's.
    """
    result = hourly_aqi_from_lags(lags, gas_hours=2)
    return None if result is None else (result.value, result.band.key, result.dominant)


def station_aqi(pool: ConnectionPool, now: datetime, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """Every located environment station, with its VN_AQI now: aqi (Int64), band, dominant, as_of (newest hour).

    A station that cannot publish an index (silent for 12 hours, or no PM) has aqi <NA>: maps show it as
    "no data", tiles skip it.
    """
    hour = now.replace(minute=0, second=0, microsecond=0)
    params = {"wards": ward_codes(wards), "hour": hour, "start": hour - timedelta(hours=LAGS)}
    stations = tuples(pool, _STATIONS, params)
    per: dict[str, dict[str, list[float | None]]] = {}
    newest: dict[str, datetime] = {}
    for device_id, metric, lags, means, last in tuples(pool, _HOURS, params):
        per.setdefault(device_id, {})[metric] = lag_lists(lags, means)
        newest[device_id] = max(last, newest.get(device_id, last))
    rows = []
    for device_id, name, ward_code, lon, lat in stations:
        found = aqi_of(per[device_id]) if device_id in per else None
        value, band, dominant = found if found else (None, None, None)
        rows.append((device_id, name, ward_code, lon, lat, value, band, dominant, newest.get(device_id)))
    out = pd.DataFrame(rows, columns=list(STATION_COLUMNS))
    out["aqi"] = out["aqi"].astype("Int64")
    out["lon"], out["lat"] = out["lon"].astype(np.float64), out["lat"].astype(np.float64)
    return out


def worst(stations: pd.DataFrame) -> dict[str, object] | None:
    """The station with the highest AQI now (ties: the first by device id); stations without an index are skipped."""
    published = stations.dropna(subset=["aqi"])
    if published.empty:
        return None
    row = published.sort_values(["aqi", "device_id"], ascending=[False, True]).iloc[0]
    return row.to_dict()
