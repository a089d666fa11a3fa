"""What each rule kind looks at: one query per rule, giving each entity's newest value.

``complete`` says whether an entity absent from the answer is known to be fine (value 0: the snapshot kinds such as
"offline now" or "overdue now") or simply has nothing new (readings: keep its state). The device snapshots
(missing data, offline) return only the devices whose raise condition holds and those the rule already follows
(``states``): ten thousand healthy devices are not stepped every cycle. Threshold rules read the cycle's fresh
readings (``pipelines.alarms.fresh``), shared by every rule of a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from layers.vn_aqi import hourly_aqi_from_lags
from pipelines.alarms.environment import noise_over_limit, water_warning
from pipelines.alarms.fresh import MAX_READING_AGE, RAW_KIND
from pipelines.alarms.rules import Rule
from pipelines.rollup import METRICS

SYSTEM = "system"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True, slots=True)
class Obs:
    entity: str
    value: float | None
    device: str | None = None
    ward: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Observed:
    items: list[Obs]
    complete: bool


def table_of(metric: str) -> str:
    for table, pairs in METRICS.items():
        if table in RAW_KIND and any(m == metric and col for m, col in pairs):
            return table
    raise LookupError(f"no raw table stores the metric {metric!r}")


def observe(conn: psycopg.Connection, rule: Rule, now: datetime, states: Sequence[str] = (),
            fresh: Sequence[str] = (), tz: ZoneInfo = VN) -> Observed:
    """``states``: the entities the rule follows (not ok); ``fresh``: devices with new readings (rate of change);
    ``tz``: the local time that sets the noise period."""
    match rule.kind:
        case "noise_limit":
            rows, complete = noise_over_limit(conn, rule, now, tz)
            return Observed([Obs(*row) for row in rows], complete)
        case "water_level":
            return Observed([Obs(*row) for row in water_warning(conn, rule, now)], False)
        case "rate_of_change":
            return Observed(_rate(conn, rule, fresh, now), False)
        case "vn_aqi":
            return Observed(_vn_aqi(conn, now), False)
        case "missing_data":
            return Observed(_missing(conn, now, rule.factor, states), True)
        case "device_offline":
            return Observed(_offline(conn, states), True)
        case "camera_event":
            return Observed(_camera(conn, rule, now), True)
        case "report_overdue":
            return Observed(_overdue(conn, now), True)
        case "report_escalated":
            return Observed(_escalated(conn), True)
        case _:
            return Observed([Obs(SYSTEM, health(conn, str(rule.metric), rule.window, now, rule))], True)


def _devices(rows: list[tuple[str, str | None, str | None, float | None]]) -> list[Obs]:
    return [Obs(dev, None if v is None else float(v), dev, ward, kind) for dev, kind, ward, v in rows]


def _rate(conn: psycopg.Connection, rule: Rule, fresh: Sequence[str], now: datetime) -> list[Obs]:
    """Change per minute between the first and the newest reading inside the window, for devices with news."""
    if not fresh:
        return []
    table = table_of(str(rule.metric))
    rows = conn.execute(sql.SQL("""
        WITH fresh AS (SELECT unnest(%(fresh)s::text[]) AS device_id)
        SELECT s.device_id, {kind}, d.ward_code,
               CASE WHEN max(s.ts) > min(s.ts) THEN
                 ((array_agg(s.{col} ORDER BY s.ts DESC))[1] - (array_agg(s.{col} ORDER BY s.ts))[1])
                 / (extract(epoch FROM max(s.ts) - min(s.ts)) / 60) END
        FROM {t} s JOIN fresh USING (device_id) LEFT JOIN devices d USING (device_id)
        WHERE s.ts > %(start)s AND s.{col} IS NOT NULL
        GROUP BY s.device_id, d.ward_code""").format(
        t=sql.Identifier(table), col=sql.Identifier(str(rule.metric)), kind=sql.Literal(RAW_KIND[table])),
        {"fresh": list(fresh), "start": now - timedelta(seconds=rule.window)}).fetchall()
    return _devices(rows)


def _vn_aqi(conn: psycopg.Connection, now: datetime) -> list[Obs]:
    """The full AQIh (NowCast of the last 12 hourly PM means, the gases' hourly means, docs/vn-aqi.md) for stations
    with a PM rollup in the last two hours; a gas whose current hour has no mean yet counts with the last hour's."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    rows = conn.execute("""
        SELECT r.device_id, d.ward_code, r.metric, r.bucket, r.sum / r.n
        FROM rollup_1h r LEFT JOIN devices d USING (device_id)
        WHERE r.metric IN ('pm25', 'pm10', 'o3', 'co', 'so2', 'no2')
          AND r.bucket > %(first)s AND r.bucket <= %(hour)s AND r.n > 0
          AND r.device_id IN (SELECT device_id FROM rollup_1h WHERE metric IN ('pm25', 'pm10')
                              AND bucket >= %(hour)s - interval '1 hour')""",
                        {"first": hour - timedelta(hours=12), "hour": hour}).fetchall()
    series: dict[str, dict[str, dict[datetime, float]]] = {}
    wards: dict[str, str | None] = {}
    for dev, ward, metric, bucket, mean in rows:
        series.setdefault(dev, {}).setdefault(metric, {})[bucket] = float(mean)
        wards[dev] = ward
    hours = [hour - timedelta(hours=i) for i in range(12)]
    out = []
    for dev, by_metric in series.items():
        lags = {m: [by_metric[m].get(h) for h in hours] for m in by_metric}
        aqi = hourly_aqi_from_lags(lags, gas_hours=2)
        out.append(Obs(dev, None if aqi is None else float(aqi.value), dev, wards[dev], "env"))
    return out


def _missing(conn: psycopg.Connection, now: datetime, factor: float, states: Sequence[str]) -> list[Obs]:
    """Silence measured in expected intervals; a device that never sent counts from its registration. A device that
    said it went offline is the offline rule's (one cause, one alarm), as in device_state's 'offline' vs 'stale'.
    Only the silent ones (≥ factor, the implied raise) and those the rule follows."""
    rows = conn.execute("""
        SELECT * FROM (
            SELECT device_id, kind, ward_code,
                   extract(epoch FROM %(now)s - coalesce(last_data_at, registered_at)) / interval_s AS silence
            FROM device_state
            WHERE registered AND online IS NOT FALSE AND coalesce(last_data_at, registered_at) IS NOT NULL) s
        WHERE silence >= %(factor)s OR device_id = ANY(%(states)s)""",
                        {"now": now, "factor": factor, "states": list(states)}).fetchall()
    return _devices(rows)


def _offline(conn: psycopg.Connection, states: Sequence[str]) -> list[Obs]:
    rows = conn.execute("""SELECT device_id, kind, ward_code, CASE WHEN online THEN 0 ELSE 1 END
                           FROM devices WHERE registered AND online IS NOT NULL
                             AND (NOT online OR device_id = ANY(%s))""", [list(states)]).fetchall()
    return _devices(rows)


def _camera(conn: psycopg.Connection, rule: Rule, now: datetime) -> list[Obs]:
    rows = conn.execute("""
        SELECT e.device_id, e.type, d.ward_code FROM camera_events e LEFT JOIN devices d USING (device_id)
        WHERE e.type = ANY(%(types)s) AND e.confidence >= %(conf)s AND e.ts > %(start)s
        GROUP BY e.device_id, e.type, d.ward_code""",
                        {"types": list(rule.event_types), "conf": rule.min_confidence,
                         "start": now - timedelta(seconds=rule.hold)}).fetchall()
    return [Obs(f"{dev}:{typ}", 1.0, dev, ward, "camera") for dev, typ, ward in rows]


def _overdue(conn: psycopg.Connection, now: datetime) -> list[Obs]:
    rows = conn.execute("""SELECT id, ward_code FROM reports
                           WHERE status IN ('received', 'assigned', 'in_progress') AND paused_since IS NULL
                             AND due_at < %s""", [now]).fetchall()
    return [Obs(f"report:{rid}", 1.0, None, ward) for rid, ward in rows]


def _escalated(conn: psycopg.Connection) -> list[Obs]:
    """Open reports handed up to the leadership (the reports workflow's ``escalate``); de-escalating, resolving or
    rejecting one clears its alarm."""
    rows = conn.execute("SELECT id, ward_code FROM reports WHERE escalated_at IS NOT NULL").fetchall()
    return [Obs(f"report:{rid}", 1.0, None, ward) for rid, ward in rows]


def health(conn: psycopg.Connection, metric: str, window_s: float, now: datetime, rule: Rule | None = None
           ) -> float | None:
    """The ingestion's own health as one number; None when there is nothing to judge by. Completeness counts the
    devices in the rule's scope (kinds, wards, devices); the other measures are the whole pipeline's."""
    start = now - timedelta(seconds=window_s)
    if metric == "seconds_since_commit":
        row = conn.execute("SELECT extract(epoch FROM %s - max(last_commit_at)) FROM ingest_heartbeat",
                           [now]).fetchone()
    elif metric == "spool_messages":
        row = conn.execute("""SELECT sum((counters->>'spool_messages')::bigint) FROM ingest_heartbeat
                              WHERE updated_at > %s""", [now - timedelta(seconds=60)]).fetchone()
    elif metric == "completeness":
        scope = rule.scope if rule else None
        # device_state's 'online', judged at the cycle's ``now`` (as every other rule is), not the server's clock
        row = conn.execute("""SELECT 100.0 * count(*) FILTER (WHERE online IS NOT FALSE AND last_data_at IS NOT NULL
                                  AND %(now)s - last_data_at <= make_interval(secs => stale_factor * interval_s))
                                  / nullif(count(*), 0)
                              FROM device_state JOIN device_kinds k USING (kind) WHERE registered
                                AND (cardinality(%(kinds)s::text[]) = 0 OR kind = ANY(%(kinds)s))
                                AND (cardinality(%(wards)s::text[]) = 0 OR ward_code = ANY(%(wards)s))
                                AND (cardinality(%(devs)s::text[]) = 0 OR device_id = ANY(%(devs)s))""",
                           {"now": now, "kinds": list(scope.kinds) if scope else [],
                            "wards": list(scope.wards) if scope else [],
                            "devs": list(scope.devices) if scope else []}).fetchone()
    else:
        row = conn.execute(_DEAD_LETTER_RATE, {"start": start, "oldest": start - MAX_READING_AGE}).fetchone()
    return None if row is None or row[0] is None else float(row[0])


# percent of the messages of the window that were dead-lettered; raw rows are found by received_at, bounded by ts
_STORED = sql.SQL(" + ").join(
    sql.SQL("(SELECT count(*) FROM {} WHERE received_at > %(start)s AND ts > %(oldest)s)").format(sql.Identifier(t))
    for t in (*RAW_KIND, "camera_events", "device_status"))
_DEAD_LETTER_RATE = sql.SQL("""WITH dl AS (SELECT count(*) AS n FROM dead_letters WHERE received_at > %(start)s),
                                    ok AS (SELECT {} AS n)
                               SELECT 100.0 * dl.n / nullif(dl.n + ok.n, 0) FROM dl, ok""").format(_STORED)
