"""The ingest audit: does every reading received add up, and do the tables hold what the accounting says?

Three sources are set side by side over a window of whole UTC hours: ``ingest_accounting`` (written with the data),
the time-series tables themselves, and the dead letters. :meth:`Balance.problems` is the pure verdict; the queries are
the IO at the edge. ``ioc ingest audit`` prints both and exits non-zero when there is a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from ioc.retention import TELEMETRY
from pipelines.ingest.broker_stats import BrokerWindow, read_window
from pipelines.ingest.refusals import NO_DEVICE

_SPAN = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
# a dead letter whose topic named no device has device_id NULL; the accounting calls that device NO_DEVICE
_DEVICE = sql.SQL("coalesce(device_id, {})").format(sql.Literal(NO_DEVICE))


def parse_span(text: str) -> timedelta:
    """'90m', '24h', '30d' → a timedelta; ValueError for anything else."""
    match = _SPAN.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a span like 90m, 24h or 30d")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


@dataclass(frozen=True)
class Scope:
    since: timedelta = timedelta(hours=24)
    device: str | None = None
    ward: str | None = None


@dataclass(frozen=True)
class Balance:
    start: datetime             # the first whole UTC hour audited
    devices: int
    received: int
    stored: int
    rejected: int
    duplicates: int
    late: int
    expected: float
    periodic: int
    rows_present: int           # rows in the time-series tables over the same hours
    dead_letters: int           # readings dead-lettered: reasons of stored messages + over-budget readings
    broker: BrokerWindow | None = None   # the broker's $SYS counters over the same hours (broker-wide, any scope)

    def problems(self) -> list[str]:
        """What breaks the balance, one line each; empty when every reading is accounted for."""
        out = []
        if self.received != self.stored + self.rejected + self.duplicates:
            out.append(f"received {self.received} ≠ stored {self.stored} + rejected {self.rejected} "
                       f"+ duplicates {self.duplicates}")
        if self.rows_present < self.stored:
            out.append(f"{self.stored - self.rows_present} stored row(s) are missing from the time-series tables")
        if self.dead_letters < self.rejected:
            out.append(f"{self.rejected - self.dead_letters} rejected reading(s) have no dead letter")
        if self.broker is not None and self.broker.publish_dropped:
            out.append(f"the broker dropped {self.broker.publish_dropped} message(s) ($SYS/broker/publish/messages/"
                       "dropped: a session's queue was full, or a message too large)")
        return out

    def notes(self) -> list[str]:
        """Differences that are not losses: rows written around the ingester (seeds, imports)."""
        out = []
        if self.rows_present > self.stored:
            out.append(f"{self.rows_present - self.stored} row(s) in the tables were not written by the ingester")
        if self.dead_letters > self.rejected:
            out.append(f"{self.dead_letters - self.rejected} dead letter(s) were not written by the ingester")
        if self.broker is not None and not self.broker.samples:
            out.append("no $SYS samples from the broker in the window: is an ingester running, the broker's "
                       "sys_interval set and $SYS/broker/# readable by its account?")
        if self.broker is not None and self.broker.restarts:
            out.append(f"the broker restarted {self.broker.restarts} time(s): what it dropped just before a restart "
                       "is not known")
        return out


def _filter(device: str = "device_id") -> sql.Composed:
    """The scope's device and ward, on a column naming the device (a dead letter's may be NULL: see _DEVICE)."""
    expr = _DEVICE if device == "dead letter" else sql.Identifier(device)
    return sql.SQL("(%(device)s::text IS NULL OR {d} = %(device)s) AND (%(ward)s::text IS NULL OR "
                   "{d} IN (SELECT device_id FROM devices WHERE ward_code = %(ward)s))").format(d=expr)


def balance(conn: psycopg.Connection, scope: Scope) -> Balance:
    start = conn.execute("SELECT time_bucket('1 hour', now() - %s::interval)", [scope.since]).fetchone()
    assert start is not None
    params = {"start": start[0], "device": scope.device, "ward": scope.ward}
    acc = conn.execute(sql.SQL(
        "SELECT count(DISTINCT device_id), coalesce(sum(received), 0), coalesce(sum(stored), 0), "
        "coalesce(sum(rejected), 0), coalesce(sum(duplicates), 0), coalesce(sum(late), 0), "
        "coalesce(sum(expected), 0), coalesce(sum(periodic), 0) "
        "FROM ingest_accounting WHERE hour >= %(start)s AND {}").format(_filter()), params).fetchone()
    assert acc is not None
    devices, received, stored, rejected, duplicates, late, expected, periodic = acc
    return Balance(start[0], devices, received, stored, rejected, duplicates, late, expected, periodic,
                   _rows_present(conn, params), _dead_letters(conn, params), read_window(conn, start[0]))


def _rows_present(conn: psycopg.Connection, params: dict[str, object]) -> int:
    parts = [sql.SQL("(SELECT count(*) FROM {} WHERE ts >= %(start)s AND {})").format(sql.Identifier(t), _filter())
             for t in TELEMETRY]
    row = conn.execute(sql.SQL("SELECT {}").format(sql.SQL(" + ").join(parts)), params).fetchone()
    return int(row[0]) if row else 0


def _dead_letters(conn: psycopg.Connection, params: dict[str, object]) -> int:
    row = conn.execute(sql.SQL(
        "SELECT (SELECT coalesce(sum(reasons), 0) FROM dead_letter_messages WHERE received_at >= %(start)s AND {}) "
        "+ (SELECT coalesce(sum(readings), 0) FROM dead_letter_overflow WHERE minute >= %(start)s AND {})").format(
        _filter("dead letter"), _filter()), params).fetchone()
    return int(row[0]) if row else 0


STAGES = ("received", "spooled", "stored", "duplicates", "dead_lettered", "dead_letters_over_budget", "queue_depth",
          "spool_messages")


def stages(conn: psycopg.Connection) -> dict[str, int]:
    """The ingester's own counters (messages, per stage), summed over every worker's last heartbeat.

    Informational: each worker counts from its own start, so these are not windowed like the balance, and a worker
    killed with -9 keeps its last report. They show where messages are now: queued, spooled, written, dead-lettered."""
    row = conn.execute(sql.SQL("SELECT {} FROM ingest_heartbeat").format(sql.SQL(", ").join(
        sql.SQL("coalesce(sum((counters->>{})::bigint), 0)").format(sql.Literal(k)) for k in STAGES))).fetchone()
    return dict(zip(STAGES, (int(v) for v in row), strict=True)) if row else dict.fromkeys(STAGES, 0)
