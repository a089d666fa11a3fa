"""The database sink: one transaction per batch, binary COPY into staging tables, dedup on insert.

Rows go through ``COPY … (FORMAT BINARY)`` into a temporary staging table, then ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` into the hypertable, so a redelivered message (same device, ts, seq) is stored once and counted as a
duplicate. The registry, the rollups' dirty minutes, the dead letters and the per-(device, hour) accounting
(accounting.py: the insert reports what it kept) change in the same transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from ioc.retention import TELEMETRY
from pipelines.ingest import accounting, deadletters, registry
from pipelines.ingest.message import Message, WriteStats

log = logging.getLogger(__name__)

TABLES = TELEMETRY   # the contract's record types, one hypertable each (ioc.retention names them once)
_DEAD_TABLES = ("dead_letter_messages", "dead_letter_reasons")


class PgSink:
    """Writes batches through one connection. Raises psycopg.OperationalError when the database is unreachable."""

    def __init__(self, conn: psycopg.Connection, payload_cap: int = deadletters.PAYLOAD_CAP,
                 late_after: timedelta = accounting.LATE_AFTER) -> None:
        self.conn, self.payload_cap = conn, payload_cap
        self.late_s = late_after.total_seconds()
        self.types: dict[str, list[str]] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self._prepare()

    def _prepare(self) -> None:
        for table in (*TABLES, *_DEAD_TABLES):
            rows = self.conn.execute(
                "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                [table]).fetchall()
            self.columns[table] = tuple(r[0] for r in rows)
            self.types[table] = [r[1] for r in rows]
            if table in _DEAD_TABLES:
                continue
            stage = sql.Identifier(f"stage_{table}")
            self.conn.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {}) ON COMMIT DELETE ROWS").format(
                stage, sql.Identifier(table)))
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def write(self, batch: Sequence[Message]) -> WriteStats:
        batch = registry.check_kinds(self.conn, batch)   # a registered device under another kind: dead letter
        stats = WriteStats()
        rows: dict[str, list[tuple[object, ...]]] = defaultdict(list)
        cols: dict[str, tuple[str, ...]] = {}
        for msg in batch:
            for rec in msg.result.records:
                # received_at first, then the record's columns (ts second: _mark_dirty relies on it)
                rows[rec.TABLE].append((msg.received_at, *rec.row()))
                cols[rec.TABLE] = rec.COLUMNS
        tallies = accounting.received(batch)
        with self.conn.transaction():
            for table, table_rows in rows.items():
                kept = self._insert(table, ("received_at", *cols[table]), table_rows)
                inserted = sum(k.stored for k in kept)
                stats.stored += inserted
                stats.duplicates += len(table_rows) - inserted
                accounting.merge(tallies, kept)
            stats.dead_lettered = deadletters.write(self.conn, self._copy, batch, self.payload_cap)
            stats.dead_letters_over_budget = sum(1 for m in batch if m.over_budget and m.result.rejections)
            registry.update(self.conn, batch)
            _mark_dirty(self.conn, rows)
            accounting.write(self.conn, tallies)
        return stats

    def _insert(self, table: str, cols: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[accounting.Inserted]:
        """Rows kept per (device, hour): ON CONFLICT DO NOTHING skipped the others (duplicates)."""
        self._copy("stage_" + table, cols, rows, self._types_for(table, cols))
        rows_kept = self.conn.execute(accounting.insert_sql(table, cols), [self.late_s]).fetchall()
        return [accounting.Inserted(table, *r) for r in rows_kept]

    def _types_for(self, table: str, cols: Iterable[str]) -> list[str]:
        by_name = dict(zip(self.columns[table], self.types[table], strict=True))
        return [by_name[c] for c in cols]

    def _copy(self, table: str, cols: Sequence[str], rows: list[tuple[object, ...]],
              types: list[str] | None = None) -> None:
        base = table.removeprefix("stage_")
        types = types or self._types_for(base, cols)
        stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)))
        with self.conn.cursor().copy(stmt) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)


def _mark_dirty(conn: psycopg.Connection, rows: dict[str, list[tuple[object, ...]]]) -> None:
    """Minutes whose rollups must be recomputed (late data included). ts is column 1, after received_at."""
    minutes: set[tuple[str, datetime]] = set()
    for table, table_rows in rows.items():
        for row in table_rows:
            ts = row[1]
            assert isinstance(ts, datetime)
            minutes.add((table, ts.replace(second=0, microsecond=0)))
    if not minutes:
        return
    sources, buckets = zip(*sorted(minutes), strict=True)
    conn.execute(
        "INSERT INTO rollup_dirty (source, minute) SELECT * FROM unnest(%b::text[], %b::timestamptz[]) "
        "ON CONFLICT (source, minute) DO UPDATE SET marked_at = clock_timestamp()",
        [list(sources), list(buckets)])
