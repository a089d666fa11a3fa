"""The security audit log (``security_events``): one row per login, logout and change of a user, key or device
credential. The login rate limiter reads its memory from here too."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def record(conn: psycopg.Connection, action: str, actor: str, subject: str | None = None, ip: str | None = None,
           **detail: Any) -> None:
    conn.execute("INSERT INTO security_events (action, actor, subject, ip, detail) VALUES (%s, %s, %s, %s, %s)",
                 [action, actor, subject, ip, Jsonb(detail)])
