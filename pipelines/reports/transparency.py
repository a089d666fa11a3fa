"""What the residents' page (/public) publishes besides the reports themselves: each report's public timeline and
the ward's transparency figures, after FixMyStreet's (received vs resolved, on time, median days per department,
top categories, reports with no update for 10 working days).

Like :mod:`pipelines.reports.public`, nothing here joins ``report_contacts`` or selects an address, a description
or a staff note: a timeline step is its action, time and department only; the public response comes with the report
row (``public_rows``), never from the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from ioc.query import one, rows
from pipelines.reports import store, workdays
from pipelines.reports.sla import working_seconds

# The handling steps a resident sees; pauses, extensions and escalations are internal (their notes may name people).
PUBLIC_STEPS: Final = ("assign", "start", "resolve", "reject", "close")
QUIET_WORKING_DAYS: Final = 10
LAST_N: Final = 100
TOP_N: Final = 5
QUIET_MAX: Final = 50


@dataclass(frozen=True)
class Step:
    report_id: int
    at: datetime
    action: str                     # "received" (the submission) or one of PUBLIC_STEPS
    department: str | None = None   # the department's code, for "assigned to ‹department›"


def timelines(pool: ConnectionPool, ids: Sequence[int]) -> dict[int, list[Step]]:
    """The public steps of each report, oldest first, starting with its submission."""
    if not ids:
        return {}
    found = rows(pool, """
        SELECT r.id AS report_id, r.submitted_at AS at, 'received' AS action, NULL AS department, 0 AS seq
        FROM reports r WHERE r.id = ANY(%(ids)s)
        UNION ALL
        SELECT h.report_id, h.at, h.action, h.detail ->> 'department', h.id
        FROM report_history h WHERE h.report_id = ANY(%(ids)s) AND h.action = ANY(%(steps)s)
        ORDER BY 1, 2, 5""", {"ids": list(ids), "steps": list(PUBLIC_STEPS)})
    out: dict[int, list[Step]] = {int(i): [] for i in ids}
    for r in found:
        out[int(r["report_id"])].append(Step(int(r["report_id"]), r["at"], r["action"], r["department"]))
    return out


@dataclass(frozen=True)
class Figures:
    received: int
    resolved: int                   # answered with a fix (outcome resolved)
    received_7d: int
    resolved_7d: int
    finished: int                   # resolved or rejected: the base of the on-time share
    on_time: int                    # finished by the working-day due time

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.finished if self.finished else None


def figures(pool: ConnectionPool, ward: str | None, now: datetime) -> Figures:
    """Received vs resolved (all time and the last 7 days) and the on-time count of one ward (None: every ward).
    The due time is the working-day deadline the handling clock keeps (``reports.due_at``)."""
    row = one(pool, """
        SELECT count(*)::int AS received,
               count(*) FILTER (WHERE outcome = 'resolved')::int AS resolved,
               count(*) FILTER (WHERE submitted_at > %(week)s)::int AS received_7d,
               count(*) FILTER (WHERE outcome = 'resolved' AND resolved_at > %(week)s)::int AS resolved_7d,
               count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS finished,
               count(*) FILTER (WHERE resolved_at IS NOT NULL AND resolved_at <= due_at)::int AS on_time
        FROM reports WHERE (%(ward)s::text IS NULL OR ward_code = %(ward)s)""",
              {"ward": ward, "week": now - timedelta(days=7)})
    assert row is not None
    return Figures(**row)


def department_medians(pool: ConnectionPool, ward: str | None, last: int = LAST_N) -> list[dict[str, Any]]:
    """Per department: the median days (calendar, submission to answer) of its ``last`` finished reports, slowest
    first; department, name_vi, name_en, reports, median_days."""
    return rows(pool, """
        SELECT f.department, d.name_vi, d.name_en, count(*)::int AS reports,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days) AS median_days
        FROM (SELECT r.department, extract(epoch FROM r.resolved_at - r.submitted_at) / 86400 AS days,
                     row_number() OVER (PARTITION BY r.department ORDER BY r.resolved_at DESC, r.id DESC) AS k
              FROM reports r
              WHERE r.resolved_at IS NOT NULL AND r.department IS NOT NULL
                AND (%(ward)s::text IS NULL OR r.ward_code = %(ward)s)) f
        JOIN report_departments d ON d.code = f.department
        WHERE f.k <= %(last)s
        GROUP BY f.department, d.name_vi, d.name_en ORDER BY median_days DESC, f.department""",
                {"ward": ward, "last": last})


def top_categories(pool: ConnectionPool, ward: str | None, n: int = TOP_N) -> list[dict[str, Any]]:
    """The ``n`` most reported categories: category, name_vi, name_en, reports."""
    return rows(pool, """
        SELECT r.category, c.name_vi, c.name_en, count(*)::int AS reports
        FROM reports r JOIN report_categories c ON c.code = r.category
        WHERE (%(ward)s::text IS NULL OR r.ward_code = %(ward)s)
        GROUP BY r.category, c.name_vi, c.name_en ORDER BY reports DESC, r.category LIMIT %(n)s""",
                {"ward": ward, "n": n})


def quiet_reports(pool: ConnectionPool, ward: str | None, now: datetime, tz: ZoneInfo,
                  days: int = QUIET_WORKING_DAYS) -> list[dict[str, Any]]:
    """Open reports with no handling step for ``days`` working days (weekends and holidays do not count), longest
    quiet first: id, category, last_activity_at, quiet_days (working days, whole). 10 working days are at least
    10 calendar days, so the database narrows by calendar days and the calendar decides."""
    found = rows(pool, """
        SELECT r.id, r.category, greatest(r.submitted_at, r.last_activity_at) AS last_activity_at
        FROM reports r
        WHERE r.status IN ('received', 'assigned', 'in_progress')
          AND greatest(r.submitted_at, r.last_activity_at) < %(cut)s
          AND (%(ward)s::text IS NULL OR r.ward_code = %(ward)s)
        ORDER BY 3, r.id""", {"ward": ward, "cut": now - timedelta(days=days)})
    if not found:
        return []
    oldest = found[0]["last_activity_at"].astimezone(tz).date()
    with pool.connection() as conn:
        cal = store.calendar(conn, workdays.years_around(oldest, now.astimezone(tz).date()))
    out = []
    for r in found:
        quiet = int(working_seconds(r["last_activity_at"], now, cal, tz) // 86400)
        if quiet >= days:
            out.append({**r, "quiet_days": quiet})
    return out[:QUIET_MAX]


def wards_with_reports(pool: ConnectionPool) -> list[dict[str, Any]]:
    """Current wards that hold reports or devices (the /public index): code, name, province, reports."""
    return rows(pool, """
        SELECT w.code, w.name, w.province,
               (SELECT count(*)::int FROM reports r WHERE r.ward_code = w.code) AS reports
        FROM wards w WHERE w.valid_to IS NULL
          AND (EXISTS (SELECT 1 FROM reports r WHERE r.ward_code = w.code)
               OR EXISTS (SELECT 1 FROM devices d WHERE d.ward_code = w.code))
        ORDER BY w.province, w.name, w.code""")


def department_names(pool: ConnectionPool) -> list[dict[str, Any]]:
    """code, name_vi, name_en of every department."""
    return rows(pool, "SELECT code, name_vi, name_en FROM report_departments ORDER BY code")


def category_names(pool: ConnectionPool) -> list[dict[str, Any]]:
    """code, name_vi, name_en of every category, in the order forms list them."""
    return rows(pool, "SELECT code, name_vi, name_en FROM report_categories ORDER BY sort_order, code")
