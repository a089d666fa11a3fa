"""KPI queries for the leaders' pages: each borrows a connection from the pool and calls pipelines.kpis, so the
pages show exactly what ``ioc kpis summary`` prints."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import rows
from layers.sources import load_wards
from pipelines.kpis import periods, source, summary_db
from pipelines.kpis.compute import Computed
from pipelines.kpis.decision766 import score_db
from pipelines.kpis.decision766.score import Score
from pipelines.kpis.periods import Period


def computed(pool: ConnectionPool, period: Period, now: datetime, tz: ZoneInfo) -> Computed:
    with pool.connection() as conn:
        return summary_db.computed(conn, period, now, tz)


def wards(pool: ConnectionPool) -> pd.DataFrame:
    """code, name, province of the current wards."""
    with pool.connection() as conn:
        return source.current_wards(conn)


def ward_shapes(pool: ConnectionPool, on_date: date) -> gpd.GeoDataFrame:
    with pool.connection() as conn:
        return load_wards(conn, on_date)


def dossiers_of(pool: ConnectionPool, period: Period, ward: str, procedure: str | None, now: datetime,
                tz: ZoneInfo) -> pd.DataFrame:
    """The dossiers behind a ward's numbers (received in ``period`` up to ``now``), of one procedure or all."""
    lo, hi = period.bounds(tz)
    with pool.connection() as conn:
        return source.overdue_dossiers(conn, lo, min(hi, now), ward, procedure)


def procedures(pool: ConnectionPool) -> pd.DataFrame:
    with pool.connection() as conn:
        return source.procedures(conn)


def indicator_values(pool: ConnectionPool) -> pd.DataFrame:
    with pool.connection() as conn:
        return source.indicator_values(conn)


def mapping(pool: ConnectionPool) -> pd.DataFrame:
    from layers.ward_mapping_db import load_mapping

    with pool.connection() as conn:
        return load_mapping(conn)


def years_with_data(pool: ConnectionPool, tz: ZoneInfo, now: datetime) -> list[int]:
    """Years that hold a dossier or a monthly sheet (local time), newest first; this year when there are none."""
    found = rows(pool, """
        SELECT DISTINCT extract(year FROM received_at AT TIME ZONE %(tz)s)::int AS y FROM kpi_dossiers
        UNION SELECT DISTINCT extract(year FROM month)::int FROM kpi_monthly_reports ORDER BY 1 DESC""",
                 {"tz": tz.key})
    years = [r["y"] for r in found if r["y"] <= now.astimezone(tz).year]
    return years or [now.astimezone(tz).year]


def period_choices(years: list[int], now: datetime, tz: ZoneInfo) -> list[Period]:
    """Each year, then its quarters and months that have begun, newest first."""
    today = now.astimezone(tz).date()
    out: list[Period] = []
    for y in years:
        out.append(periods.parse(str(y)))
        out += [p for q in range(4, 0, -1) if (p := periods.parse(f"{y}-Q{q}")).start <= today]
        out += [p for m in range(12, 0, -1) if (p := periods.parse(f"{y}-{m:02d}")).start <= today]
    return out


def score_766(pool: ConnectionPool, comp: Computed, scope: str | None) -> Score:
    """Decision 766's 100 points of ``scope`` for the computed period (figures and field reports read here)."""
    with pool.connection() as conn:
        return score_db.score(conn, comp, scope)
