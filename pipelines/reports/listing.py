"""Field reports for the read API (``/api/v1/reports``): the public columns of :mod:`pipelines.reports.public`
(never the contact, never the address; the point snapped and the description redacted by
:func:`pipelines.reports.publish.published`), plus the hamlet (ấp / khu phố, or None) and what handling them needs
to know: the department, the SLA due time and whether the report is overdue. Paged, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg_pool import ConnectionPool

from ioc.query import rows
from pipelines.reports.public import PUBLIC_COLUMNS
from pipelines.reports.publish import published

_WHERE = sql.SQL("""r.submitted_at >= %(start)s AND r.submitted_at < %(end)s
    AND (%(statuses)s::text[] IS NULL OR r.status = ANY(%(statuses)s))
    AND (%(category)s::text IS NULL OR r.category = %(category)s OR c.parent = %(category)s)
    AND (%(ward)s::text IS NULL OR r.ward_code = %(ward)s)
    AND (%(hamlet)s::text IS NULL OR r.hamlet = %(hamlet)s)""")
_FROM = sql.SQL("""FROM reports r JOIN report_categories c ON c.code = r.category
                   LEFT JOIN report_departments d ON d.code = r.department""")


@dataclass(frozen=True)
class ReportFilter:
    start: datetime
    end: datetime
    statuses: Sequence[str] = ()
    category: str | None = None       # a category or its parent group
    ward: str | None = None
    hamlet: str | None = None         # a hamlet's name (ấp / khu phố); with ``ward``, one hamlet of one ward


def page(pool: ConnectionPool, where: ReportFilter, now: datetime, limit: int,
         offset: int) -> tuple[int, list[dict[str, Any]]]:
    """(how many match, the page of them as published, each with ``overdue``)."""
    params = {"start": where.start, "end": where.end, "statuses": list(where.statuses) or None,
              "category": where.category, "ward": where.ward, "hamlet": where.hamlet, "now": now, "limit": limit,
              "offset": offset}
    total = rows(pool, sql.SQL("SELECT count(*) AS n {src} WHERE {cond}").format(src=_FROM, cond=_WHERE), params)
    found = rows(pool, sql.SQL("""
        SELECT {cols}, r.hamlet, coalesce(r.status IN ('received', 'assigned', 'in_progress')
                                 AND r.due_at < coalesce(r.paused_since, %(now)s), false) AS overdue
        {src} WHERE {cond} ORDER BY r.submitted_at DESC, r.id DESC LIMIT %(limit)s OFFSET %(offset)s""").format(
        cols=PUBLIC_COLUMNS, src=_FROM, cond=_WHERE), params)
    return int(total[0]["n"]), [published(r) for r in found]
