"""Attaching evidence by hand, and answering the field reports of an incident through the reports workflow.

The answer goes through :func:`pipelines.reports.actions.apply_action`, one report at a time, exactly as a person
on /reports would: assign (to the incident's department) → start → resolve with the public response. So the SLA
clock, the history and what Open311 publishes stay right. A report that cannot be answered (waiting for the
citizen, already resolved) is skipped with its reason; the others are answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg

from pipelines.incidents import store
from pipelines.incidents.actions import IncidentActionError, check_handler, lock
from pipelines.incidents.correlate import Evidence
from pipelines.incidents.evidence import camera_ref
from pipelines.reports import actions as report_actions
from pipelines.reports import workflow
from pipelines.reports.model import ReportError

SOURCES = ("alarm", "report", "camera_event")


def _evidence(conn: psycopg.Connection, source: str, ref: str) -> Evidence:
    if source == "report":
        row = conn.execute("""SELECT id::text, submitted_at, ST_X(geom), ST_Y(geom), ward_code, category,
                                     '#' || id || ': ' || left(description, 120) FROM reports WHERE id = %s""",
                           [_int(ref)]).fetchone()
    elif source == "alarm":
        row = conn.execute("""SELECT a.id::text, a.raised_at, ST_X(d.location), ST_Y(d.location),
                                     coalesce(a.ward_code, d.ward_code), a.rule_id, r.name_vi || ' · ' || a.entity
                              FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id
                              LEFT JOIN devices d ON d.device_id = a.device_id WHERE a.id = %s""",
                           [_int(ref)]).fetchone()
    elif source == "camera_event":
        device, _, ts = ref.partition("@")
        try:
            when = datetime.fromisoformat(ts)
        except ValueError:
            raise IncidentActionError(f"camera event {ref!r}: write DEVICE@TIME (ISO 8601)") from None
        row = conn.execute("""SELECT %s, e.ts, ST_X(d.location), ST_Y(d.location), d.ward_code, e.type,
                                     coalesce(d.name, e.device_id) || ' · ' || round(e.confidence * 100) || '%%'
                              FROM camera_events e LEFT JOIN devices d ON d.device_id = e.device_id
                              WHERE e.device_id = %s AND e.ts = %s LIMIT 1""",
                           [camera_ref(device, when), device, when]).fetchone()
    else:
        raise IncidentActionError(f"source: one of {', '.join(SOURCES)}, not {source!r}")
    if row is None:
        raise IncidentActionError(f"{source} {ref} does not exist")
    key, at, lon, lat, ward, kind, label = row
    if lon is None:
        raise IncidentActionError(f"{source} {ref} has no location")
    return Evidence(source, key, at, lon, lat, ward, label, (), None, kind)


def _int(ref: str) -> int:
    if not ref.isdigit():
        raise IncidentActionError(f"{ref!r} is not an id")
    return int(ref)


def attach(conn: psycopg.Connection, incident_id: int, source: str, ref: str, actor: str,
           version: int | None = None, now: datetime | None = None) -> None:
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        lock(conn, incident_id, version, store.LIVE)
        ev = _evidence(conn, source, ref)
        held = conn.execute("SELECT incident_id FROM incident_items WHERE source = %s AND ref = %s",
                            [ev.source, ev.ref]).fetchone()
        if held is not None:
            raise IncidentActionError(f"{source} {ref} already belongs to incident {held[0]}; merge the two instead")
        store.attach(conn, incident_id, [ev], actor, at)
        conn.execute("UPDATE incidents SET version = version + 1 WHERE id = %s", [incident_id])


@dataclass(frozen=True)
class Answered:
    report_id: int
    done: bool
    reason: str


def answer(conn: psycopg.Connection, incident_id: int, actor: str, response: str, tz: ZoneInfo,
           now: datetime | None = None) -> list[Answered]:
    """Resolve every open field report attached to the incident with ``response`` as the public answer."""
    if len(response.strip()) < 10:
        raise IncidentActionError("the public answer needs a sentence (10 characters or more)")
    at = now or datetime.now(UTC)
    check_handler(conn, actor)
    row = conn.execute("SELECT owner FROM incidents WHERE id = %s", [incident_id]).fetchone()
    if row is None:
        raise IncidentActionError(f"incident {incident_id} does not exist")
    ids = [int(r) for (r,) in conn.execute("""SELECT ref FROM incident_items WHERE incident_id = %s
                                              AND source = 'report' ORDER BY at""", [incident_id])]
    out = [_answer_one(conn, incident_id, rid, row[0], actor, response.strip(), tz, at) for rid in ids]
    with conn.transaction():
        store.timeline(conn, incident_id, at, actor, "answered", response.strip(),
                       {"reports": [a.report_id for a in out if a.done],
                        "skipped": {str(a.report_id): a.reason for a in out if not a.done}})
    return out


def _answer_one(conn: psycopg.Connection, incident_id: int, report_id: int, department: str, actor: str, response: str,
                tz: ZoneInfo, at: datetime) -> Answered:
    steps = {"received": ("assign", "start", "resolve"), "assigned": ("start", "resolve"),
             "in_progress": ("resolve",)}
    status = conn.execute("SELECT status FROM reports WHERE id = %s", [report_id]).fetchone()
    if status is None or status[0] not in steps:
        return Answered(report_id, False, f"already {status[0] if status else 'gone'}")
    try:
        for kind in steps[status[0]]:
            action = workflow.Action(kind, department=department if kind == "assign" else None,
                                     response=response if kind == "resolve" else "",
                                     note=f"incident #{incident_id}" if kind != "resolve" else "")
            report_actions.apply_action(conn, report_id, action, actor, tz, at)
    except ReportError as exc:
        return Answered(report_id, False, str(exc))
    return Answered(report_id, True, "resolved")
