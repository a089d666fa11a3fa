"""Series and figures from the rollups (``rollup_1m/1h/1d``, long format: mean = sum / n). Never raw tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import pandas as pd
from psycopg import sql
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, one, ward_codes

BUCKETS: dict[str, str] = {"1m": "rollup_1m", "1h": "rollup_1h", "1d": "rollup_1d"}
BUCKET_WIDTH: dict[str, timedelta] = {"1m": timedelta(minutes=1), "1h": timedelta(hours=1), "1d": timedelta(days=1)}
SERIES_COLUMNS = ("bucket", "n", "mean", "min", "max")
# How devices combine into one ward figure: pooled mean (concentrations), sum of per-device means (a gauge such
# as connected clients), or sum of sums (counts such as vehicles).
Combine = Literal["mean", "total", "sum"]
_COMBINE = {
    "mean": sql.SQL("sum(r.sum) / nullif(sum(r.n), 0)"),
    "total": sql.SQL("sum(r.sum / nullif(r.n, 0))"),
    "sum": sql.SQL("sum(r.sum)"),
}


def _table(bucket: str) -> sql.Identifier:
    if bucket not in BUCKETS:
        raise ValueError(f"bucket {bucket!r} is not one of {', '.join(BUCKETS)}")
    return sql.Identifier(BUCKETS[bucket])


def device_series(pool: ConnectionPool, device_id: str, metric: str, start: datetime, end: datetime,
                  bucket: str, limit: int = 10_000) -> pd.DataFrame:
    """bucket, n, mean, min, max of one device and metric over [start, end), oldest first."""
    query = sql.SQL("""
        SELECT bucket, n, sum / nullif(n, 0) AS mean, min, max FROM {}
        WHERE device_id = %s AND metric = %s AND bucket >= %s AND bucket < %s
        ORDER BY bucket LIMIT %s""").format(_table(bucket))
    return frame(pool, query, [device_id, metric, start, end, limit], SERIES_COLUMNS)


def area_series(pool: ConnectionPool, ward: str | None, metric: str, start: datetime, end: datetime,
                bucket: str, combine: Combine = "mean") -> pd.DataFrame:
    """bucket, value, devices: one metric over the devices of a ward (None: every device), oldest first."""
    query = sql.SQL("""
        SELECT r.bucket, {agg} AS value, count(DISTINCT r.device_id)::int AS devices
        FROM {table} r JOIN devices d USING (device_id)
        WHERE r.metric = %(metric)s AND r.bucket >= %(start)s AND r.bucket < %(end)s
          AND (%(ward)s::text IS NULL OR d.ward_code = %(ward)s)
        GROUP BY r.bucket ORDER BY r.bucket""").format(agg=_COMBINE[combine], table=_table(bucket))
    params = {"metric": metric, "start": start, "end": end, "ward": ward}
    return frame(pool, query, params, ("bucket", "value", "devices"))


def latest(pool: ConnectionPool, device_id: str) -> pd.DataFrame:
    """The newest 1-minute bucket of each metric of a device (last 2 days), else its newest hourly bucket."""
    return frame(pool, """
        WITH m AS (
            SELECT DISTINCT ON (metric) metric, bucket, '1m' AS width, n, sum / nullif(n, 0) AS mean, min, max
            FROM rollup_1m WHERE device_id = %(d)s AND bucket > now() - interval '2 days'
            ORDER BY metric, bucket DESC),
        h AS (
            SELECT DISTINCT ON (metric) metric, bucket, '1h' AS width, n, sum / nullif(n, 0) AS mean, min, max
            FROM rollup_1h WHERE device_id = %(d)s AND bucket > now() - interval '30 days'
              AND metric NOT IN (SELECT metric FROM m)
            ORDER BY metric, bucket DESC)
        SELECT * FROM m UNION ALL SELECT * FROM h ORDER BY metric""", {"d": device_id},
                 ("metric", "bucket", "width", "n", "mean", "min", "max"))


def event_counts(pool: ConnectionPool, since: datetime, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """type, n: camera events since ``since`` by type, from the 1-minute rollups ('event:<type>', n = count)."""
    return frame(pool, """
        SELECT substr(r.metric, 7) AS type, sum(r.n)::int AS n, max(r.bucket) AS newest
        FROM rollup_1m r JOIN devices d USING (device_id)
        WHERE r.metric LIKE 'event:%%' AND r.bucket >= %(since)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        GROUP BY 1 ORDER BY 2 DESC, 1""", {"since": since, "wards": ward_codes(wards)}, ("type", "n", "newest"))


@dataclass(frozen=True)
class WifiCompare:
    clients_now: float | None
    as_of: datetime | None
    access_points: int
    clients_last_week: float | None


def wifi_now(pool: ConnectionPool, wards: Sequence[str] | None = None, window_min: int = 15) -> pd.DataFrame:
    """device_id, clients, bucket, lon, lat: each access point's newest 1-minute mean in the last minutes."""
    return frame(pool, """
        SELECT DISTINCT ON (r.device_id) r.device_id, r.sum / nullif(r.n, 0) AS clients, r.bucket,
               ST_X(d.location) AS lon, ST_Y(d.location) AS lat, coalesce(d.name, d.device_id) AS name
        FROM rollup_1m r JOIN devices d USING (device_id)
        WHERE r.metric = 'clients' AND r.bucket > now() - make_interval(mins => %(w)s)
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        ORDER BY r.device_id, r.bucket DESC""", {"w": window_min, "wards": ward_codes(wards)},
                 ("device_id", "clients", "bucket", "lon", "lat", "name"))


def wifi_compare(pool: ConnectionPool, now: datetime, wards: Sequence[str] | None = None) -> WifiCompare:
    """Clients connected now (sum of each AP's newest minute) against the same hour a week ago (hourly means)."""
    current = wifi_now(pool, wards)
    hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=7)
    before = one(pool, """
        SELECT sum(r.sum / nullif(r.n, 0)) AS clients
        FROM rollup_1h r JOIN devices d USING (device_id)
        WHERE r.metric = 'clients' AND r.bucket = %(h)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))""", {"h": hour, "wards": ward_codes(wards)})
    if current.empty:
        return WifiCompare(None, None, 0, before["clients"] if before else None)
    return WifiCompare(float(current["clients"].sum()), current["bucket"].max().to_pydatetime(),
                       len(current), before["clients"] if before else None)


def history_backlog(pool: ConnectionPool, now: datetime) -> int:
    """Minutes of ingested history still waiting for their rollups (older than the live stream's last few): while
    a backfill is being rolled up, a tile without data is loading, not broken."""
    found = one(pool, "SELECT count(*)::int AS n FROM rollup_dirty WHERE minute < %(t)s",
                {"t": now - timedelta(minutes=5)})
    return int(found["n"]) if found else 0
