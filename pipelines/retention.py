"""Retention through ``drop_chunks`` (whole chunks, cheap) and native compression where the licensed build has it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

RAW = ("env_telemetry", "camera_telemetry", "camera_events", "wifi_telemetry", "device_status", "rollup_1m")
ROLLUPS = ("rollup_1h", "rollup_1d")
# dead_letters is a view (migration 0080) over these hypertables, which age together.
DEAD_LETTERS = ("dead_letter_messages", "dead_letter_reasons", "dead_letter_overflow")


@dataclass(frozen=True)
class RetentionPolicy:
    raw_days: int = 30          # raw telemetry and the 1-minute rollup
    rollup_days: int = 730      # hourly and daily rollups
    dead_letter_days: int = 90
    # per-table days from the settings' data classes (ioc.security.retention.days_by_table); wins over the above
    by_table: tuple[tuple[str, int], ...] = ()

    def plan(self) -> list[tuple[str, int]]:
        days = {t: self.raw_days for t in RAW} | {t: self.rollup_days for t in ROLLUPS}
        days["dead_letters"] = self.dead_letter_days
        days |= dict(self.by_table)
        dead = days.pop("dead_letters")
        return sorted((days | {t: dead for t in DEAD_LETTERS}).items())


def apply(conn: psycopg.Connection, policy: RetentionPolicy) -> dict[str, int]:
    """Drop chunks older than the policy; returns the number of chunks dropped per table."""
    dropped: dict[str, int] = {}
    for table, days in policy.plan():
        rows = conn.execute("SELECT drop_chunks(%s::regclass, older_than => now() - make_interval(days => %s))",
                            [table, days]).fetchall()
        if rows:
            dropped[table] = len(rows)
            log.info("retention: dropped %d chunk(s) of %s older than %d days", len(rows), table, days)
    return dropped


def licensed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT current_setting('timescaledb.license', true)").fetchone()
    return bool(row and row[0] == "timescale")


def enable_compression(conn: psycopg.Connection, after_days: int = 7) -> list[str]:
    """Compress raw chunks older than ``after_days`` where the licensed TimescaleDB is present; [] on Apache."""
    if not licensed(conn):
        return []
    done = []
    for table in RAW[:-1]:
        conn.execute(sql.SQL("ALTER TABLE {} SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id', "
                             "timescaledb.compress_orderby = 'ts DESC')").format(sql.Identifier(table)))
        conn.execute("SELECT add_compression_policy(%s::regclass, make_interval(days => %s), if_not_exists => true)",
                     [table, after_days])
        done.append(table)
    return done
