"""What the sensors near a report saw, from the raw tables, and the stored verdict per report.

Devices are found with ``ST_DWithin(location::geography, point, R)`` (served by an expression index), and readings
by ``device_id`` and a ``ts`` range (the hypertables' identity index), so a corroboration costs a few index scans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from pipelines.reports.evidence import CameraObs, Corroboration, EnvObs, Observations, WifiObs, judge
from pipelines.reports.evidence_rules import CategoryRule, Rules
from pipelines.reports.model import ReportNotFound

_NEAR = sql.SQL("""
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g),
    near AS (SELECT d.device_id, ST_Distance(d.location::geography, pt.g) AS distance_m
             FROM devices d, pt
             WHERE d.kind = {kind} AND d.location IS NOT NULL AND ST_DWithin(d.location::geography, pt.g, %(r)s))""")


def _params(lon: float, lat: float, at: datetime, rule: CategoryRule) -> dict[str, object]:
    half = timedelta(minutes=rule.window_min)
    return {"lon": lon, "lat": lat, "r": rule.radius_m, "start": at - half, "end": at + half,
            "week": timedelta(days=7), "types": list(rule.camera), "conf": rule.min_confidence}


def _env(conn: psycopg.Connection, rule: CategoryRule, params: dict[str, object]) -> tuple[EnvObs, ...]:
    if not rule.env:
        return ()
    metrics = list(dict.fromkeys((r.metric, r.agg) for r in rule.env))
    aggs = sql.SQL(", ").join(
        sql.SQL("count(t.{m}) AS {n}, {agg}(t.{m}) AS {v}").format(
            m=sql.Identifier(m), agg=sql.SQL(agg), n=sql.Identifier(f"n_{m}_{agg}"), v=sql.Identifier(f"v_{m}_{agg}"))
        for m, agg in metrics)   # agg is "max" or "sum": checked by evidence_rules on load
    query = _NEAR.format(kind=sql.Literal("env")) + sql.SQL("""
        SELECT n.device_id, n.distance_m, s.* FROM near n CROSS JOIN LATERAL (
            SELECT {aggs} FROM env_telemetry t
            WHERE t.device_id = n.device_id AND t.ts >= %(start)s AND t.ts <= %(end)s) s
        ORDER BY n.distance_m""").format(aggs=aggs)
    out = []
    for row in conn.execute(query, params):
        values = {m: (int(row[2 + 2 * i]), row[3 + 2 * i]) for i, (m, _agg) in enumerate(metrics)}
        out.append(EnvObs(row[0], float(row[1]), values))
    return tuple(out)


def _cameras(conn: psycopg.Connection, rule: CategoryRule, params: dict[str, object]) -> tuple[CameraObs, ...]:
    if not rule.camera:
        return ()
    query = _NEAR.format(kind=sql.Literal("camera")) + sql.SQL("""
        SELECT n.device_id, n.distance_m,
               EXISTS (SELECT 1 FROM camera_telemetry c WHERE c.device_id = n.device_id
                         AND c.ts >= %(start)s AND c.ts <= %(end)s)
               OR EXISTS (SELECT 1 FROM camera_events e WHERE e.device_id = n.device_id
                         AND e.ts >= %(start)s AND e.ts <= %(end)s) AS active,
               coalesce((SELECT jsonb_object_agg(x.type, jsonb_build_array(x.n, x.conf)) FROM (
                   SELECT e.type, count(*) AS n, max(e.confidence) AS conf FROM camera_events e
                   WHERE e.device_id = n.device_id AND e.ts >= %(start)s AND e.ts <= %(end)s
                     AND e.type = ANY(%(types)s) AND e.confidence >= %(conf)s GROUP BY e.type) x), '{}')
        FROM near n ORDER BY n.distance_m""")
    return tuple(CameraObs(d, float(dist), bool(active), {t: (int(v[0]), float(v[1])) for t, v in ev.items()})
                 for d, dist, active, ev in conn.execute(query, params))


def _wifi(conn: psycopg.Connection, rule: CategoryRule, params: dict[str, object]) -> tuple[WifiObs, ...]:
    if rule.wifi is None:
        return ()
    query = _NEAR.format(kind=sql.Literal("wifi")) + sql.SQL("""
        SELECT n.device_id, n.distance_m, w.n, w.mean, b.mean FROM near n
        CROSS JOIN LATERAL (SELECT count(*)::int AS n, avg(clients)::float AS mean FROM wifi_telemetry
                            WHERE device_id = n.device_id AND ts >= %(start)s AND ts <= %(end)s) w
        CROSS JOIN LATERAL (SELECT avg(clients)::float AS mean FROM wifi_telemetry WHERE device_id = n.device_id
                            AND ts >= %(start)s - %(week)s AND ts <= %(end)s - %(week)s) b
        ORDER BY n.distance_m""")
    return tuple(WifiObs(d, float(dist), n, mean, before) for d, dist, n, mean, before in conn.execute(query, params))


def observe(conn: psycopg.Connection, lon: float, lat: float, at: datetime, rule: CategoryRule) -> Observations:
    params = _params(lon, lat, at, rule)
    return Observations(_env(conn, rule, params), _cameras(conn, rule, params), _wifi(conn, rule, params))


def corroborate(conn: psycopg.Connection, report_id: int, rules: Rules, tz: ZoneInfo,
                now: datetime) -> Corroboration:
    """Judge one report from its sensors and store the verdict (``report_evidence``)."""
    row = conn.execute("""SELECT ST_X(r.geom), ST_Y(r.geom), r.submitted_at, r.category, c.parent
                          FROM reports r JOIN report_categories c ON c.code = r.category WHERE r.id = %s""",
                       [report_id]).fetchone()
    if row is None:
        raise ReportNotFound(f"report {report_id} does not exist")
    lon, lat, at, category, parent = row
    rule = rules.for_category(category, parent)
    if lon is None or not rule.measurable:
        result = Corroboration("no_sensor", (), rule.radius_m, rule.window_min)
    else:
        result = judge(rule, observe(conn, lon, lat, at, rule), at.astimezone(tz).hour)
    conn.execute("""INSERT INTO report_evidence (report_id, verdict, summary, computed_at) VALUES (%s, %s, %s, %s)
                    ON CONFLICT (report_id) DO UPDATE SET verdict = EXCLUDED.verdict, summary = EXCLUDED.summary,
                        computed_at = EXCLUDED.computed_at""",
                 [report_id, result.verdict, Jsonb(result.to_json()), now])
    return result


def corroborate_many(conn: psycopg.Connection, ids: Sequence[int], rules: Rules, tz: ZoneInfo, now: datetime,
                     progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Corroborate each report; the count per verdict."""
    counts: dict[str, int] = {}
    for done, report_id in enumerate(ids, start=1):
        verdict = corroborate(conn, report_id, rules, tz, now).verdict
        counts[verdict] = counts.get(verdict, 0) + 1
        if progress and (done % 50 == 0 or done == len(ids)):
            progress(done)
    return counts
