"""Writing parsed KPI files to PostgreSQL: one upsert per kind, so a re-import updates and never duplicates.

Rows go through ``COPY`` into a temporary table and one ``INSERT … ON CONFLICT DO UPDATE``; ``xmax = 0`` in the
``RETURNING`` tells new rows from updated ones. Checks that need the database (does the ward exist, is the
procedure in the catalogue) add bad rows here, with their line, before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from layers.ward_mapping import norm
from pipelines.kpis import catalogue_fill, socio_import
from pipelines.kpis.indicators import COUNTS
from pipelines.kpis.reader import Parsed, RowError

BATCH = 5000
# Decree 43 level -> Decree 42 term: common practice, not law (spec "Terms")
LEVEL_TO_SERVICE = {4: "full", 3: "partial", 2: "none"}


@dataclass
class ImportResult:
    kind: str
    total: int
    inserted: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what was matched and ignored, rows skipped, catalogue added


def write(conn: psycopg.Connection, parsed: Parsed, source: str, *, strict: bool = False,
          progress: Callable[[int], None] | None = None) -> ImportResult:
    """Check and store the good rows of ``parsed``; the bad ones are returned, sorted by line.
    ``strict``: store nothing when any row is bad."""
    result = ImportResult(parsed.kind.name, parsed.total, errors=list(parsed.errors), notes=list(parsed.notes))
    rows, procedures = _checked(conn, parsed, result, source)
    table, columns, conflict = _TARGETS[parsed.kind.name]
    shaped = _unique([(r["line"], _SHAPE[parsed.kind.name](r, source)) for r in rows], conflict, result)
    result.errors.sort(key=lambda e: e.line)
    if strict and result.errors:
        return result
    with conn.transaction():
        _add_procedures(conn, procedures)
        for start in range(0, len(shaped), BATCH):
            batch = shaped[start:start + BATCH]
            new = _upsert(conn, table, columns, conflict, batch)
            result.inserted += new
            result.updated += len(batch) - new
            if progress:
                progress(len(batch))
    return result


def _checked(conn: psycopg.Connection, parsed: Parsed, result: ImportResult, source: str
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows to store, and the catalogue entries the dossier rows add (catalogue_fill)."""
    rows = parsed.rows
    if parsed.kind.name in ("dossiers", "monthly"):
        known = {r[0] for r in conn.execute("SELECT DISTINCT code FROM wards")}
        bad = [r for r in rows if r.get("ward_code") and r["ward_code"] not in known]
        result.errors += [RowError(r["line"], "ward_code", f"{r['ward_code']} is not a known ward (import the ward "
                                   "boundaries first: ioc wards import)") for r in bad]
        rejected = {id(r) for r in bad}
        rows = [r for r in rows if id(r) not in rejected]
        _note_unmapped(conn, rows, result)
    if parsed.kind.name == "dossiers":
        return catalogue_fill.fill(conn, rows, result, source)
    if parsed.kind.name == "indicators":
        rows = socio_import.checked(rows, result.errors)
    return rows, []


def _unique(rows: list[tuple[int, dict[str, Any]]], keys: list[str], result: ImportResult) -> list[dict[str, Any]]:
    """The first row of each key; a later row with the same key is a bad row (one upsert cannot take both)."""
    first: dict[tuple[Any, ...], int] = {}
    kept = []
    for line, row in rows:
        key = tuple(row[k] for k in keys)
        if key in first:
            result.errors.append(RowError(line, keys[0], f"repeats line {first[key]} ({', '.join(map(str, key))})"))
            continue
        first[key] = line
        kept.append(row)
    return kept


def _add_procedures(conn: psycopg.Connection, entries: list[dict[str, Any]]) -> None:
    """Catalogue entries from dossier rows: only codes the catalogue lacks (a loaded catalogue is never changed)."""
    if not entries:
        return
    columns = _TARGETS["procedures"][1]
    with conn.cursor() as cur:
        cur.executemany(sql.SQL("INSERT INTO kpi_procedures ({}) VALUES ({}) ON CONFLICT (code) DO NOTHING").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join([sql.Placeholder()] * len(columns))),
            [[e[c] for c in columns] for e in entries])


