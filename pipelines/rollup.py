"""Our own rollups, portable to the Apache TimescaleDB (no continuous aggregates) and to the licensed build.

The ingester marks each raw minute it writes as dirty (late data too). ``refresh`` recomputes, for the devices seen in
the dirty minutes: the 1-minute rollup from raw rows, the 1-hour rollup from 1-minute rows and the daily rollup (local
midnight, Asia/Ho_Chi_Minh by default) from 1-hour rows. A marker is removed only if nobody re-marked it meanwhile.
Dirty minutes are refreshed span by span, so the scan is bounded by what is dirty, not by the oldest dirty row.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from sensors.contract import FIELDS

log = logging.getLogger(__name__)

# source table -> (metric, column) pairs; 'messages' counts rows, and camera events count per type.
METRICS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "env_telemetry": (("pm25", "pm25"), ("pm10", "pm10"), ("no2", "no2"), ("o3", "o3"), ("co", "co"), ("so2", "so2"),
                      ("temperature", "temperature"), ("relative_humidity", "relative_humidity"), ("laeq", "laeq"),
                      ("precipitation", "precipitation"), ("water_level", "water_level"), ("messages", None)),
    "camera_telemetry": (("vehicles", "vehicles"), ("people", "people"), ("avg_speed_kmh", "avg_speed_kmh"),
                         ("messages", None)),
    "wifi_telemetry": (("clients", "clients"), ("new_sessions", "new_sessions"), ("bytes_up", "bytes_up"),
                       ("bytes_down", "bytes_down"), ("messages", None)),
    # lamps' mean power gives kWh per hour (mean W x 1 h); cabinets' energy since midnight peaks at the day's kWh
    # and a flag's mean is the share of readings that raised it (threshold rules read flags as 0/1, fresh.py)
    "light_telemetry": (("active_power", "active_power"), ("illuminance_level", "illuminance_level"),
                        ("energy_consumed", "energy_consumed"), ("lamp_failure", "lamp_failure"),
                        ("supply_loss", "supply_loss"), ("lamp_unexpected_on", "lamp_unexpected_on"),
                        ("cabinet_door_open", "cabinet_door_open"), ("messages", None)),
    "device_status": (("battery", "battery"), ("rssi", "rssi")),
    "camera_events": (),
}


# Boolean columns of the contract: PostgreSQL has no boolean -> float8 cast, so they go through integer (1 = true).
FLAG_COLUMNS = frozenset(spec.column for specs in FIELDS.values() for spec in specs if spec.type == "bool")


def as_float(column: str, alias: str = "s") -> sql.Composable:
    """``alias.column`` as float8, a flag as 0/1."""
    cast = "{}.{}::int::float8" if column in FLAG_COLUMNS else "{}.{}::float8"
    return sql.SQL(cast).format(sql.Identifier(alias), sql.Identifier(column))


@dataclass
class RefreshStats:
    minutes: int = 0
    rows_1m: int = 0


def _metric_filter(source: str) -> sql.Composable:
    if source == "camera_events":
        return sql.SQL("r.metric LIKE 'event:%%'")
    names = [m for m, _ in METRICS[source]]
    return sql.SQL("r.metric = ANY({})").format(sql.Literal(names))


def _values(source: str) -> sql.Composable:
    if source == "camera_events":
        return sql.SQL("(VALUES ('event:' || s.type, 1.0::float8)) AS m(metric, v)")
    rows = [sql.SQL("({}, {})").format(sql.Literal(metric),
                                       as_float(col) if col else sql.SQL("1.0"))
            for metric, col in METRICS[source]]
    return sql.SQL("(VALUES {}) AS m(metric, v)").format(sql.SQL(", ").join(rows))


class Pacer:
    """How often one minute may be recomputed: a minute that keeps receiving rows (the current minute under load, the
    few minutes a backlog drain writes into) is otherwise recomputed from all its rows on every refresh, every 3 s,
    which cost PostgreSQL more CPU per message than the ingest itself (docs/benchmarks.md). A minute's first
    refresh is never held back; later ones wait until ``min_interval_s`` has passed since the last."""

    def __init__(self, min_interval_s: float = 15.0) -> None:
        self.min_interval_s = min_interval_s
        self.last: dict[tuple[str, datetime], float] = {}

    def held(self) -> list[tuple[str, datetime]]:
        """The (source, minute) pairs refreshed too recently to be refreshed again now."""
        now = time.monotonic()
        self.last = {k: t for k, t in self.last.items() if now - t < self.min_interval_s}
        return list(self.last)

    def done(self, source: str, minutes: list[datetime]) -> None:
        now = time.monotonic()
        for minute in minutes:
            self.last[(source, minute)] = now


def refresh(conn: psycopg.Connection, tz: str = "Asia/Ho_Chi_Minh", limit: int = 5000,
            pacer: Pacer | None = None) -> RefreshStats:
    """Recompute the rollups of up to ``limit`` dirty minutes; call repeatedly until it returns minutes == 0. With a
    ``pacer``, minutes it holds back stay dirty for a later call.

    Newest minutes first: after a backfill or an outage (tens of thousands of dirty minutes), the minute that just
    arrived is rolled up on the next call, so the wall's "now" never waits behind history."""
    stats = RefreshStats()
    held = pacer.held() if pacer is not None else []
    dirty = conn.execute(
        "SELECT source, minute, marked_at FROM rollup_dirty WHERE (source, minute) NOT IN "
        "(SELECT * FROM unnest(%s::text[], %s::timestamptz[])) ORDER BY minute DESC LIMIT %s",
        [[h[0] for h in held], [h[1] for h in held], limit]).fetchall()
    by_source: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for source, minute, marked in dirty:
        by_source[source].append((minute, marked))
    for source, marks in by_source.items():
        if source not in METRICS:
            continue
        with conn.transaction():
            for span in spans(sorted(m for m, _ in marks)):
                stats.rows_1m += _refresh_source(conn, source, span, tz)
            conn.execute("DELETE FROM rollup_dirty d USING unnest(%s::timestamptz[], %s::timestamptz[]) AS u(m, at) "
                         "WHERE d.source = %s AND d.minute = u.m AND d.marked_at = u.at",
                         [[m for m, _ in marks], [a for _, a in marks], source])
        stats.minutes += len(marks)
        if pacer is not None:
            pacer.done(source, [m for m, _ in marks])
    return stats


