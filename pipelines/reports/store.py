"""The reports' database edge for intake: reference data (categories, departments, SLA, calendar) and inserts.

A report is inserted once per (source, external id): a re-import skips what exists. The ward is assigned by the
database from the point and the local submission date (``ioc_ward_at``); the due time by the pure SLA clock.
Whether the description is public is the reporter's answer, or when they were not asked the channel's default
(``report_channel_defaults``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from pipelines.reports import sla, workdays
from pipelines.reports.categories import Category, Matcher
from pipelines.reports.model import ReportIn


@dataclass(frozen=True)
class Reference:
    matcher: Matcher
    departments: frozenset[str]
    sla_days: dict[str, float]
    public_by_default: dict[str, bool] = field(default_factory=dict)   # channel -> description public

    def description_public(self, item: ReportIn) -> bool:
        if item.description_public is not None:
            return item.description_public
        return self.public_by_default.get(item.source, False)


@dataclass(frozen=True)
class Inserted:
    ids: list[int]
    duplicates: int


def reference(conn: psycopg.Connection) -> Reference:
    cats = [Category(*r) for r in conn.execute(
        "SELECT code, name_vi, name_en, parent, department FROM report_categories ORDER BY sort_order")]
    depts = frozenset(r[0] for r in conn.execute("SELECT code FROM report_departments"))
    budget = {c: float(d) for c, d in conn.execute("SELECT category, working_days FROM report_sla")}
    public: dict[str, bool] = dict(conn.execute("SELECT source, description_public FROM report_channel_defaults")
                                   .fetchall())
    return Reference(Matcher(cats), depts, budget, public)


def calendar(conn: psycopg.Connection, years: range) -> workdays.Calendar:
    """The national calendar for ``years`` with the ward's own days (``report_calendar_days``) applied."""
    found = conn.execute("SELECT day, working FROM report_calendar_days WHERE extract(year FROM day) BETWEEN %s AND %s",
                         [years.start, years.stop - 1]).fetchall()
    overrides: dict[date, bool] = {day: working for day, working in found}
    return workdays.vietnam(years, overrides)


_INSERT = """
    INSERT INTO reports (source, external_id, category, description, address, geom, ward_code, photo_urls,
                         department, submitted_at, sla_days, due_at, updated_at, description_public, consent_keep,
                         last_activity_at, hamlet)
    SELECT %(source)s, %(external_id)s, %(category)s, %(description)s, %(address)s, p.geom,
           ioc_ward_at(p.geom, (%(submitted_at)s::timestamptz AT TIME ZONE %(tz)s)::date), %(photos)s,
           %(department)s, %(submitted_at)s, %(sla_days)s, %(due_at)s, %(now)s, %(public)s, %(keep)s, %(now)s,
           %(hamlet)s
    FROM (SELECT CASE WHEN %(lon)s::float8 IS NULL THEN NULL
                      ELSE ST_SetSRID(ST_MakePoint(%(lon)s::float8, %(lat)s::float8), 4326) END AS geom) p
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id"""


def insert_reports(conn: psycopg.Connection, items: Sequence[ReportIn], ref: Reference, actor: str,
                   tz: ZoneInfo, now: datetime) -> Inserted:
    """Insert new reports with their contact and a ``receive`` history row, in one transaction."""
    if not items:
        return Inserted([], 0)
    cal = calendar(conn, workdays.years_around(*(i.submitted_at.astimezone(tz).date() for i in items)))
    ids: list[int] = []
    with conn.transaction(), conn.cursor() as cur:
        for item in items:
            budget = ref.sla_days.get(item.category, 10.0)
            cur.execute(_INSERT, {
                "source": item.source, "external_id": item.external_id, "category": item.category,
                "description": item.description, "address": item.address, "lon": item.lon, "lat": item.lat,
                "tz": tz.key, "photos": list(item.photo_urls), "now": now, "sla_days": budget,
                "department": item.department or _default_department(ref, item.category),
                "submitted_at": item.submitted_at, "due_at": sla.due_at(item.submitted_at, budget, cal, tz),
                "public": ref.description_public(item), "keep": item.consent_keep,
                "hamlet": item.hamlet})
            row = cur.fetchone()
            if row is None:
                continue
            ids.append(row[0])
            _after_insert(cur, row[0], item, actor, now)
    return Inserted(ids, len(items) - len(ids))


def _default_department(ref: Reference, category: str) -> str | None:
    found = ref.matcher.categories.get(category)
    return found.department if found else None


def _after_insert(cur: psycopg.Cursor, report_id: int, item: ReportIn, actor: str, now: datetime) -> None:
    if item.contact is not None and not item.contact.empty():
        cur.execute("INSERT INTO report_contacts (report_id, name, phone, email) VALUES (%s, %s, %s, %s)",
                    [report_id, item.contact.name, item.contact.phone, item.contact.email])
    cur.execute("""INSERT INTO report_history (report_id, at, actor, action, from_status, to_status, detail)
                   VALUES (%s, %s, %s, 'receive', NULL, 'received', %s)""",
                [report_id, now, actor, Jsonb({"source": item.source, "external_id": item.external_id})])
