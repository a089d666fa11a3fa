"""Reading what the KPI formulas need from PostgreSQL, for one period (plus the history its forecast uses).

The connection is passed in (the CLI opens one; the dashboard borrows one from its pool). Nothing is computed
here: :mod:`pipelines.kpis.compute` and :mod:`pipelines.kpis.summary` do that on the frames returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, LiteralString
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from psycopg import sql

from layers.ward_mapping_db import load_mapping
from pipelines.kpis import periods, targets
from pipelines.kpis.compute import KpiInputs, window
from pipelines.kpis.formulas import DOSSIER_COLUMNS
from pipelines.kpis.indicators import COUNTS
from pipelines.kpis.periods import Period

_DOSSIERS = ["dossier_id", "procedure_code", "unit", "ward_code", "old_city", "old_ward", *DOSSIER_COLUMNS, "status"]
_DOSSIER_SQL: LiteralString = """
    SELECT dossier_id, procedure_code, unit, ward_code, old_city, old_ward, received_at, channel, end_to_end,
           fee_bearing, fee_amount::float8, paid_online, input_digitized, output_digitized, paper_result, e_result,
           due_at, resolved_at, supplement_requests, supplement_wait_days, reused_data, rated_unsatisfied, complaint,
           status
    FROM kpi_dossiers WHERE received_at >= %s AND received_at < %s"""

# the dossiers of a ward: its own, and those of every old ward that (partly) merged into it
_OF_WARD = sql.SQL("""
    AND (%s::text IS NULL OR procedure_code = %s)
    AND (ward_code = %s OR (ward_code IS NULL AND (old_city, old_ward) IN (
         SELECT old_city, old_ward FROM ward_mapping_share WHERE new_ward_code = %s AND share > 0)))
    ORDER BY received_at""")


def frame(conn: psycopg.Connection, query: LiteralString | sql.Composed, params: Sequence[Any] | dict[str, Any],
          columns: Sequence[str]) -> pd.DataFrame:
    rows = conn.execute(query, params).fetchall()
    return pd.DataFrame(rows, columns=list(columns))


def load(conn: psycopg.Connection, period: Period, now: datetime, tz: ZoneInfo) -> KpiInputs:
    start, end = window(period, now, tz)
    lo, hi = periods.local_midnight(start, tz), min(periods.local_midnight(end, tz), now)
    return KpiInputs(dossiers=dossiers(conn, lo, hi), reports=reports(conn, start, end, now.astimezone(tz).date()),
                     indicators=indicator_values(conn), procedures=procedures(conn), mapping=load_mapping(conn),
                     wards=current_wards(conn), targets=tuple(load_targets(conn)))


def dossiers(conn: psycopg.Connection, lo: datetime, hi: datetime) -> pd.DataFrame:
    out = frame(conn, _DOSSIER_SQL, [lo, hi], _DOSSIERS)
    out["received_at"] = pd.to_datetime(out["received_at"], utc=True)
    for col in ("due_at", "resolved_at"):
        out[col] = pd.to_datetime(out[col], utc=True)
    return out


def reports(conn: psycopg.Connection, start: date, end: date, today: date) -> pd.DataFrame:
    """Monthly sheets of the months [start, end) that have begun by ``today``, one column per count."""
    rows = conn.execute("""SELECT unit, ward_code, old_city, old_ward, month, counts FROM kpi_monthly_reports
                           WHERE month >= %s AND month < %s AND month <= %s""", [start, end, today]).fetchall()
    base = pd.DataFrame([r[:5] for r in rows], columns=["unit", "ward_code", "old_city", "old_ward", "month"])
    counts = pd.DataFrame([r[5] for r in rows], columns=list(COUNTS)).astype(float)
    return pd.concat([base, counts], axis=1)


def indicator_values(conn: psycopg.Connection) -> pd.DataFrame:
    return frame(conn, "SELECT indicator, unit, scope, period, period_start, period_end, value "
                       "FROM kpi_indicator_values ORDER BY indicator, scope, period_start", [],
                 ["indicator", "unit", "scope", "period", "period_start", "period_end", "value"])


def procedures(conn: psycopg.Connection) -> pd.DataFrame:
    return frame(conn, "SELECT code, name, field, level, online_service, fee_bearing, paper_result "
                       "FROM kpi_procedures ORDER BY code", [],
                 ["code", "name", "field", "level", "online_service", "fee_bearing", "paper_result"])


def current_wards(conn: psycopg.Connection) -> pd.DataFrame:
    return frame(conn, "SELECT code, name, province FROM wards WHERE valid_to IS NULL ORDER BY name, code", [],
                 ["code", "name", "province"])


def load_targets(conn: psycopg.Connection) -> list[targets.Target]:
    from pipelines.kpis.socio import shipped_targets

    stored = [targets.Target(i, y, op, v, scope, src or "", unit) for i, y, scope, op, v, src, unit in conn.execute(
        "SELECT indicator, year, scope, op, value, source, unit FROM kpi_targets ORDER BY indicator, year, scope")]
    return targets.merged(stored, (*targets.DEFAULTS, *shipped_targets()))


def save_target(conn: psycopg.Connection, target: targets.Target) -> None:
    conn.execute("""INSERT INTO kpi_targets (indicator, year, scope, op, value, source, unit)
                    VALUES (%s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (indicator, year, scope) DO UPDATE SET op = EXCLUDED.op, value = EXCLUDED.value,
                    source = EXCLUDED.source, unit = EXCLUDED.unit, updated_at = now()""",
                 [target.indicator, target.year, target.scope, target.op, target.value, target.source, target.unit])


def overdue_dossiers(conn: psycopg.Connection, lo: datetime, hi: datetime, ward: str,
                     procedure: str | None) -> pd.DataFrame:
    """Dossiers received in [lo, hi) at ward ``ward`` (directly, or at an old ward that maps to it) of
    ``procedure`` (None: any): the rows behind a drill-down; the caller judges which are overdue."""
    out = frame(conn, sql.SQL(_DOSSIER_SQL) + _OF_WARD, [lo, hi, procedure, procedure, ward, ward], _DOSSIERS)
    for col in ("received_at", "due_at", "resolved_at"):
        out[col] = pd.to_datetime(out[col], utc=True)
    return out
