"""``/reports``: field reports (phản ánh hiện trường) for systems with the ``reports:read`` scope, as published:
category, status, department, SLA due time and overdue, a point snapped to ~50 m, the description only where the
reporter agreed to publish it (redacted). Never the reporter's contact or the address: no API scope opens those
(docs/security.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg_pool import ConnectionPool

from dashboards.api.errors import ApiError
from dashboards.api.spec import BOOL, INT, NUM, STR, TS, Endpoint, Param, nullable, obj, page_of
from ioc.config import Settings
from ioc.security.roles import REPORTS_READ
from pipelines.reports import listing
from pipelines.reports.model import OPEN_STATUSES, STATUSES

DEFAULT_SPAN = timedelta(days=30)
MAX_SPAN = timedelta(days=366)
REPORT = obj({
    "id": INT, "category": STR, "name_vi": STR, "name_en": STR, "status": STR, "description": nullable(STR),
    "lon": nullable(NUM), "lat": nullable(NUM), "ward_code": nullable(STR),
    "photo_urls": {"type": "array", "items": STR}, "department": nullable(STR), "department_vi": nullable(STR),
    "department_en": nullable(STR), "submitted_at": TS, "updated_at": TS, "due_at": nullable(TS),
    "resolved_at": nullable(TS), "public_response": nullable(STR), "hamlet": nullable(STR), "overdue": BOOL})


def list_reports(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    now = datetime.now(UTC)
    end = args["to"] or now
    start = args["from"] or end - DEFAULT_SPAN
    if start >= end:
        raise ApiError(400, f"from ({start.isoformat()}) must be before to ({end.isoformat()})")
    if end - start > MAX_SPAN:
        raise ApiError(400, f"range too large: {(end - start).days} days > {MAX_SPAN.days}")
    status = args["status"]
    statuses = OPEN_STATUSES if status == "open" else () if status is None else (status,)
    where = listing.ReportFilter(start, end, statuses, args["category"], args["ward"],
                                  args["hamlet"])
    total, items = listing.page(pool, where, now, args["limit"], args["offset"])
    return {"total": total, "limit": args["limit"], "offset": args["offset"], "items": items}


def endpoints() -> tuple[Endpoint, ...]:
    return (
        Endpoint("/reports", "reports", "Field reports submitted in a range (default: the last 30 days; at most "
                 "366), newest first, as published: no contact, no address, the point snapped to ~50 m.",
                 list_reports, page_of(REPORT),
                 (Param("from", "datetime", "submitted from (ISO 8601; no offset: local time) [to − 30 days]"),
                  Param("to", "datetime", "submitted before, exclusive [now]"),
                  Param("status", "enum", "status; open = received, assigned or in progress",
                        enum=("open", *STATUSES)),
                  Param("category", "string", "category code or its group", pattern=r"[a-z0-9_]{1,40}"),
                  Param("ward", "string", "ward code", pattern=r"[0-9]{5}"),
                  Param("hamlet", "string", "hamlet (ấp / khu phố / tổ dân phố) name, exact; with ward for one "
                        "ward's", pattern=r"[^\x00-\x1f]{1,100}"),
                  Param("limit", "integer", "page size", minimum=1, maximum=1000, default=100),
                  Param("offset", "integer", "rows to skip", minimum=0, maximum=1_000_000, default=0)),
                 errors=(400, 403), tags=("reports",), permission=REPORTS_READ),
    )
