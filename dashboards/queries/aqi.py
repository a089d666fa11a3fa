"""VN_AQI now, per station, from hourly rollups (NowCast of the last 12 hourly PM means; layers.vn_aqi computes)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame
from layers.vn_aqi import hourly_aqi

STATION_COLUMNS = ("device_id", "name", "ward_code", "lon", "lat", "aqi", "band", "dominant", "as_of")
_PM = ("pm25", "pm10")
_GASES = ("o3", "co", "so2", "no2")


def station_hours(pool: ConnectionPool, now: datetime, ward: str | None = None) -> pd.DataFrame:
    """device_id, name, ward_code, lon, lat, metric, bucket, mean: the last 12 hours of AQI pollutants."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    return frame(pool, """
        SELECT r.device_id, coalesce(d.name, d.device_id) AS name, d.ward_code,
               ST_X(d.location) AS lon, ST_Y(d.location) AS lat, r.metric, r.bucket, r.sum / nullif(r.n, 0) AS mean
        FROM rollup_1h r JOIN devices d USING (device_id)
        WHERE d.kind = 'env' AND r.metric IN ('pm25', 'pm10', 'o3', 'co', 'so2', 'no2')
          AND r.bucket > %(start)s AND r.bucket <= %(hour)s
          AND (%(ward)s::text IS NULL OR d.ward_code = %(ward)s)""",
                 {"start": hour - timedelta(hours=12), "hour": hour, "ward": ward},
                 ("device_id", "name", "ward_code", "lon", "lat", "metric", "bucket", "mean"))


def lag_table(hours: pd.DataFrame, hour: datetime) -> dict[str, dict[str, list[float | None]]]:
    """device_id → metric → [c1 … c12] (c1 the hour starting ``hour``), in one pass over the rows."""
    table: dict[str, dict[str, list[float | None]]] = {}
    for device_id, metric, bucket, mean in zip(hours["device_id"], hours["metric"], hours["bucket"], hours["mean"],
                                               strict=True):
        lag = int((hour - pd.Timestamp(bucket).to_pydatetime()) / timedelta(hours=1))
        if 0 <= lag < 12 and mean is not None and mean == mean:
            per = table.setdefault(device_id, {})
            per.setdefault(metric, [None] * 12)[lag] = float(mean)
    return table


def aqi_of(lags: dict[str, list[float | None]]) -> tuple[int, str, str] | None:
    """(value, band key, dominant scale) from one station's lag lists; None when no AQIh can be published.

    PM enters through the NowCast of c1 … c12; each gas through this hour's mean, else the last hour's.
    """
    gases = {g: next((v for v in lags.get(g, [])[:2] if v is not None), None) for g in _GASES}
    pm = {f"{p}_last12": lags[p] for p in _PM if p in lags}
    result = hourly_aqi(**pm, **gases)  # type: ignore[arg-type]
    return None if result is None else (result.value, result.band.key, result.dominant)


def station_aqi(pool: ConnectionPool, now: datetime, ward: str | None = None) -> pd.DataFrame:
    """One row per environment station with a published AQIh: its place, value, band and newest hour."""
    hours = station_hours(pool, now, ward)
    hour = now.replace(minute=0, second=0, microsecond=0)
    table = lag_table(hours, hour)
    places = hours.groupby("device_id", sort=True).agg(
        name=("name", "first"), ward_code=("ward_code", "first"), lon=("lon", "first"), lat=("lat", "first"),
        as_of=("bucket", "max"))
    out = []
    for device_id, place in places.iterrows():
        found = aqi_of(table.get(str(device_id), {}))
        if found is not None:
            out.append((device_id, place["name"], place["ward_code"], place["lon"], place["lat"], *found,
                        pd.Timestamp(place["as_of"]).to_pydatetime()))
    return pd.DataFrame(out, columns=list(STATION_COLUMNS))


def worst(stations: pd.DataFrame) -> dict[str, object] | None:
    """The station with the highest AQI now (ties: the first by device id)."""
    if stations.empty:
        return None
    row = stations.sort_values(["aqi", "device_id"], ascending=[False, True]).iloc[0]
    return row.to_dict()
