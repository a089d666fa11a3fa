"""The 766 figures sheet in PostgreSQL (table ``kpi_766_figures``): import a file, load a period's figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import psycopg

from pipelines.kpis.decision766 import figures, table
from pipelines.kpis.reader import RowError
from pipelines.kpis.store import _upsert  # the KPI files' one COPY + upsert

COLUMNS = ["unit", "ward_code", "month", "indicator", "numerator", "denominator", "denominator_2"]
KEY = ["unit", "ward_code", "month", "indicator"]


@dataclass
class FiguresImport:
    total: int
    inserted: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def import_figures(conn: psycopg.Connection, path: Path, *, strict: bool = False) -> FiguresImport:
    """Read, check and upsert ``path``; bad rows (with line and field) are returned and the others stored
    (``strict``: nothing is stored when a row is bad). Re-importing updates the rows it repeats."""
    parsed = figures.read(path, table.default().figure_ids())
    result = FiguresImport(parsed.total, errors=list(parsed.errors))
    known = {r[0] for r in conn.execute("SELECT DISTINCT code FROM wards")}
    rows = []
    for r in parsed.rows:
        if r.ward_code not in known:
            result.errors.append(
                RowError(
                    r.line,
                    "ward_code",
                    f"{r.ward_code} is not a known ward (import the ward boundaries first: ioc wards import)",
                )
            )
        else:
            rows.append(r)
    result.errors.sort(key=lambda e: e.line)
    if strict and result.errors:
        return result
    shaped = [
        {
            "unit": r.unit,
            "ward_code": r.ward_code,
            "month": r.month,
            "indicator": r.indicator,
            "numerator": r.numerator,
            "denominator": r.denominator,
            "denominator_2": r.denominator_2,
            "source": path.name,
        }
        for r in rows
    ]
    with conn.transaction():
        new = _upsert(conn, "kpi_766_figures", [*COLUMNS, "source"], KEY, shaped)
    result.inserted, result.updated = new, len(shaped) - new
    return result


def load(conn: psycopg.Connection, start: date, end: date) -> pd.DataFrame:
    """The figures of the months [start, end), one row each (counts as floats)."""
    rows = conn.execute(
        """SELECT unit, ward_code, month, indicator, numerator::float8, denominator::float8,
                                  denominator_2::float8
                           FROM kpi_766_figures WHERE month >= %s AND month < %s
                           ORDER BY indicator, ward_code, month, unit""",
        [start, end],
    ).fetchall()
    return pd.DataFrame(rows, columns=COLUMNS)
