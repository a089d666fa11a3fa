"""A week of field reports for the leaders' briefing: received, handled and on time within [start, end), open and
overdue per department at ``now``, and the oldest open ones. Overdue is the handling clock's rule
(``dashboards.queries.reports.OVERDUE``, docs/reports.md): open and past ``due_at`` unless paused before it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from psycopg_pool import ConnectionPool

from ioc.query import one, rows

OPEN: Final = ("received", "assigned", "in_progress")


@dataclass(frozen=True)
class Week:
    received: int
    handled: int          # left the work states (resolved or rejected) during the week
    on_time: int          # of those, by their working-day due time

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.handled if self.handled else None


def week(pool: ConnectionPool, start: datetime, end: datetime, wards: Sequence[str] | None) -> Week:
    row = one(pool, """
        SELECT count(*) FILTER (WHERE submitted_at >= %(start)s AND submitted_at < %(end)s)::int AS received,
               count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s)::int AS handled,
               count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                                  AND resolved_at <= due_at)::int AS on_time
        FROM reports WHERE (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))""",
              {"start": start, "end": end, "wards": None if wards is None else list(wards)})
    assert row is not None
    return Week(**row)


def by_department(pool: ConnectionPool, now: datetime, wards: Sequence[str] | None) -> list[dict[str, Any]]:
    """Open reports per department at ``now``, most overdue first: department, name_vi, name_en, open, overdue
    (no department yet: department NULL)."""
    return rows(pool, """
        SELECT r.department, d.name_vi, d.name_en, count(*)::int AS open,
               count(*) FILTER (WHERE r.due_at < coalesce(r.paused_since, %(now)s))::int AS overdue
        FROM reports r LEFT JOIN report_departments d ON d.code = r.department
        WHERE r.status = ANY(%(open)s) AND (%(wards)s::text[] IS NULL OR r.ward_code = ANY(%(wards)s))
        GROUP BY 1, 2, 3 ORDER BY overdue DESC, open DESC, 1""",
                {"now": now, "open": list(OPEN), "wards": None if wards is None else list(wards)})


def oldest_open(pool: ConnectionPool, wards: Sequence[str] | None, n: int = 5) -> list[dict[str, Any]]:
    """The ``n`` open reports received longest ago: id, submitted_at, category, name_vi, name_en, ward_code,
    department, due_at."""
    return rows(pool, """
        SELECT r.id, r.submitted_at, r.category, c.name_vi, c.name_en, r.ward_code, r.department, r.due_at
        FROM reports r JOIN report_categories c ON c.code = r.category
        WHERE r.status = ANY(%(open)s) AND (%(wards)s::text[] IS NULL OR r.ward_code = ANY(%(wards)s))
        ORDER BY r.submitted_at, r.id LIMIT %(n)s""",
                {"open": list(OPEN), "wards": None if wards is None else list(wards), "n": n})
