"""Helpers of the alarm tests: rules, devices, readings and heartbeats written straight into a test database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from pipelines.alarms import runner, store
from pipelines.alarms.rules import Rule

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.now(UTC).replace(microsecond=0)
PM25_HIGH = {"id": "pm25-high", "name": {"vi": "Bụi mịn cao", "en": "High PM2.5"}, "kind": "threshold",
             "metric": "pm25", "severity": "major", "owner": "environment",
             "raise": {"op": ">=", "value": 100}, "clear": {"op": "<", "value": 50}}


def rule(base: dict[str, Any] | None = None, /, **kw: Any) -> Rule:
    return Rule.model_validate((base or PM25_HIGH) | kw)


def install(conn: psycopg.Connection, *rules: Rule) -> None:
    store.save_rules(conn, list(rules), "test")


def device(conn: psycopg.Connection, device_id: str, kind: str = "env", ward: str | None = "26734", **cols: Any
           ) -> None:
    values = {"device_id": device_id, "kind": kind, "ward_code": ward, "registered": True,
              "registered_at": NOW - timedelta(days=1)} | cols
    conn.execute(sql.SQL("INSERT INTO devices ({}) VALUES ({})").format(
        sql.SQL(", ").join(map(sql.Identifier, values)), sql.SQL(", ").join(sql.Placeholder() * len(values))),
        list(values.values()))


def pm25(conn: psycopg.Connection, device_id: str, value: float, at: datetime, seq: int | None = None) -> None:
    conn.execute("INSERT INTO env_telemetry (ts, device_id, seq, received_at, pm25) VALUES (%s, %s, %s, %s, %s)",
                 [at, device_id, seq, at, value])
    seen(conn, device_id, at, at)


def seen(conn: psycopg.Connection, device_id: str, received_at: datetime, ts: datetime, kind: str = "env") -> None:
    """What the ingester does in the data's own transaction: the registry's last_seen_at / last_data_at."""
    conn.execute("""INSERT INTO devices AS d (device_id, kind, registered, first_seen_at, last_seen_at, last_data_at)
                    VALUES (%s, %s, false, %s, %s, %s)
                    ON CONFLICT (device_id) DO UPDATE SET
                        last_seen_at = greatest(d.last_seen_at, excluded.last_seen_at),
                        last_data_at = greatest(d.last_data_at, excluded.last_data_at)""",
                 [device_id, kind, received_at, received_at, ts])


def heartbeat(conn: psycopg.Connection, last_commit: datetime, spool_messages: int = 0) -> None:
    conn.execute("""INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at, counters)
                    VALUES ('w1', %s, %s, jsonb_build_object('spool_messages', %s::int))
                    ON CONFLICT (worker) DO UPDATE SET updated_at = excluded.updated_at,
                        last_commit_at = excluded.last_commit_at, counters = excluded.counters""",
                 [last_commit, last_commit, spool_messages])


def cycle(conn: psycopg.Connection, at: datetime) -> runner.CycleStats:
    return runner.cycle(conn, VN, 120, at)


def rows(conn: psycopg.Connection, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return conn.execute(query, params or []).fetchall()
