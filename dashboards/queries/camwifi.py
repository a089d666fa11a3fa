"""Cameras and public wifi as the city's plans count them (issue 19): cameras by ownership, type and state; wifi
access sessions per point and period, by local day and by local hour.

Ownership and camera type are registry attributes (``devices.attrs``: ``ownership`` budget | socialized |
citizen_shared, ``camera_type`` fixed | ptz). A wifi *point* is a hotspot (``attrs.hotspot``) with its access points;
it is seasonal when ``attrs.season_months`` lists the months it runs (Tết, holidays) or its place is "seasonal".
Sessions are the contract's ``new_sessions`` counter, summed from the rollups: ``rollup_1d`` buckets start at local
midnight, and hours are grouped by their local clock hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from psycopg import sql
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, ward_codes

OWNERSHIPS = ("budget", "socialized", "citizen_shared")
CAMERA_COLUMNS = ("ownership", "camera_type", "state", "n")
POINT_COLUMNS = ("point", "name", "seasonal", "season_months", "aps", "aps_online", "today", "week", "year")


def camera_classes(pool: ConnectionPool, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """ownership, camera_type, state, n: every camera in the wards (None: everywhere). A camera without the
    attributes (published before anyone registered it) counts as ownership "unknown", type "fixed"."""
    return frame(pool, """
        SELECT coalesce(attrs->>'ownership', 'unknown') AS ownership,
               coalesce(attrs->>'camera_type', 'fixed') AS camera_type, state, count(*)::int AS n
        FROM device_state
        WHERE kind = 'camera' AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""", {"wards": ward_codes(wards)}, CAMERA_COLUMNS)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tz)


@dataclass(frozen=True)
class Periods:
    """The starts (local midnights) of today, the last 7 days (today included) and the year to date."""

    today: datetime
    week: datetime
    year: datetime

    @classmethod
    def at(cls, now: datetime, tz: ZoneInfo) -> Periods:
        day = now.astimezone(tz).date()
        return cls(local_midnight(day, tz), local_midnight(day - timedelta(days=6), tz),
                   local_midnight(day.replace(month=1, day=1), tz))




def _seasonal(attrs: str) -> sql.Composable:
    """Whether a wifi access point's point is seasonal, from its registry attributes column ``attrs``."""
    col = sql.Identifier(*attrs.split("."))
    return sql.SQL("({a}->>'place' = 'seasonal' OR jsonb_array_length(coalesce({a}->'season_months', '[]')) > 0)"
                   ).format(a=col)


def wifi_points(pool: ConnectionPool, now: datetime, tz: ZoneInfo, wards: Sequence[str] | None = None,
                year_to_date: bool = True) -> pd.DataFrame:
    """One row per wifi point (hotspot; an access point without one is its own point): its name, seasonal or
    fixed, its season's months, access points and how many are online, and access sessions today, over the last
    7 days and since 1 January (local days). Busiest first by the last 7 days. ``year_to_date=False`` (the wall,
    every 5 s) reads only the last 7 days and leaves ``year`` at 0."""
    p = Periods.at(now, tz)
    # early in January the last 7 days begin last year: read from whichever starts first
    scan = min(p.year, p.week) if year_to_date else p.week
    return frame(pool, sql.SQL("""
        WITH ap AS (
            SELECT device_id, coalesce(attrs->>'hotspot', device_id) AS point,
                   coalesce(attrs->>'hotspot_name', name, device_id) AS name, {seasonal} AS seasonal,
                   attrs->'season_months' AS season_months, state
            FROM device_state
            WHERE kind = 'wifi' AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))),
        s AS (
            SELECT r.device_id,
                   sum(r.sum) FILTER (WHERE r.bucket >= %(today)s) AS today,
                   sum(r.sum) FILTER (WHERE r.bucket >= %(week)s) AS week,
                   sum(r.sum) FILTER (WHERE r.bucket >= %(year)s AND %(ytd)s) AS year
            FROM rollup_1d r JOIN ap USING (device_id)
            WHERE r.metric = 'new_sessions' AND r.bucket >= %(scan)s AND r.bucket <= %(now)s
            GROUP BY r.device_id)
        SELECT ap.point, min(ap.name) AS name, bool_or(ap.seasonal) AS seasonal,
               (array_agg(ap.season_months) FILTER (WHERE ap.season_months IS NOT NULL))[1] AS season_months,
               count(*)::int AS aps, (count(*) FILTER (WHERE ap.state = 'online'))::int AS aps_online,
               coalesce(sum(s.today), 0)::bigint AS today, coalesce(sum(s.week), 0)::bigint AS week,
               coalesce(sum(s.year), 0)::bigint AS year
        FROM ap LEFT JOIN s USING (device_id)
        GROUP BY ap.point ORDER BY week DESC, point""").format(seasonal=_seasonal("attrs")),
                 {"wards": ward_codes(wards), "today": p.today, "week": p.week, "year": p.year, "now": now,
                  "scan": scan, "ytd": year_to_date},
                 POINT_COLUMNS)


def sessions_by_day(pool: ConnectionPool, start: datetime, end: datetime,
                    wards: Sequence[str] | None = None) -> pd.DataFrame:
    """day (the local midnight starting it), seasonal, sessions: access sessions per local day in [start, end), fixed
    and seasonal points apart."""
    return frame(pool, sql.SQL("""
        SELECT r.bucket AS day, {seasonal} AS seasonal, sum(r.sum)::bigint AS sessions
        FROM rollup_1d r JOIN devices d USING (device_id)
        WHERE d.kind = 'wifi' AND r.metric = 'new_sessions' AND r.bucket >= %(start)s AND r.bucket < %(end)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        GROUP BY 1, 2 ORDER BY 1, 2""").format(seasonal=_seasonal("d.attrs")),
                 {"start": start, "end": end, "wards": ward_codes(wards)}, ("day", "seasonal", "sessions"))


def sessions_by_hour(pool: ConnectionPool, start: datetime, end: datetime, tz: ZoneInfo,
                     wards: Sequence[str] | None = None) -> pd.DataFrame:
    """hour (0-23, local clock), sessions, days: access sessions started in each local hour over [start, end), and on
    how many local days that hour had data (the mean per day is sessions / days)."""
    # hours summed over the devices first (one row per hour bucket), then grouped by local clock hour: each bucket
    # is one day's hour, so the buckets of an hour count its days
    return frame(pool, """
        WITH h AS (
            SELECT r.bucket, sum(r.sum) AS sessions
            FROM rollup_1h r JOIN devices d USING (device_id)
            WHERE d.kind = 'wifi' AND r.metric = 'new_sessions' AND r.bucket >= %(start)s AND r.bucket < %(end)s
              AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
            GROUP BY r.bucket)
        SELECT extract(hour FROM bucket AT TIME ZONE %(tz)s)::int AS hour, sum(sessions)::bigint AS sessions,
               count(*)::int AS days
        FROM h GROUP BY 1 ORDER BY 1""", {"start": start, "end": end, "tz": str(tz), "wards": ward_codes(wards)},
                 ("hour", "sessions", "days"))