def spans(minutes: list[datetime], gap: timedelta = timedelta(days=1)) -> list[list[datetime]]:
    """Sorted dirty minutes cut where they lie more than ``gap`` apart.

    Each span is scanned on its own, so a reading from 2001 and one from today scan two small ranges, not every chunk
    in between (the raw tables are hypertables: a time range is a set of chunks)."""
    out: list[list[datetime]] = []
    for minute in minutes:
        if out and minute - out[-1][-1] <= gap:
            out[-1].append(minute)
        else:
            out.append([minute])
    return out


def _refresh_source(conn: psycopg.Connection, source: str, minutes: list[datetime], tz: str) -> int:
    params = {"minutes": minutes, "lo": minutes[0], "hi": minutes[-1], "tz": tz}
    conn.execute(sql.SQL("""CREATE TEMP TABLE IF NOT EXISTS rollup_devs (device_id text PRIMARY KEY)
                            ON COMMIT DELETE ROWS"""))
    conn.execute("DELETE FROM rollup_devs")   # a transaction refreshes several spans
    conn.execute(sql.SQL("""INSERT INTO rollup_devs SELECT DISTINCT device_id FROM {} s
                            WHERE s.ts >= %(lo)s AND s.ts < %(hi)s + interval '1 minute'
                              AND date_trunc('minute', s.ts) = ANY(%(minutes)s)""").format(sql.Identifier(source)),
                 params)
    flt = _metric_filter(source)
    conn.execute(sql.SQL("""DELETE FROM rollup_1m r USING rollup_devs d
                            WHERE r.device_id = d.device_id AND r.bucket = ANY(%(minutes)s) AND {}""").format(flt),
                 params)
    cur = conn.execute(sql.SQL("""
        INSERT INTO rollup_1m (bucket, device_id, metric, n, sum, min, max)
        SELECT date_trunc('minute', s.ts), s.device_id, m.metric, count(*), sum(m.v), min(m.v), max(m.v)
        FROM {} s, LATERAL {}
        WHERE s.ts >= %(lo)s AND s.ts < %(hi)s + interval '1 minute' AND date_trunc('minute', s.ts) = ANY(%(minutes)s)
          AND m.v IS NOT NULL
        GROUP BY 1, 2, 3""").format(sql.Identifier(source), _values(source)), params)
    rows = cur.rowcount
    _roll_up(conn, "rollup_1m", "rollup_1h", sql.SQL("time_bucket('1 hour', r.bucket)"), flt, params)
    _roll_up(conn, "rollup_1h", "rollup_1d", sql.SQL("time_bucket('1 day', r.bucket, %(tz)s)"), flt, params)
    return rows


def _roll_up(conn: psycopg.Connection, finer: str, coarser: str, bucket: sql.Composable, flt: sql.Composable,
             params: dict[str, object]) -> None:
    """Recompute the coarser buckets that contain the dirty minutes, from the finer rollup, for the dirty devices."""
    keys = conn.execute(sql.SQL("SELECT DISTINCT {} FROM unnest(%(minutes)s::timestamptz[]) AS r(bucket)").format(
        bucket), params).fetchall()
    targets = sorted(k[0] for k in keys)
    p = params | {"targets": targets, "tlo": targets[0], "thi": targets[-1]}
    conn.execute(sql.SQL("""DELETE FROM {} r USING rollup_devs d
                            WHERE r.device_id = d.device_id AND r.bucket = ANY(%(targets)s) AND {}""").format(
        sql.Identifier(coarser), flt), p)
    conn.execute(sql.SQL("""
        INSERT INTO {} (bucket, device_id, metric, n, sum, min, max)
        SELECT {} AS b, r.device_id, r.metric, sum(r.n), sum(r.sum), min(r.min), max(r.max)
        FROM {} r JOIN rollup_devs d USING (device_id)
        WHERE r.bucket >= %(tlo)s AND r.bucket < %(thi)s + interval '1 day' AND {} AND {} = ANY(%(targets)s)
        GROUP BY 1, 2, 3""").format(sql.Identifier(coarser), bucket, sql.Identifier(finer), flt, bucket), p)
