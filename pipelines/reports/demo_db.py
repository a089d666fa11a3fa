"""The living demo's field reports in the database: arrivals inserted as any channel's reports are, handling moved
on through the real workflow at the times :mod:`demo_plan` gives, and sensor evidence judged from the simulators'
readings near each report.

:func:`advance` is idempotent and catches up: called once for the last sixty days it writes the history, called
every minute afterwards it adds the new arrivals and moves the open reports along. Only the demo's own reports
(``DEMO-yyyymmddhh-n``) are touched; an imported spreadsheet's reports are left alone.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from pipelines.reports import actions, demo_plan, evidence_db, store
from pipelines.reports.evidence_rules import Rules, load_rules
from pipelines.reports.model import Contact, ReportIn

log = logging.getLogger(__name__)
OWN = r"^DEMO-[0-9]{10}-[0-9]+$"
RECHECK = timedelta(hours=3)      # evidence of recent reports is judged again once their window has passed
_METRES_PER_DEGREE = 111_320.0


@dataclass
class Advanced:
    inserted: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)


def anchors(conn: psycopg.Connection) -> dict[str | None, list[tuple[float, float]]]:
    """Placed devices by kind (None: all of them), in a stable order: where the demo's reports are made."""
    out: dict[str | None, list[tuple[float, float]]] = {None: []}
    for kind, lon, lat in conn.execute("""SELECT kind, ST_X(location), ST_Y(location) FROM devices
                                          WHERE location IS NOT NULL AND ward_code IS NOT NULL ORDER BY device_id"""):
        out.setdefault(kind, []).append((lon, lat))
        out[None].append((lon, lat))
    return out


def place(a: demo_plan.Arrival, points: dict[str | None, list[tuple[float, float]]]) -> tuple[float, float] | None:
    """(lon, lat) a few hundred metres at most from a device of the kind the report is about."""
    pool = points.get(a.near_kind) or points.get(None) or []
    if not pool:
        return None
    lon, lat = pool[int(a.anchor * len(pool))]
    dlat = a.distance_m * math.cos(a.bearing) / _METRES_PER_DEGREE
    dlon = a.distance_m * math.sin(a.bearing) / (_METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lon + dlon, 6), round(lat + dlat, 6)


def report_in(a: demo_plan.Arrival, where: tuple[float, float] | None) -> ReportIn:
    # reporters are not people: 0000… is no Vietnamese number (see data/reports/README.md)
    phone = f"0000{zlib.crc32(a.external_id.encode()) % 10**6:06d}"
    contact = Contact(f"Người dân mẫu {a.external_id[5:]}", phone) if a.with_contact else None
    return ReportIn(a.source, a.external_id, a.category, a.submitted_at, a.description,
                    where[0] if where else None, where[1] if where else None, contact=contact)


def advance(conn: psycopg.Connection, since: datetime, now: datetime, *, seed: int, tz: ZoneInfo,
            rules: Rules | None = None) -> Advanced:
    """Insert the arrivals of [since, now), move every open demo report along up to ``now``, judge new evidence."""
    rules = rules or load_rules(None)
    ref, points = store.reference(conn), anchors(conn)
    done = Advanced()
    new: list[int] = []
    for arrival in demo_plan.arrivals(since, now, seed, tz):
        inserted = store.insert_reports(conn, [report_in(arrival, place(arrival, points))], ref, demo_plan.ACTOR,
                                        tz, arrival.submitted_at)
        new.extend(inserted.ids)
    done.inserted = len(new)
    for report_id in _unfinished(conn):
        _catch_up(conn, report_id, seed, tz, now, done.actions)
    recent = [r[0] for r in conn.execute("SELECT id FROM reports WHERE external_id ~ %s AND submitted_at >= %s",
                                         [OWN, now - RECHECK])]
    for report_id in dict.fromkeys([*new, *recent]):
        done.verdicts[evidence_db.corroborate(conn, report_id, rules, tz, now).verdict] += 1
    return done


def retire_old_sample(conn: psycopg.Connection) -> int:
    """Delete the fixed-date sample an earlier ``ioc demo`` imported (``demo_reports.csv``, dated November 2026 and
    never handled, so forever overdue); a demo stack kept between runs would otherwise still show them. Only
    reports that file's import created are touched."""
    done = conn.execute("""DELETE FROM reports r WHERE r.external_id ~ '^DEMO-[0-9]{4}$' AND EXISTS (
                               SELECT 1 FROM report_history h WHERE h.report_id = r.id AND h.action = 'receive'
                                 AND h.actor = 'import:demo_reports.csv')""")
    return done.rowcount


def _unfinished(conn: psycopg.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM reports WHERE external_id ~ %s AND status <> 'closed' "
                                       "ORDER BY submitted_at", [OWN])]


def _snapshot(conn: psycopg.Connection, report_id: int) -> demo_plan.Snapshot | None:
    row = conn.execute("""
        SELECT r.external_id, r.category, r.status, r.department, r.submitted_at, r.due_at, r.paused_since,
               r.resolved_at, EXISTS (SELECT 1 FROM report_history h WHERE h.report_id = r.id AND h.action = 'pause'),
               (SELECT max(h.at) FROM report_history h WHERE h.report_id = r.id)
        FROM reports r WHERE r.id = %s""", [report_id]).fetchone()
    if row is None or row[5] is None:
        return None
    ext, category, status, dept, submitted, due, paused, resolved, was_paused, last = row
    return demo_plan.Snapshot(ext, category, status, dept, submitted, due, paused, resolved, was_paused,
                              last or submitted)


def _catch_up(conn: psycopg.Connection, report_id: int, seed: int, tz: ZoneInfo, now: datetime,
              counts: Counter[str]) -> None:
    """Apply every step of the report's fate that is due by ``now``, each at its own time."""
    while (snap := _snapshot(conn, report_id)) is not None:
        step = demo_plan.next_step(snap, demo_plan.fate_of(snap.external_id, seed))
        if step is None or step.at > now:
            return
        actions.apply_action(conn, report_id, step.action, demo_plan.ACTOR, tz, step.at)
        counts[step.action.kind] += 1
