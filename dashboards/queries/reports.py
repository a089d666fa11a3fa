"""Field reports for screens: the map layer, the tiles, the queue, one report and its timeline.

None of these selects the reporter's contact (personal data lives in ``report_contacts``, read only by
``pipelines.reports.contacts`` with an access log), so every result here may go to a wall screen or the public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from psycopg import sql
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, like_pattern, one, rows, ward_codes
from pipelines.public.hamlets import natural_order

OPEN = ("received", "assigned", "in_progress")
# Open while due before now (or before the pause began: a paused clock is stopped).
OVERDUE = sql.SQL("(r.status IN ('received', 'assigned', 'in_progress') "
                  "AND r.due_at < coalesce(r.paused_since, %(now)s::timestamptz, now()))")
LAYER_STATUS = {"received": "open", "assigned": "open", "in_progress": "in_progress"}
MAP_COLUMNS = ("report_id", "status", "workflow_status", "overdue", "paused", "category", "ward_code",
               "submitted_at", "due_at", "verdict")
QUEUE_COLUMNS = ("id", "submitted_at", "category", "name_vi", "name_en", "ward_code", "ward_name", "status",
                 "paused", "department", "due_at", "overdue", "verdict", "source", "address", "summary", "hamlet")


def open_reports(pool: ConnectionPool, ward_code: str | None = None,
                 now: datetime | None = None) -> gpd.GeoDataFrame:
    """Open reports with a point, ready for ``layers.build.report_layer``: ``status`` is the layer's word (open,
    in_progress), ``workflow_status`` ours. No contact, no free text."""
    found = frame(pool, sql.SQL("""
        SELECT r.id AS report_id, r.status AS workflow_status, {overdue} AS overdue,
               r.paused_since IS NOT NULL AS paused, r.category, r.ward_code, r.submitted_at, r.due_at, e.verdict,
               ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat
        FROM reports r LEFT JOIN report_evidence e ON e.report_id = r.id
        WHERE r.status IN ('received', 'assigned', 'in_progress') AND r.geom IS NOT NULL
          AND (%(ward)s::text IS NULL OR r.ward_code = %(ward)s)
        ORDER BY r.id""").format(overdue=OVERDUE), {"ward": ward_code, "now": now},
                  (*MAP_COLUMNS, "lon", "lat"))
    found["status"] = found["workflow_status"].map(LAYER_STATUS)
    points = gpd.points_from_xy(found["lon"].astype(float), found["lat"].astype(float))
    return gpd.GeoDataFrame(found[list(MAP_COLUMNS)], geometry=points, crs="EPSG:4326")


@dataclass(frozen=True)
class ReportTiles:
    received_today: int
    open: int
    overdue: int
    paused: int
    finished_month: int
    on_time_rate: float | None       # share of this month's resolved or rejected reports finished by their due time
    median_hours: float | None       # median submitted → resolved of this month's resolved reports (calendar hours)
    by_ward: pd.DataFrame            # ward_code, ward_name, n, median_hours
    by_category: pd.DataFrame        # category, name_vi, name_en, n, median_hours


def _local_starts(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    today = now.astimezone(tz).date()
    return datetime.combine(today, time(), tz), datetime.combine(today.replace(day=1), time(), tz)


def report_tiles(pool: ConnectionPool, now: datetime, tz: ZoneInfo) -> ReportTiles:
    """Counts for the tiles: received today, open, overdue, on-time rate and median handling time this month."""
    today, month = _local_starts(now, tz)
    params = {"now": now, "today": today, "month": month}
    counts = one(pool, sql.SQL("""
        SELECT count(*) FILTER (WHERE r.submitted_at >= %(today)s AND r.submitted_at <= %(now)s) AS received_today,
               count(*) FILTER (WHERE r.status IN ('received', 'assigned', 'in_progress')) AS open,
               count(*) FILTER (WHERE {overdue}) AS overdue,
               count(*) FILTER (WHERE r.paused_since IS NOT NULL) AS paused,
               count(*) FILTER (WHERE r.resolved_at >= %(month)s) AS finished,
               count(*) FILTER (WHERE r.resolved_at >= %(month)s AND r.resolved_at <= r.due_at) AS on_time,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.resolved_at - r.submitted_at))
                   FILTER (WHERE r.resolved_at >= %(month)s AND r.outcome = 'resolved') / 3600 AS median_hours
        FROM reports r""").format(overdue=OVERDUE), params) or {}
    finished = int(counts.get("finished") or 0)
    return ReportTiles(int(counts.get("received_today") or 0), int(counts.get("open") or 0),
                       int(counts.get("overdue") or 0), int(counts.get("paused") or 0), finished,
                       (int(counts["on_time"]) / finished) if finished else None, counts.get("median_hours"),
                       _medians(pool, "ward", month), _medians(pool, "category", month))


def open_counts(pool: ConnectionPool, now: datetime, wards: list[str]) -> tuple[int, int, int]:
    """Open, overdue and paused reports filed under ``wards`` (with or without a point on the map)."""
    found = one(pool, sql.SQL("""
        SELECT count(*) AS open, count(*) FILTER (WHERE {overdue}) AS overdue,
               count(*) FILTER (WHERE r.paused_since IS NOT NULL) AS paused
        FROM reports r
        WHERE r.status IN ('received', 'assigned', 'in_progress') AND r.ward_code = ANY(%(wards)s)""").format(
        overdue=OVERDUE), {"now": now, "wards": ward_codes(wards)}) or {}
    return int(found.get("open") or 0), int(found.get("overdue") or 0), int(found.get("paused") or 0)


def _medians(pool: ConnectionPool, by: str, month: datetime) -> pd.DataFrame:
    key, extra, join, cols = (
        ("r.ward_code", "coalesce(w.name, r.ward_code, '—') AS ward_name",
         "LEFT JOIN wards w ON w.code = r.ward_code AND w.valid_to IS NULL", ("ward_code", "ward_name"))
        if by == "ward" else
        ("r.category", "c.name_vi, c.name_en", "JOIN report_categories c ON c.code = r.category",
         ("category", "name_vi", "name_en")))
    query = sql.SQL("""
        SELECT {key}, {extra}, count(*)::int AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.resolved_at - r.submitted_at))
                   / 3600 AS median_hours
        FROM reports r {join}
        WHERE r.resolved_at >= %(month)s AND r.outcome = 'resolved'
        GROUP BY 1, {groups} ORDER BY median_hours DESC, 1""").format(
        key=sql.SQL(key), extra=sql.SQL(extra), join=sql.SQL(join),   # fixed fragments chosen above, never input
        groups=sql.SQL(", ").join(sql.Literal(i) for i in range(2, len(cols) + 1)))
    return frame(pool, query, {"month": month}, (*cols, "n", "median_hours"))


@dataclass(frozen=True)
class QueueFilter:
    ward: str | None = None
    category: str | None = None       # a parent includes its children
    status: str | None = None         # a status, or "open" for any open one
    overdue_only: bool = False
    search: str = ""
    hamlet: tuple[str, str] | None = None   # (ward code, hamlet name): names repeat across wards

    def params(self, now: datetime) -> dict[str, Any]:
        text = self.search.strip()
        number = text.removeprefix("#")
        status = None if self.status in (None, "", "open") else self.status
        return {"ward": self.ward or None, "cat": self.category or None, "status": status,
                "open": self.status == "open", "overdue_only": self.overdue_only, "q": text or None,
                "pat": like_pattern(text), "now": now, "id": int(number) if number.isdigit() else None,
                "hamlet_ward": self.hamlet[0] if self.hamlet else None,
                "hamlet": self.hamlet[1] if self.hamlet else None}


_QUEUE_WHERE = sql.SQL("""
    (%(ward)s::text IS NULL OR r.ward_code = %(ward)s)
    AND (%(cat)s::text IS NULL OR r.category = %(cat)s OR c.parent = %(cat)s)
    AND (%(status)s::text IS NULL OR r.status = %(status)s)
    AND (%(hamlet)s::text IS NULL OR (r.ward_code = %(hamlet_ward)s AND r.hamlet = %(hamlet)s))
    AND (NOT %(open)s OR r.status IN ('received', 'assigned', 'in_progress'))
    AND (NOT %(overdue_only)s OR {overdue})
    AND (%(q)s::text IS NULL
         OR (%(id)s::bigint IS NOT NULL AND (r.id = %(id)s OR r.external_id = %(q)s))
         OR (%(id)s::bigint IS NULL AND (r.description ILIKE %(pat)s OR r.address ILIKE %(pat)s
                                         OR r.external_id ILIKE %(pat)s)))""").format(overdue=OVERDUE)


def queue(pool: ConnectionPool, where: QueueFilter, now: datetime, offset: int = 0,
          limit: int = 15) -> tuple[int, pd.DataFrame]:
    """One page of the queue: corroborated reports first, then overdue, then by due time."""
    params = where.params(now) | {"offset": max(0, offset), "limit": max(1, min(limit, 200))}
    base = sql.SQL("FROM reports r JOIN report_categories c ON c.code = r.category "
                   "LEFT JOIN report_evidence e ON e.report_id = r.id WHERE {}").format(_QUEUE_WHERE)
    total = one(pool, sql.SQL("SELECT count(*)::int AS n ") + base, params)
    page = frame(pool, sql.SQL("""
        SELECT r.id, r.submitted_at, r.category, c.name_vi, c.name_en, r.ward_code,
               (SELECT w.name FROM wards w WHERE w.code = r.ward_code ORDER BY w.valid_from DESC LIMIT 1) AS ward_name,
               r.status, r.paused_since IS NOT NULL AS paused, r.department, r.due_at, {overdue} AS overdue,
               e.verdict, r.source, r.address, left(r.description, 90) AS summary, r.hamlet
        {base}
        ORDER BY CASE e.verdict WHEN 'corroborated' THEN 0 WHEN 'not_corroborated' THEN 2 ELSE 1 END,
                 {overdue} DESC, r.status IN ('received', 'assigned', 'in_progress') DESC, r.due_at, r.id
        OFFSET %(offset)s LIMIT %(limit)s""").format(overdue=OVERDUE, base=base), params, QUEUE_COLUMNS)
    return (int(total["n"]) if total else 0), page


def detail(pool: ConnectionPool, report_id: int, now: datetime) -> dict[str, Any] | None:
    """One report's public and handling fields (never the contact), with its category, ward and evidence."""
    return one(pool, sql.SQL("""
        SELECT r.id, r.source, r.external_id, r.category, c.name_vi, c.name_en, r.description, r.address,
               ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat, r.ward_code,
               (SELECT w.name FROM wards w WHERE w.code = r.ward_code ORDER BY w.valid_from DESC LIMIT 1) AS ward_name,
               r.photo_urls, r.status, r.paused_since, r.escalated_at, r.department, d.name_vi AS department_vi,
               d.name_en AS department_en, r.submitted_at, r.sla_days, r.extension_days, r.due_at, r.resolved_at,
               r.outcome, r.closed_at, r.public_response, r.updated_at, {overdue} AS overdue, r.hamlet,
               e.verdict, e.summary AS evidence, e.computed_at AS evidence_at
        FROM reports r JOIN report_categories c ON c.code = r.category
        LEFT JOIN report_departments d ON d.code = r.department
        LEFT JOIN report_evidence e ON e.report_id = r.id
        WHERE r.id = %(id)s""").format(overdue=OVERDUE), {"id": report_id, "now": now})


