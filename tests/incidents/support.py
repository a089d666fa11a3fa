"""Helpers of the incident tests: a real ward, devices placed in it, field reports through the reports store."""

from __future__ import annotations

from datetime import datetime

import psycopg

from pipelines.reports import store as report_store
from pipelines.reports.model import ReportIn
from tests.reports.helpers import TZ, add_device, load_wards, offset

__all__ = ["TZ", "add_device", "city", "offset", "report"]


def city(conn: psycopg.Connection) -> dict[str, tuple[float, float]]:
    """Nha Trang's four 2025 wards loaded; returns a point well inside each (22333 is where things happen)."""
    return load_wards(conn)


def report(conn: psycopg.Connection, category: str, at: datetime, lon: float, lat: float, text: str,
           now: datetime | None = None) -> int:
    """A citizen's report as intake stores it (ward from the point, SLA, history)."""
    item = ReportIn("zalo", f"T-{at.timestamp():.0f}-{lon:.5f}-{lat:.5f}", category, at, text, lon, lat)
    done = report_store.insert_reports(conn, [item], report_store.reference(conn), "test", TZ, now or at)
    assert len(done.ids) == 1
    return done.ids[0]


def place(conn: psycopg.Connection, device_id: str, kind: str, lon: float, lat: float, ward: str = "22333") -> None:
    add_device(conn, device_id, kind, lon, lat)
    conn.execute("UPDATE devices SET ward_code = %s WHERE device_id = %s", [ward, device_id])
