"""What to do with a failing write and with a flood of dead letters: pure decisions, no I/O.

A database error is either the system's (connection lost, server out of disk, shutting down, schema missing): keep
everything, spool or hold, back off, retry. Or it is one message's (its values break a type, a check, a constraint or
a trigger): find that message by splitting the batch and dead-letter it with the database's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

import psycopg

from pipelines.ingest.message import Message
from sensors.contract import ParseResult, Rejection, parse

# SQLSTATE classes raised by the rows a message brings: data exceptions, integrity and check violations, errors
# raised by triggers and routines, a value too large for a row.
_MESSAGE_CLASSES = frozenset({"09", "21", "22", "23", "27", "2F", "38", "39", "44", "54", "P0"})
_RETRY_STATES = frozenset({"40001", "40P01"})   # serialization failure, deadlock: simply write again
NO_DEVICE = "(unreadable topic)"   # every message whose topic names no device shares one budget


def is_retry(exc: psycopg.Error) -> bool:
    return exc.sqlstate in _RETRY_STATES


def is_message_fault(exc: psycopg.Error) -> bool:
    """True when the rows being written caused the error; False for anything the whole system suffers."""
    state = exc.sqlstate
    return state is not None and state[:2] in _MESSAGE_CLASSES


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class DeadLetterBudget:
    """A per-device token bucket in bytes of dead letters, so one device cannot fill the disk for the others.

    A device spends what its dead letter costs (the capped payload plus its reasons); a message it cannot pay for is
    counted, not stored. The bucket refills at ``per_hour`` bytes an hour up to ``burst``."""

    burst: int = 1024 * 1024
    per_hour: int = 1024 * 1024
    max_devices: int = 50_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def spend(self, device: str | None, cost: int, now: float) -> bool:
        key = device or NO_DEVICE
        bucket = self._buckets.get(key)
        if bucket is None:
            self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.per_hour / 3600)
        bucket.at = now
        if bucket.tokens < cost:
            return False
        bucket.tokens -= cost
        return True

    def _forget_full(self, now: float) -> None:
        """Devices whose bucket has refilled need no memory: a new bucket starts full too."""
        if len(self._buckets) < self.max_devices:
            return
        refill = self.per_hour / 3600
        self._buckets = {k: b for k, b in self._buckets.items() if b.tokens + (now - b.at) * refill < self.burst}


def within_window(msg: Message, max_age: timedelta | None) -> Message:
    """The message with its readings dated before the window refused (``old_ts``), each with its element index.

    Every distinct old day would otherwise create a hypertable chunk (a 2001 clock: one chunk per reading). Only a
    message holding such a reading is parsed again, with the window, so the common case costs one comparison."""
    if max_age is None or not msg.result.records:
        return msg
    earliest = msg.received_at - max_age
    if all(rec.ts >= earliest for rec in msg.result.records):
        return msg
    return replace(msg, result=parse(msg.topic, msg.payload, msg.received_at, max_age=max_age))


def refused_by_database(msg: Message, exc: psycopg.Error) -> Message:
    """The message as a dead letter: the database refused its rows although the contract accepted them."""
    rej = Rejection("db_refused", f"the database refused this message's rows: {first_line(exc)}")
    return replace(msg, result=ParseResult(msg.result.topic, (), (rej,)))