def history(pool: ConnectionPool, report_id: int) -> pd.DataFrame:
    return frame(pool, """SELECT at, actor, action, from_status, to_status, note, detail FROM report_history
                          WHERE report_id = %s ORDER BY at, id""", [report_id],
                 ("at", "actor", "action", "from_status", "to_status", "note", "detail"))


def choices(pool: ConnectionPool) -> dict[str, list[dict[str, Any]]]:
    """Categories, departments and current wards for the filters and the actions."""
    return {
        "categories": rows(pool, "SELECT code, parent, name_vi, name_en FROM report_categories ORDER BY sort_order"),
        "departments": rows(pool, "SELECT code, name_vi, name_en FROM report_departments ORDER BY name_vi"),
        "wards": rows(pool, "SELECT code, name FROM wards WHERE valid_to IS NULL ORDER BY name"),
    }


HAMLETS_FEW = 30   # without a chosen ward, the hamlet filter lists every hamlet only up to this many


def hamlet_choices(pool: ConnectionPool, ward: str | None) -> list[dict[str, Any]]:
    """(ward_code, ward_name, name) of the hamlets of ``ward``, or of every ward when they are few (a long list of
    "Khu phố 1" of twenty wards helps nobody: choose the ward first). Natural order within a ward."""
    found = rows(pool, """
        SELECT h.ward_code, coalesce(w.name, h.ward_code) AS ward_name, h.name FROM hamlets h
        LEFT JOIN wards w ON w.code = h.ward_code AND w.valid_to IS NULL
        WHERE %(ward)s::text IS NULL OR h.ward_code = %(ward)s LIMIT %(cap)s""",
                 {"ward": ward or None, "cap": HAMLETS_FEW + 1})
    if not ward and len(found) > HAMLETS_FEW:
        return []
    return sorted(found, key=lambda h: (h["ward_name"], natural_order(h["name"])))


def nearby_devices(pool: ConnectionPool, report_id: int, radius_m: float) -> gpd.GeoDataFrame:
    """Placed devices within ``radius_m`` of a report, with their state, for the detail's inset map."""
    found = frame(pool, """
        SELECT s.device_id, s.kind, s.state, ST_X(s.location) AS lon, ST_Y(s.location) AS lat,
               ST_Distance(s.location::geography, r.geom::geography) AS distance_m
        FROM reports r JOIN device_state s
          ON s.location IS NOT NULL AND ST_DWithin(s.location::geography, r.geom::geography, %(r)s)
        WHERE r.id = %(id)s ORDER BY distance_m""", {"id": report_id, "r": radius_m},
                  ("device_id", "kind", "state", "lon", "lat", "distance_m"))
    points = gpd.points_from_xy(found["lon"].astype(float), found["lat"].astype(float))
    return gpd.GeoDataFrame(found.drop(columns=["lon", "lat"]), geometry=points, crs="EPSG:4326")
