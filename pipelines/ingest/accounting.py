"""Ingest accounting: per device and UTC hour, what a batch brought and what became of it (issue 16, part 1).

The unit is the reading: one record of the contract, or one rejection (a refused array element, or a whole message
that could not be read). A record counts in the hour of its ``ts``; a rejection, which may have no usable ts, in the
hour it was received. The sink calls :func:`write` inside the batch's transaction, so the counts commit or roll back
with the rows they count: a batch that fails and is spooled, then replayed, is counted once, when it commits.

Python tallies what was received and rejected; the database reports what its ``ON CONFLICT DO NOTHING`` inserted
(per device and hour, with lateness and lag), and one ``INSERT … ON CONFLICT DO UPDATE`` adds both to the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from pipelines.ingest.message import Message
from pipelines.ingest.refusals import NO_DEVICE

LATE_AFTER = timedelta(minutes=5)   # a reading stored more than this after its ts is late (its rollups are redone)
# the channels with an interval
PERIODIC = frozenset({"env_telemetry", "camera_telemetry", "wifi_telemetry", "light_telemetry"})
Key = tuple[str, datetime]


@dataclass(slots=True)
class Tally:
    """One (device, hour) of one batch; the columns of ingest_accounting (see docs/ingestion.md)."""

    received: int = 0
    stored: int = 0
    periodic: int = 0
    rejected: int = 0
    late: int = 0
    max_lag_s: float | None = None
    first_ts: datetime | None = None
    last_ts: datetime | None = None

    @property
    def duplicates(self) -> int:
        return self.received - self.rejected - self.stored


@dataclass(frozen=True, slots=True)
class Inserted:
    """What one hypertable's insert kept for one (device, hour): the database's answer, not our guess."""

    table: str
    device_id: str
    hour: datetime
    stored: int
    late: int
    max_lag_s: float
    first_ts: datetime
    last_ts: datetime


def hour_of(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def received(batch: Sequence[Message]) -> dict[Key, Tally]:
    """Readings received and rejected per (device, hour); stored rows are added by :func:`merge`."""
    tallies: dict[Key, Tally] = {}
    for msg in batch:
        for rec in msg.result.records:
            tallies.setdefault((rec.device_id, hour_of(rec.ts)), Tally()).received += 1
        if msg.result.rejections:
            topic = msg.result.topic
            t = tallies.setdefault((topic.device_id if topic else NO_DEVICE, hour_of(msg.received_at)), Tally())
            t.received += len(msg.result.rejections)
            t.rejected += len(msg.result.rejections)
    return tallies


def merge(tallies: dict[Key, Tally], inserted: Iterable[Inserted]) -> dict[Key, Tally]:
    for ins in inserted:
        t = tallies[(ins.device_id, hour_of(ins.hour))]
        t.stored += ins.stored
        t.periodic += ins.stored if ins.table in PERIODIC else 0
        t.late += ins.late
        t.max_lag_s = ins.max_lag_s if t.max_lag_s is None else max(t.max_lag_s, ins.max_lag_s)
        t.first_ts = ins.first_ts if t.first_ts is None else min(t.first_ts, ins.first_ts)
        t.last_ts = ins.last_ts if t.last_ts is None else max(t.last_ts, ins.last_ts)
    return tallies


def insert_sql(table: str, cols: Sequence[str]) -> sql.Composed:
    """INSERT … SELECT from the table's staging table, returning what it kept grouped per (device, hour).

    One parameter: the late delay in seconds. Only inserted rows come back from RETURNING, so a duplicate is never
    counted as stored, nor as late."""
    names = sql.SQL(", ").join(map(sql.Identifier, cols))
    return sql.SQL(
        "WITH kept AS (INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING "
        "RETURNING device_id, ts, received_at) "
        "SELECT device_id, time_bucket('1 hour', ts), count(*)::int, "
        "count(*) FILTER (WHERE received_at - ts > make_interval(secs => %s))::int, "
        "max(extract(epoch FROM received_at - ts))::float8, min(ts), max(ts) FROM kept GROUP BY 1, 2").format(
        table=sql.Identifier(table), cols=names, stage=sql.Identifier(f"stage_{table}"))


def write(conn: psycopg.Connection, tallies: dict[Key, Tally]) -> None:
    """Add a batch's tallies to ingest_accounting, inside the caller's transaction.

    expected comes from the registry (the device's interval, else its kind's); sorted keys keep workers that
    account for the same devices from deadlocking."""
    if not tallies:
        return
    keys = sorted(tallies)
    rows = [tallies[k] for k in keys]
    conn.execute(
        """INSERT INTO ingest_accounting AS a (device_id, hour, expected, received, stored, periodic, rejected,
                                               duplicates, late, max_lag_s, first_ts, last_ts, updated_at)
           SELECT u.id, u.h, coalesce(3600.0 / coalesce(d.expected_interval_s, k.expected_interval_s), 0),
                  u.rc, u.st, u.pe, u.rj, u.du, u.la, u.lag, u.f, u.l, now()
           FROM unnest(%b::text[], %b::timestamptz[], %b::int[], %b::int[], %b::int[], %b::int[], %b::int[],
                       %b::int[], %b::float8[], %b::timestamptz[], %b::timestamptz[])
                WITH ORDINALITY AS u(id, h, rc, st, pe, rj, du, la, lag, f, l, n)
           LEFT JOIN devices d ON d.device_id = u.id
           LEFT JOIN device_kinds k ON k.kind = d.kind
           ORDER BY u.n
           ON CONFLICT (device_id, hour) DO UPDATE SET
               expected = excluded.expected,
               received = a.received + excluded.received, stored = a.stored + excluded.stored,
               periodic = a.periodic + excluded.periodic, rejected = a.rejected + excluded.rejected,
               duplicates = a.duplicates + excluded.duplicates, late = a.late + excluded.late,
               max_lag_s = greatest(a.max_lag_s, excluded.max_lag_s),
               first_ts = least(a.first_ts, excluded.first_ts), last_ts = greatest(a.last_ts, excluded.last_ts),
               updated_at = excluded.updated_at""",
        [[k[0] for k in keys], [k[1] for k in keys], [t.received for t in rows], [t.stored for t in rows],
         [t.periodic for t in rows], [t.rejected for t in rows], [t.duplicates for t in rows], [t.late for t in rows],
         [t.max_lag_s for t in rows], [t.first_ts for t in rows], [t.last_ts for t in rows]])
