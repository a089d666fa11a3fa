"""Completeness for the dashboards: the pool-side readers over :mod:`pipelines.ingest.completeness` (the per-device
query and its grouping live there, where alarm rules can call them too), a device's hourly gap timeline and a ward's
completeness per local day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg_pool import ConnectionPool

from pipelines.ingest.completeness import FLAG_BELOW, SPANS, Completeness, Group, by_device, grouped

__all__ = ["FLAG_BELOW", "SPANS", "Completeness", "Group", "Hour", "by_device", "for_devices", "grouped", "hourly",
           "hourly_many", "ward_daily"]


def for_devices(pool: ConnectionPool, span: timedelta, *, kind: str | None = None, ward: str | None = None,
                ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    with pool.connection() as conn:
        return by_device(conn, span, kind=kind, ward=ward, ids=ids)


# Per device and UTC hour from ``start``: the readings stored and those expected in that hour, which are prorated
# like by_device's: nothing before the device was registered (or while it is not), the current hour only so far.
_HOURLY = """
WITH w AS (SELECT time_bucket('1 hour', %(start)s::timestamptz) AS start, now() AS stop)
SELECT s.device_id, h.hour, coalesce(a.periodic, 0) AS stored,
       CASE WHEN s.registered THEN greatest(0, extract(epoch FROM least(w.stop, h.hour + interval '1 hour')
                - greatest(h.hour, coalesce(s.registered_at, h.hour))) / s.interval_s) ELSE 0 END::float8 AS expected
FROM device_state s CROSS JOIN w
CROSS JOIN LATERAL generate_series(w.start, w.stop, interval '1 hour') AS h(hour)
LEFT JOIN ingest_accounting a ON a.device_id = s.device_id AND a.hour = h.hour
WHERE s.device_id = ANY(%(ids)s) ORDER BY s.device_id, h.hour
"""

Hour = tuple[datetime, int, float]


def hourly(pool: ConnectionPool, device: str, span: timedelta) -> list[Hour]:
    """(hour, stored, expected) for every hour of ``span``: the device's gap timeline, silent hours included."""
    return hourly_many(pool, [device], datetime.now(UTC) - span).get(device, [])


def hourly_many(pool: ConnectionPool, ids: Sequence[str], start: datetime) -> dict[str, list[Hour]]:
    """Every hour from the one holding ``start`` to now, per device of ``ids`` (one query for a page of /devices)."""
    if not ids:
        return {}
    found: dict[str, list[Hour]] = {}
    with pool.connection() as conn:
        for device, h, s, e in conn.execute(_HOURLY, {"start": start, "ids": list(ids)}):
            found.setdefault(str(device), []).append((h, int(s), float(e)))
    return found


_WARD_DAILY = """
WITH dev AS (SELECT device_id, interval_s, registered_at FROM device_state
             WHERE registered AND ward_code = %(ward)s),
     days AS (SELECT d AT TIME ZONE %(tz)s AS start, (d + interval '1 day') AT TIME ZONE %(tz)s AS stop
              FROM generate_series(date_trunc('day', now() AT TIME ZONE %(tz)s) - make_interval(days => %(days)s - 1),
                                   date_trunc('day', now() AT TIME ZONE %(tz)s), interval '1 day') AS g(d))
SELECT days.start AS bucket,
       (SELECT coalesce(sum(a.periodic), 0) FROM ingest_accounting a JOIN dev USING (device_id)
        WHERE a.hour >= days.start AND a.hour < days.stop)::bigint AS stored,
       (SELECT coalesce(sum(greatest(0, extract(epoch FROM least(now(), days.stop)
                    - greatest(days.start, coalesce(dev.registered_at, days.start))) / dev.interval_s)), 0)
        FROM dev)::float8 AS expected
FROM days ORDER BY 1
"""


def ward_daily(pool: ConnectionPool, ward: str, tz: str, days: int = 30) -> list[tuple[datetime, int, float]]:
    """(local midnight, stored, expected) per local day of the ward's registered devices, the last ``days`` days.

    Whole-hour zones only (Asia/Ho_Chi_Minh): the accounting's UTC hours then fall inside one local day."""
    with pool.connection() as conn:
        found = conn.execute(_WARD_DAILY, {"ward": ward, "tz": tz, "days": days}).fetchall()
    return [(b, int(s), float(e)) for b, s, e in found]
