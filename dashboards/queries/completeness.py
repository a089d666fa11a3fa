"""Data completeness (issue 16): periodic readings stored ÷ readings expected, per device, kind, ward and network.

Stored comes from ``ingest_accounting.periodic`` (written with the data); expected from the registry: the window's
seconds since the device was registered (or the window's start) ÷ its interval. A silent hour has no accounting row
and so counts as missing. Windows are whole UTC hours back from now ("24h": since the hour 24 h ago began).

:func:`by_device` takes a plain connection and is the documented entry point for other packages (alarm rules on
"completeness under a threshold"); the dashboards' helpers below take a pool.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

FLAG_BELOW = 0.90                       # a device under this over 24 h is flagged on /devices and in the API
SPANS = {"24h": timedelta(hours=24), "30d": timedelta(days=30)}
Group = Literal["device", "kind", "ward", "network"]


@dataclass(frozen=True)
class Completeness:
    key: str                    # the device id, kind, ward code ('' when none) or 'network'
    stored: int
    expected: float

    @property
    def ratio(self) -> float | None:
        """stored ÷ expected, at most 1 (a device that sends faster than its interval is complete, not 120 %)."""
        return min(1.0, self.stored / self.expected) if self.expected > 0 else None

    @property
    def flagged(self) -> bool:
        return self.ratio is not None and self.ratio < FLAG_BELOW


_BY_DEVICE = """
WITH w AS (SELECT time_bucket('1 hour', now() - %(span)s::interval) AS start, now() AS stop),
     acc AS (SELECT a.device_id, sum(a.periodic)::bigint AS stored
             FROM ingest_accounting a, w WHERE a.hour >= w.start GROUP BY a.device_id)
SELECT s.device_id, s.kind, coalesce(s.ward_code, '') AS ward_code, coalesce(acc.stored, 0)::bigint AS stored,
       greatest(0, extract(epoch FROM w.stop - greatest(w.start, coalesce(s.registered_at, w.start)))
                   / s.interval_s)::float8 AS expected
FROM device_state s CROSS JOIN w LEFT JOIN acc USING (device_id)
WHERE s.registered
  AND (%(device)s::text IS NULL OR s.device_id = %(device)s)
  AND (%(kind)s::text IS NULL OR s.kind = %(kind)s)
  AND (%(ward)s::text IS NULL OR s.ward_code = %(ward)s)
  AND (%(ids)s::text[] IS NULL OR s.device_id = ANY(%(ids)s))
ORDER BY s.device_id
"""


def by_device(conn: psycopg.Connection, span: timedelta, *, device: str | None = None, kind: str | None = None,
              ward: str | None = None, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Registered devices' completeness over ``span``: device_id, kind, ward_code, stored, expected, ratio, flagged.

    Filters combine; ``ids`` limits to those devices (a page of /devices)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(_BY_DEVICE, {"span": span, "device": device, "kind": kind, "ward": ward,
                                 "ids": None if ids is None else list(ids)})
        found = cur.fetchall()
    for row in found:
        c = Completeness(str(row["device_id"]), int(row["stored"]), float(row["expected"]))
        row |= {"ratio": c.ratio, "flagged": c.flagged}
    return found


def grouped(rows: Iterable[dict[str, Any]], by: Group) -> list[Completeness]:
    """Per-device rows summed per kind, ward or the whole network (pure)."""
    if by == "device":
        return [Completeness(str(r["device_id"]), int(r["stored"]), float(r["expected"]))
                for r in rows]
    sums: dict[str, tuple[int, float]] = {}
    for r in rows:
        key = "network" if by == "network" else str(r["ward_code" if by == "ward" else "kind"])
        stored, expected = sums.get(key, (0, 0.0))
        sums[key] = (stored + int(r["stored"]), expected + float(r["expected"]))
    return [Completeness(k, s, e) for k, (s, e) in sorted(sums.items())]


def for_devices(pool: ConnectionPool, span: timedelta, *, kind: str | None = None, ward: str | None = None,
                ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    with pool.connection() as conn:
        return by_device(conn, span, kind=kind, ward=ward, ids=ids)


_HOURLY = """
SELECT h.hour, coalesce(a.periodic, 0) AS stored, 3600.0 / s.interval_s AS expected
FROM device_state s
CROSS JOIN generate_series(time_bucket('1 hour', now() - %(span)s::interval), now(), interval '1 hour') AS h(hour)
LEFT JOIN ingest_accounting a ON a.device_id = s.device_id AND a.hour = h.hour
WHERE s.device_id = %(device)s ORDER BY h.hour
"""


def hourly(pool: ConnectionPool, device: str, span: timedelta) -> list[tuple[datetime, int, float]]:
    """(hour, stored, expected) for every hour of ``span``: the device's gap timeline, silent hours included."""
    with pool.connection() as conn:
        return [(h, int(s), float(e)) for h, s, e in conn.execute(_HOURLY, {"span": span, "device": device})]


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
