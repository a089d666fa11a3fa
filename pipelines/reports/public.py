"""Queries whose results leave the building: Open311 requests, exports and SLA counts. Never the contact.

Every function takes a pool and selects named public columns only; ``report_contacts`` is not joined anywhere here.
The address is not selected, a description and photos only where the reporter agreed to publish (a photo shows a
face, a plate or a door as plainly as a description names them), and every row passes through
:func:`pipelines.reports.publish.published` (point snapped to ~50 m, personal details redacted) before it is
returned: no caller of this module sees an exact point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from psycopg import sql
from psycopg_pool import ConnectionPool

from ioc.query import frame as query_frame
from ioc.query import rows
from pipelines.reports.publish import published

MAX_REQUESTS = 1000
GROUPS = {"ward": "r.ward_code", "category": "r.category", "department": "r.department"}
PUBLIC_COLUMNS = sql.SQL("""
    r.id, r.category, c.name_vi, c.name_en, r.status,
    CASE WHEN r.description_public THEN r.description END AS description, ST_X(r.geom) AS lon,
    ST_Y(r.geom) AS lat, r.ward_code, CASE WHEN r.description_public THEN r.photo_urls ELSE '{}' END AS photo_urls,
    r.department, d.name_vi AS department_vi,
    d.name_en AS department_en, r.submitted_at, r.updated_at, r.due_at, r.resolved_at, r.public_response""")
EXPORT_COLUMNS = ("id", "category", "name_vi", "name_en", "status", "description", "lon", "lat",
                  "ward_code", "photo_urls", "department", "department_vi", "department_en", "submitted_at",
                  "updated_at", "due_at", "resolved_at", "public_response",
                  "hamlet")   # added last: consumers of the CSV read by position too; Open311 has no such field
_FROM = sql.SQL("""FROM reports r JOIN report_categories c ON c.code = r.category
                   LEFT JOIN report_departments d ON d.code = r.department""")


def public_rows(pool: ConnectionPool, query: sql.Composed, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Report rows as they may be published (see :func:`published`)."""
    return [published(r) for r in rows(pool, query, params)]


def frame(pool: ConnectionPool, query: sql.Composed, params: dict[str, Any],
          columns: Sequence[str] = (), publish: bool = False) -> pd.DataFrame:
    if not publish:
        return query_frame(pool, query, params, columns)
    found = public_rows(pool, query, params)
    return pd.DataFrame(found) if found else pd.DataFrame(columns=list(columns))


@dataclass(frozen=True)
class RequestFilter:
    ids: Sequence[int] = ()                   # overrides every other filter (the standard says so)
    service_codes: Sequence[str] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: Sequence[str] = ()              # Open311's: open, closed
    wards: Sequence[str] = ()                 # ward codes (the residents' page, /public/<ward>)
    report_statuses: Sequence[str] = ()       # our own: received, assigned, in_progress, resolved, …
    hamlets: Sequence[str] = ()               # hamlet names (reports.hamlet), with ``wards``


def public_requests(pool: ConnectionPool, where: RequestFilter, limit: int = MAX_REQUESTS) -> list[dict[str, Any]]:
    """Reports as public rows for Open311, newest first."""
    params: dict[str, Any]
    if where.ids:
        cond, params = sql.SQL("r.id = ANY(%(ids)s)"), {"ids": list(where.ids)}
    else:
        want = set(where.statuses)
        cond = sql.SQL("""(%(codes)s::text[] IS NULL OR r.category = ANY(%(codes)s))
            AND (%(start)s::timestamptz IS NULL OR r.submitted_at >= %(start)s)
            AND (%(end)s::timestamptz IS NULL OR r.submitted_at <= %(end)s)
            AND (%(open)s OR r.status NOT IN ('received', 'assigned', 'in_progress'))
            AND (%(closed)s OR r.status IN ('received', 'assigned', 'in_progress'))
            AND (%(wards)s::text[] IS NULL OR r.ward_code = ANY(%(wards)s))
            AND (%(ours)s::text[] IS NULL OR r.status = ANY(%(ours)s))
            AND (%(hamlets)s::text[] IS NULL OR r.hamlet = ANY(%(hamlets)s))""")
        params = {"codes": list(where.service_codes) or None, "start": where.start, "end": where.end,
                  "open": not want or "open" in want, "closed": not want or "closed" in want,
                  "wards": list(where.wards) or None, "ours": list(where.report_statuses) or None,
                  "hamlets": list(where.hamlets) or None}
    query = sql.SQL("SELECT {cols} {src} WHERE {cond} ORDER BY r.submitted_at DESC, r.id DESC LIMIT {n}").format(
        cols=PUBLIC_COLUMNS, src=_FROM, cond=cond, n=sql.Literal(limit))
    return public_rows(pool, query, params)


def export_rows(pool: ConnectionPool, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """The public fields of reports submitted in [start, end), oldest first, for CSV/JSON exports."""
    query = sql.SQL("""SELECT {cols}, r.hamlet {src}
        WHERE (%(start)s::timestamptz IS NULL OR r.submitted_at >= %(start)s)
          AND (%(end)s::timestamptz IS NULL OR r.submitted_at < %(end)s)
        ORDER BY r.submitted_at, r.id""").format(cols=PUBLIC_COLUMNS, src=_FROM)
    return frame(pool, query, {"start": start, "end": end}, EXPORT_COLUMNS, publish=True)


def sla_counts(pool: ConnectionPool, by: str, start: datetime, end: datetime, now: datetime) -> pd.DataFrame:
    """On time / late / overdue / open in time per ward, category or department, for reports submitted in
    [start, end). Late and on time count finished reports (resolved or rejected) against their due time."""
    if by not in GROUPS:
        raise ValueError(f"cannot group by {by!r}; expected one of {', '.join(GROUPS)}")
    query = sql.SQL("""
        SELECT coalesce({key}, '—') AS {name}, count(*)::int AS reports,
               count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.resolved_at <= r.due_at)::int AS on_time,
               count(*) FILTER (WHERE r.resolved_at IS NOT NULL AND r.resolved_at > r.due_at)::int AS late,
               count(*) FILTER (WHERE r.resolved_at IS NULL
                                AND r.due_at < coalesce(r.paused_since, %(now)s))::int AS overdue,
               count(*) FILTER (WHERE r.resolved_at IS NULL
                                AND r.due_at >= coalesce(r.paused_since, %(now)s))::int AS open_in_time
        FROM reports r WHERE r.submitted_at >= %(start)s AND r.submitted_at < %(end)s
        GROUP BY 1 ORDER BY 1""").format(key=sql.SQL(GROUPS[by]), name=sql.Identifier(by))
    return frame(pool, query, {"start": start, "end": end, "now": now},
                 (by, "reports", "on_time", "late", "overdue", "open_in_time"))