def _note_unmapped(conn: psycopg.Connection, rows: list[dict[str, Any]], result: ImportResult) -> None:
    old = {(norm(r["old_city"]), norm(r["old_ward"])) for r in rows if r.get("old_ward")}
    if not old:
        return
    mapped = set(conn.execute("SELECT old_city, old_ward FROM ward_mapping").fetchall())
    unknown = sorted(old - mapped)
    if unknown:
        shown = "; ".join(f"{c} / {w}" for c, w in unknown[:5])
        result.notes.append(f"{len(unknown)} old ward(s) not in the ward mapping (kept as unmapped, counted in "
                            f"the all-wards total only): {shown}")


def _upsert(conn: psycopg.Connection, table: str, columns: list[str], conflict: list[str],
            rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    temp = sql.Identifier(f"_kpi_{table}")
    with conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP")
                    .format(temp, sql.Identifier(table)))
        cur.execute(sql.SQL("TRUNCATE {}").format(temp))
        cols = sql.SQL(", ").join(map(sql.Identifier, columns))
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(temp, cols)) as copy:
            for r in rows:
                copy.write_row([r[c] for c in columns])
        updates = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c))
                                     for c in [*columns, "imported_at"] if c not in conflict)
        cur.execute(sql.SQL("""INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp}
                               ON CONFLICT ({keys}) DO UPDATE SET {updates} RETURNING (xmax = 0)""").format(
            table=sql.Identifier(table), cols=cols, temp=temp, updates=updates,
            keys=sql.SQL(", ").join(map(sql.Identifier, conflict))))
        return sum(1 for (new,) in cur.fetchall() if new)


def _procedure(r: dict[str, Any], source: str) -> dict[str, Any]:
    service = r["online_service"] or LEVEL_TO_SERVICE[r["level"]]
    return {**r, "online_service": service, "source": source}


def _dossier(r: dict[str, Any], source: str) -> dict[str, Any]:
    return {**r, "supplement_requests": int(r["supplement_requests"]), "source": source,
            "old_city": norm(r["old_city"]) if r.get("old_city") else None,
            "old_ward": norm(r["old_ward"]) if r.get("old_ward") else None}


def _monthly(r: dict[str, Any], source: str) -> dict[str, Any]:
    old = (norm(r["old_city"]), norm(r["old_ward"])) if r.get("old_ward") else (None, None)
    return {"unit": r["unit"], "ward_code": r.get("ward_code"), "old_city": old[0], "old_ward": old[1],
            "scope_key": r.get("ward_code") or f"{old[0]} / {old[1]}", "month": r["month"],
            "counts": json.dumps({c: r[c] for c in COUNTS}), "source": source}


def _indicator(r: dict[str, Any], source: str) -> dict[str, Any]:
    p = r["period"]
    return {"indicator": r["indicator"], "unit": r["unit"] or "", "scope": r["scope"], "period": p.label,
            "period_start": p.start, "period_end": p.end, "value": r["value"], "source": source}


_DOSSIER_COLUMNS = ["dossier_id", "procedure_code", "unit", "ward_code", "old_city", "old_ward", "received_at",
                    "channel", "end_to_end", "fee_bearing", "fee_amount", "paid_online", "input_digitized",
                    "output_digitized", "paper_result", "e_result", "due_at", "resolved_at", "status",
                    "supplement_requests", "supplement_wait_days", "reused_data", "rated_unsatisfied", "complaint",
                    "source"]
_TARGETS: dict[str, tuple[str, list[str], list[str]]] = {
    "procedures": ("kpi_procedures", ["code", "name", "field", "level", "online_service", "fee_bearing",
                                      "paper_result", "source"], ["code"]),
    "dossiers": ("kpi_dossiers", _DOSSIER_COLUMNS, ["dossier_id"]),
    "monthly": ("kpi_monthly_reports", ["unit", "scope_key", "ward_code", "old_city", "old_ward", "month", "counts",
                                        "source"], ["unit", "scope_key", "month"]),
    "indicators": ("kpi_indicator_values", ["indicator", "unit", "scope", "period", "period_start", "period_end",
                                            "value", "source"], ["indicator", "scope", "period"]),
}
_SHAPE: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "procedures": _procedure, "dossiers": _dossier, "monthly": _monthly, "indicators": _indicator}
