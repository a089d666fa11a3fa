"""Retention through ``drop_chunks`` (whole chunks, cheap) and native compression where the licensed build has it.

How long each table is kept is decided in one place, :mod:`ioc.retention`; this module only applies it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from ioc.config import Settings
from ioc.retention import TELEMETRY, chunk_plan

log = logging.getLogger(__name__)
COMPRESSED = TELEMETRY   # the raw hypertables (segment by device, newest first) where the licensed build compresses


@dataclass(frozen=True)
class RetentionPolicy:
    """(hypertable, days kept) pairs, from the one table of data classes (:mod:`ioc.retention`)."""
    plan: tuple[tuple[str, int], ...] = field(default_factory=chunk_plan)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(chunk_plan(settings))

    def days(self, table: str) -> int:
        return dict(self.plan)[table]


def apply(conn: psycopg.Connection, policy: RetentionPolicy) -> dict[str, int]:
    """Drop chunks older than the policy; returns the number of chunks dropped per table."""
    dropped: dict[str, int] = {}
    for table, days in policy.plan:
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
    for table in COMPRESSED:
        conn.execute(sql.SQL("ALTER TABLE {} SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id', "
                             "timescaledb.compress_orderby = 'ts DESC')").format(sql.Identifier(table)))
        conn.execute("SELECT add_compression_policy(%s::regclass, make_interval(days => %s), if_not_exists => true)",
                     [table, after_days])
        done.append(table)
    return done
