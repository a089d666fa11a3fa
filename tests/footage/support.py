"""Shared set-up of the footage register tests: two officers, cameras in two wards, a request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from ioc.security import users
from pipelines.footage import workflow

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def camera(conn: psycopg.Connection, device_id: str, ward: str = "25210") -> None:
    conn.execute("INSERT INTO devices (device_id, kind, ward_code, registered, registered_at) "
                 "VALUES (%s, 'camera', %s, true, %s)", [device_id, ward, NOW - timedelta(days=30)])


def officers(conn: psycopg.Connection) -> None:
    users.add(conn, "an", "footage_officer", actor="test")
    users.add(conn, "binh", "footage_officer", actor="test")
    for name in ("cam-1", "cam-2"):
        camera(conn, name)
    camera(conn, "cam-9", "25195")


def ask(conn: psycopg.Connection, purpose: str = "antt", reason: str | None = None, at: datetime = NOW,
        cameras: tuple[str, ...] = ("cam-1", "cam-2")) -> int:
    req = workflow.Request("Trần Văn Hùng", "Công an phường Đồng Xoài", purpose, "Công văn 123/CV-CAP",
                           cameras, at - timedelta(days=1), at - timedelta(days=1) + timedelta(hours=2), reason)
    return workflow.request(conn, "an", req, now=at)
