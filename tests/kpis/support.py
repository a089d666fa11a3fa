"""Small hand-made KPI data for the tests: dossier rows with defaults, one real ward and its old wards."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg

from layers.ward_mapping import read_mapping
from layers.ward_mapping_db import import_mapping

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPO = Path(__file__).resolve().parents[2]
MAPPING = REPO / "data" / "boundaries" / "ward_mapping_pre2025_to_2025.csv"
DOSSIER_HEADER = ["dossier_id", "procedure_code", "unit", "ward_code", "old_city", "old_ward", "received_at",
                  "channel", "end_to_end", "fee_bearing", "fee_amount", "paid_online", "input_digitized",
                  "output_digitized", "paper_result", "e_result", "due_at", "resolved_at", "status",
                  "supplement_requests", "supplement_wait_days", "reused_data", "rated_unsatisfied", "complaint"]


def local(text: str) -> datetime:
    """``2025-01-10 08:00`` in Vietnam."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def dossier(**kw: Any) -> dict[str, Any]:
    """A dossier received 2025-01-05 08:00 in person, due 2025-01-10 17:00, resolved 2025-01-08 10:00 (on time),
    nothing else set; another ``received_at`` moves both dates with it."""
    if "received_at" in kw:
        shift = kw["received_at"] - local("2025-01-05 08:00")
        kw.setdefault("due_at", local("2025-01-10 17:00") + shift)
        kw.setdefault("resolved_at", local("2025-01-08 10:00") + shift)
    base: dict[str, Any] = {
        "dossier_id": "D", "procedure_code": "P1", "unit": "Một cửa", "ward_code": "25210", "old_city": None,
        "old_ward": None, "received_at": local("2025-01-05 08:00"), "channel": "in_person", "end_to_end": False,
        "fee_bearing": False, "fee_amount": None, "paid_online": False, "input_digitized": False,
        "output_digitized": False, "paper_result": False, "e_result": False, "due_at": local("2025-01-10 17:00"),
        "resolved_at": local("2025-01-08 10:00"), "status": "resolved", "supplement_requests": 0,
        "supplement_wait_days": 0.0, "reused_data": False, "rated_unsatisfied": False, "complaint": False}
    return base | kw


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    for col in ("received_at", "due_at", "resolved_at"):
        out[col] = pd.to_datetime(out[col], utc=True)
    out["fee_amount"] = pd.to_numeric(out["fee_amount"]).astype(float)
    return out


def csv_text(rows: list[dict[str, Any]], header: list[str] = DOSSIER_HEADER) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, datetime):
            return v.isoformat()
        return str(v)

    return "\n".join([",".join(header), *[",".join(cell(r.get(h)) for h in header) for r in rows]]) + "\n"


def add_ward(conn: psycopg.Connection, code: str = "25210", name: str = "Phường Đồng Xoài",
             province: str = "Tỉnh Đồng Nai", lon: float = 106.9) -> None:
    """A small square current ward (the shape does not matter to the KPIs)."""
    conn.execute("""INSERT INTO wards (code, name, province, geom, valid_from, source)
                    VALUES (%s, %s, %s, ST_Multi(ST_MakeEnvelope(%s, 11.5, %s, 11.51, 4326)), '2025-07-01', 'test')""",
                 [code, name, province, lon, lon + 0.01])


def add_mapping(conn: psycopg.Connection) -> None:
    import_mapping(conn, read_mapping(MAPPING), source=MAPPING.name)


def add_procedure(conn: psycopg.Connection, code: str = "P1", fee: bool = False, paper: bool = True) -> None:
    conn.execute("""INSERT INTO kpi_procedures (code, name, level, online_service, fee_bearing, paper_result)
                    VALUES (%s, %s, 4, 'full', %s, %s)""", [code, f"Thủ tục {code}", fee, paper])
