"""Exports of the public fields (CSV or JSON by extension), times in the display zone with their offset."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from psycopg_pool import ConnectionPool

from ioc import safetext
from ioc.errors import IocError
from pipelines.reports.public import export_rows

TIME_COLUMNS = ("submitted_at", "updated_at", "due_at", "resolved_at")


def public_frame(pool: ConnectionPool, start: datetime | None, end: datetime | None, tz: ZoneInfo) -> pd.DataFrame:
    found = export_rows(pool, start, end)
    for col in TIME_COLUMNS:
        if col in found.columns:
            found[col] = [t.astimezone(tz).isoformat(timespec="seconds") if pd.notna(t) else None
                          for t in found[col]]
    if "photo_urls" in found.columns:
        found["photo_urls"] = [" ".join(p or []) for p in found["photo_urls"]]
    return found


def write_export(pool: ConnectionPool, path: Path, start: datetime | None, end: datetime | None,
                 tz: ZoneInfo) -> int:
    """Write the reports submitted in [start, end) to ``path``; the number written."""
    found = public_frame(pool, start, end, tz)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safetext.frame(found).to_csv(path, index=False, encoding="utf-8-sig")   # residents' text: no formulas
    elif suffix == ".json":
        records = json.loads(found.to_json(orient="records", force_ascii=False, date_format="iso"))
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        raise IocError(f"{path.name}: export to .csv or .json")
    return len(found)
