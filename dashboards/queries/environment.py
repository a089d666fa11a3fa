"""Environment stations beyond the air index: their noise and water level now, and hourly series per station, read
from the rollups. What a station carries and against what it is judged (noise area, warning levels) is its registry
entry's (``devices.attrs.station``, as the fleet file declares it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, tuples, ward_codes

STATION_COLUMNS = ("device_id", "name", "ward_code", "lon", "lat", "noise_area", "water_body", "water_levels",
                   "laeq", "laeq_at", "water_level", "water_at", "rain_1h")
NOW_WINDOW = timedelta(hours=2)   # a newer minute than this old is "now"; older ones show as stale

_STATIONS = """
SELECT device_id, coalesce(name, device_id), ward_code, ST_X(location), ST_Y(location),
       coalesce(attrs -> 'station' ->> 'noise_area', 'normal'), attrs -> 'station' ->> 'water_body',
       attrs -> 'station' -> 'water_levels_cm'
FROM devices WHERE kind = 'env' AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
ORDER BY device_id"""
# The newest minute of noise and water per station, and the rain of the last hour (mm: the minutes' sums).
_NEWEST = """
SELECT DISTINCT ON (r.device_id, r.metric) r.device_id, r.metric, r.bucket, r.sum / nullif(r.n, 0)
FROM rollup_1m r JOIN devices d USING (device_id)
WHERE d.kind = 'env' AND r.metric IN ('laeq', 'water_level') AND r.bucket > %(start)s AND r.bucket <= %(now)s
  AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
ORDER BY r.device_id, r.metric, r.bucket DESC"""
_RAIN = """
SELECT r.device_id, sum(r.sum) FROM rollup_1m r JOIN devices d USING (device_id)
WHERE d.kind = 'env' AND r.metric = 'precipitation' AND r.bucket > %(hour_ago)s AND r.bucket <= %(now)s
  AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
GROUP BY r.device_id"""
_HOURLY = """
SELECT r.device_id, r.bucket, CASE WHEN %(total)s THEN r.sum ELSE r.sum / nullif(r.n, 0) END AS value
FROM rollup_1h r JOIN devices d USING (device_id)
WHERE d.kind = 'env' AND r.metric = %(metric)s AND r.bucket >= %(start)s AND r.bucket < %(end)s
  AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
ORDER BY r.device_id, r.bucket"""


def stations(pool: ConnectionPool, now: datetime, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """Every environment station with its noise area, gauge, newest LAeq and water level (and when), last hour's rain.
    A station that measures neither has NaN there; ``water_levels`` is [I, II, III] cm or None."""
    params = {"wards": ward_codes(wards), "now": now, "start": now - NOW_WINDOW, "hour_ago": now - timedelta(hours=1)}
    newest: dict[tuple[str, str], tuple[datetime, float | None]] = {
        (dev, metric): (bucket, value) for dev, metric, bucket, value in tuples(pool, _NEWEST, params)}
    rain = dict(tuples(pool, _RAIN, params))
    rows = []
    for dev, name, ward, lon, lat, area, body, levels in tuples(pool, _STATIONS, params):
        laeq_at, laeq = newest.get((dev, "laeq"), (None, None))
        water_at, water = newest.get((dev, "water_level"), (None, None))
        gauge = [float(v) for v in levels] if isinstance(levels, list) and len(levels) == 3 else None
        rows.append((dev, name, ward, lon, lat, area, body, gauge, laeq, laeq_at, water, water_at, rain.get(dev)))
    out = pd.DataFrame(rows, columns=list(STATION_COLUMNS))
    for column in ("lon", "lat", "laeq", "water_level", "rain_1h"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def hourly(pool: ConnectionPool, metric: str, start: datetime, end: datetime, wards: Sequence[str] | None = None,
           *, total: bool = False) -> pd.DataFrame:
    """device_id, bucket, value: each station's hourly mean of ``metric`` in [start, end); ``total``: the hour's sum
    instead (rain: mm in the hour)."""
    params = {"metric": metric, "start": start, "end": end, "wards": ward_codes(wards), "total": total}
    return frame(pool, _HOURLY, params, ("device_id", "bucket", "value"))
