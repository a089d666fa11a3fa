"""The writer: drains the queue in batches (by size and time), commits, then acknowledges.

A message is acknowledged to the broker only after its rows are committed (or, while the database is down, after it is
durable in the local spool). Transient database errors back off and retry; a batch the database refuses for its data
is split so that only the offending message is dead-lettered.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import psycopg

from pipelines.ingest.counters import Counters
from pipelines.ingest.message import Message, WriteStats
from pipelines.ingest.spool import Spool
from sensors.contract import ParseResult, Rejection, parse

log = logging.getLogger(__name__)

Ack = Callable[[Message], None]
# A row the database refuses for its values is that message's problem: it is dead-lettered alone. Anything else
# (unreachable, schema missing, out of disk) is the system's: keep everything, spool, back off and retry.
_DATA = (psycopg.errors.DataError, psycopg.errors.IntegrityError)
_SYSTEMIC = (psycopg.Error,)
_RETRY = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
SinkFactory = Callable[[], "SinkLike"]


class SinkLike(Protocol):
    def write(self, batch: Sequence[Message]) -> WriteStats: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class WriterOptions:
    batch_size: int = 2000
    batch_seconds: float = 0.05
    backoff_max: float = 10.0


class Writer:
    def __init__(self, q: queue.Queue[Message], connect_sink: SinkFactory, ack: Ack, spool: Spool,
                 counters: Counters, options: WriterOptions = WriterOptions(),
                 on_commit: Callable[[Sequence[Message]], None] | None = None) -> None:
        self.q, self.connect_sink, self.ack, self.spool = q, connect_sink, ack, spool
        self.on_commit = on_commit   # observers (benchmarks): called after a batch is committed
        self.counters, self.opt = counters, options
        self.sink: SinkLike | None = None
        self.stopping = threading.Event()
        self._backoff = 0.5
        self._outage_since: float | None = None

    # -- the loop ----------------------------------------------------------------------------------------------
    def run(self) -> None:
        pending: list[Message] = []
        while not (self.stopping.is_set() and not pending and self.q.empty()):
            if not pending:
                pending = self._collect()
            self._update_gauges(pending)
            if self._ensure_sink() and self.spool.count and not self._replay_spool():
                continue
            if not pending:
                continue
            if self._commit(pending) or self._spool(pending):
                pending = []
            else:
                time.sleep(self._next_backoff())
        if self.sink is not None:
            self.sink.close()

    def stop(self) -> None:
        self.stopping.set()

    def _collect(self) -> list[Message]:
        batch: list[Message] = []
        deadline = time.monotonic() + self.opt.batch_seconds
        try:
            batch.append(self.q.get(timeout=0.2))
        except queue.Empty:
            return batch
        while len(batch) < self.opt.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(self.q.get(timeout=remaining) if remaining > 0 else self.q.get_nowait())
            except queue.Empty:
                break
        return batch

    # -- committing ----------------------------------------------------------------------------------------
    def _commit(self, batch: list[Message]) -> bool:
        if self.sink is None:
            return False
        try:
            stats = self._write_retrying(batch)
        except _SYSTEMIC as exc:
            self._lost_database(exc)
            return False
        self._account(stats)
        for msg in batch:
            self.ack(msg)
        if self.on_commit is not None:
            self.on_commit(batch)
        self._recovered()
        return True

    def _write_retrying(self, batch: Sequence[Message]) -> WriteStats:
        """Workers that create the same new chunk at once can deadlock; the loser simply writes again."""
        for attempt in range(5):
            try:
                return self._write_or_split(batch)
            except _RETRY:
                time.sleep(0.02 * (attempt + 1))
        return self._write_or_split(batch)

    def _write_or_split(self, batch: Sequence[Message]) -> WriteStats:
        assert self.sink is not None
        try:
            return self.sink.write(batch)
        except _DATA as exc:
            if len(batch) == 1:
                return self.sink.write([_refused(batch[0], exc)])
            log.warning("the database refused a batch of %d (%s); retrying message by message", len(batch), exc)
            total = WriteStats()
            for msg in batch:
                total.add(self._write_or_split([msg]))
            return total

    def _account(self, stats: WriteStats) -> None:
        c = self.counters
        c.stored += stats.stored
        c.duplicates += stats.duplicates
        c.dead_lettered += stats.dead_lettered

    # -- the outage path -------------------------------------------------------------------------------------
    def _ensure_sink(self) -> bool:
        if self.sink is not None:
            return True
        try:
            self.sink = self.connect_sink()
        except _SYSTEMIC as exc:
            self._lost_database(exc)
            return False
        return True

    def _lost_database(self, exc: Exception) -> None:
        if self.sink is not None:
            self.sink.close()
        self.sink = None
        self.counters.db_errors += 1
        self.counters.db_up = False
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.error("database unavailable (%s): spooling to %s and retrying with back-off",
                      str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, self.spool.path)

    def _recovered(self) -> None:
        self._backoff = 0.5
        self.counters.db_up = True
        if self._outage_since is not None:
            log.warning("database is back after %.1f s; %d message(s) in the spool to replay",
                        time.monotonic() - self._outage_since, self.spool.count)
            self._outage_since = None

    def _spool(self, batch: list[Message]) -> bool:
        if not self.spool.has_room():
            if self.counters.spool_bytes < self.spool.max_bytes:
                log.error("spool full (%d bytes): no longer acknowledging; the broker keeps the backlog",
                          self.spool.bytes)
            return False
        self.spool.append(batch)
        self.counters.spooled += len(batch)
        for msg in batch:
            self.ack(msg)
        return True

    def _replay_spool(self) -> bool:
        """Write the spool's oldest messages; True when the spool is empty again."""
        while self.spool.count and self.sink is not None:
            rows = self.spool.oldest(self.opt.batch_size)
            batch = [Message(0, 0, topic, payload, at, parse(topic, payload, at)) for _, at, topic, payload in rows]
            try:
                stats = self._write_retrying(batch)
            except _SYSTEMIC as exc:
                self._lost_database(exc)
                return False
            self._account(stats)
            self.spool.delete_through(rows[-1][0])
            self._recovered()
            if self.spool.count == 0:
                log.info("spool replayed")
        return self.spool.count == 0

    def _next_backoff(self) -> float:
        delay, self._backoff = self._backoff, min(self._backoff * 2, self.opt.backoff_max)
        return delay

    def _update_gauges(self, pending: list[Message]) -> None:
        c = self.counters
        c.queue_depth = self.q.qsize() + len(pending)
        c.spool_messages, c.spool_bytes = self.spool.count, self.spool.bytes
        oldest = pending[0].received_at if pending else None
        c.oldest_unacked_s = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0


def _refused(msg: Message, exc: psycopg.Error) -> Message:
    """The message as a dead letter: the database refused its rows although the contract accepted them."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    rej = Rejection("db_refused", f"the database refused this message's rows: {first}")
    result = ParseResult(msg.result.topic, (), (rej,))
    return Message(msg.mid, msg.qos, msg.topic, msg.payload, msg.received_at, result, msg.gen)
