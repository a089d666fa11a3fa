"""Reading the evidence the suggester groups: alarms, camera events and field reports of the types' sources.

Bounded by time, not by volume: each cycle reads what happened within the longest window of the types whose
sources name it (hours), filtered by rule, event type or category, and drops what an incident already holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import psycopg

from pipelines.incidents.correlate import Evidence
from pipelines.incidents.types import IncidentType

MIN_CONFIDENCE = 0.5        # a camera's guess below this is noise, as the camera_event alarm rule's default
LIMIT = 5000                # per source and cycle: a storm of evidence is grouped over several cycles


def camera_ref(device_id: str, ts: datetime) -> str:
    return f"{device_id}@{ts.astimezone(UTC).isoformat()}"


def _wanted(types: Mapping[str, IncidentType], source: str) -> dict[str, tuple[str, ...]]:
    """key (rule, event type, category) -> the incident types it can belong to, in the catalogue's order."""
    out: dict[str, tuple[str, ...]] = {}
    for t in types.values():
        for key in getattr(t.sources, source):
            out[key] = (*out.get(key, ()), t.id)
    return out


def lookback(types: Mapping[str, IncidentType]) -> timedelta:
    return timedelta(seconds=max((t.window for t in types.values()), default=3600))


def candidates(conn: psycopg.Connection, types: Mapping[str, IncidentType], now: datetime) -> list[Evidence]:
    since = now - lookback(types)
    held = {(s, r) for s, r in conn.execute("SELECT source, ref FROM incident_items WHERE at >= %s", [since])}
    found = [*_alarms(conn, types, since, now), *_camera(conn, types, since, now), *_reports(conn, types, since, now)]
    return [e for e in found if (e.source, e.ref) not in held]


def _alarms(conn: psycopg.Connection, types: Mapping[str, IncidentType], since: datetime,
            now: datetime) -> list[Evidence]:
    wanted = _wanted(types, "alarm_rules")
    if not wanted:
        return []
    rows = conn.execute("""
        SELECT a.id, a.rule_id, a.raised_at, a.severity, r.name_vi, coalesce(a.device_id, a.entity),
               ST_X(coalesce(d.location, rp.geom)), ST_Y(coalesce(d.location, rp.geom)),
               coalesce(a.ward_code, d.ward_code, rp.ward_code)
        FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id
        LEFT JOIN devices d ON d.device_id = a.device_id
        LEFT JOIN reports rp
               ON rp.id = CASE WHEN a.entity ~ '^report:[0-9]{1,18}$' THEN substr(a.entity, 8)::bigint END
        WHERE a.rule_id = ANY(%s) AND a.raised_at >= %s AND a.raised_at <= %s
          AND coalesce(d.location, rp.geom) IS NOT NULL
        ORDER BY a.raised_at LIMIT %s""", [list(wanted), since, now, LIMIT]).fetchall()
    return [Evidence("alarm", str(aid), at, lon, lat, ward, f"{name} · {entity}", wanted[rule], sev, rule)
            for aid, rule, at, sev, name, entity, lon, lat, ward in rows]


def _camera(conn: psycopg.Connection, types: Mapping[str, IncidentType], since: datetime,
            now: datetime) -> list[Evidence]:
    wanted = _wanted(types, "camera_events")
    if not wanted:
        return []
    rows = conn.execute("""
        SELECT e.device_id, e.ts, e.type, e.confidence, coalesce(d.name, e.device_id),
               ST_X(d.location), ST_Y(d.location), d.ward_code
        FROM camera_events e JOIN devices d ON d.device_id = e.device_id
        WHERE e.type = ANY(%s) AND e.ts >= %s AND e.ts <= %s AND e.confidence >= %s AND d.location IS NOT NULL
        ORDER BY e.ts LIMIT %s""", [list(wanted), since, now, MIN_CONFIDENCE, LIMIT]).fetchall()
    return [Evidence("camera_event", camera_ref(dev, ts), ts, lon, lat, ward,
                     f"{name} · {conf:.0%}", wanted[kind], None, kind)
            for dev, ts, kind, conf, name, lon, lat, ward in rows]


def _reports(conn: psycopg.Connection, types: Mapping[str, IncidentType], since: datetime,
             now: datetime) -> list[Evidence]:
    wanted = _wanted(types, "report_categories")
    if not wanted:
        return []
    rows = conn.execute("""
        SELECT id, category, submitted_at, description, ST_X(geom), ST_Y(geom), ward_code FROM reports
        WHERE category = ANY(%s) AND submitted_at >= %s AND submitted_at <= %s AND geom IS NOT NULL
          AND status NOT IN ('rejected', 'closed')
        ORDER BY submitted_at LIMIT %s""", [list(wanted), since, now, LIMIT]).fetchall()
    return [Evidence("report", str(rid), at, lon, lat, ward, f"#{rid}: {text[:120]}", wanted[cat], None, cat)
            for rid, cat, at, text, lon, lat, ward in rows]
