"""A week of alarms for the leaders' briefing: those raised in [start, end) per severity, and the critical ones with
their time to resolve (resolved_at − raised_at; still open: None)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

SEVERITIES = ("critical", "major", "minor", "warning")


def raised(conn: psycopg.Connection, start: datetime, end: datetime, wards: Sequence[str] | None
           ) -> dict[str, int]:
    """Alarms raised in the week per severity (every severity present, 0 when none)."""
    found: dict[str, int] = dict(conn.execute("""
        SELECT severity, count(*)::int FROM alarms
        WHERE raised_at >= %(start)s AND raised_at < %(end)s
          AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
        GROUP BY 1""", {"start": start, "end": end, "wards": None if wards is None else list(wards)}).fetchall())
    return {s: int(found.get(s, 0)) for s in SEVERITIES}


def critical(conn: psycopg.Connection, start: datetime, end: datetime, wards: Sequence[str] | None,
             limit: int = 50) -> list[dict[str, Any]]:
    """Critical alarms raised in the week, longest to resolve first (open ones first of all): id, rule_id, name_vi,
    name_en, entity, device_id, ward_code, state, raised_at, resolved_at, time_to_resolve (interval or None)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""
            SELECT a.id, a.rule_id, r.name_vi, r.name_en, a.entity, a.device_id, a.ward_code, a.state, a.raised_at,
                   a.resolved_at, a.resolved_at - a.raised_at AS time_to_resolve
            FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id
            WHERE a.severity = 'critical' AND a.raised_at >= %(start)s AND a.raised_at < %(end)s
              AND (%(wards)s::text[] IS NULL OR a.ward_code = ANY(%(wards)s))
            ORDER BY a.resolved_at IS NOT NULL, a.resolved_at - a.raised_at DESC, a.id LIMIT %(limit)s""",
                           {"start": start, "end": end, "wards": None if wards is None else list(wards),
                            "limit": limit}).fetchall()
