"""The writer: drains the queue in batches (by size and time), commits, then acknowledges.

A message is acknowledged to the broker only after its rows are committed (or, while the database is down, after it is
durable in the local spool). A system fault (see refusals.py) backs off and retries, the spool's replay included; a
batch the database refuses for one message's rows is split in halves until that message is found and dead-lettered
with the database's reason. When neither the database nor the spool's disk takes a batch, nothing is acknowledged: the
broker keeps it and it is written when either returns. ``stop()`` ends the loop within one back-off step.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

import psycopg

from pipelines.ingest import deadletters
from pipelines.ingest.counters import Counters
from pipelines.ingest.message import Message, WriteStats
from pipelines.ingest.refusals import (
    DeadLetterBudget,
    first_line,
    is_message_fault,
    is_retry,
    refused_by_database,
    within_window,
)
from pipelines.ingest.spool import Spool
from sensors.contract import parse

log = logging.getLogger(__name__)

Ack = Callable[[Sequence[Message]], None]   # acknowledges a batch, in order
SinkFactory = Callable[[], "SinkLike"]


class MessageSource(Protocol):
    """Where the writer takes messages from: a queue.Queue, or the writer process's MessageQueue."""

    def get(self, block: bool = True, timeout: float | None = None) -> Message: ...

    def get_nowait(self) -> Message: ...

    def qsize(self) -> int: ...

    def empty(self) -> bool: ...


class SinkLike(Protocol):
    def write(self, batch: Sequence[Message]) -> WriteStats: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class WriterOptions:
    batch_size: int = 2000
    batch_seconds: float = 0.05
    backoff_max: float = 10.0
    max_age: timedelta | None = None              # readings older than this are refused (old_ts); None: any age
    dead_letter_burst: int = 1024 * 1024          # bytes of dead letters a device may write at once …
    dead_letter_per_hour: int = 1024 * 1024       # … and an hour after that


class Writer:
    def __init__(self, q: MessageSource, connect_sink: SinkFactory, ack: Ack, spool: Spool,
                 counters: Counters, options: WriterOptions = WriterOptions(),
                 on_commit: Callable[[Sequence[Message]], None] | None = None) -> None:
        self.q, self.connect_sink, self.ack, self.spool = q, connect_sink, ack, spool
        self.on_commit = on_commit   # observers (benchmarks): called after a batch is committed
        self.counters, self.opt = counters, options
        self.budget = DeadLetterBudget(options.dead_letter_burst, options.dead_letter_per_hour)
        self.sink: SinkLike | None = None
        self.stopping = threading.Event()
        self._backoff = 0.5
        self._retry_at = 0.0          # monotonic: no database attempt before this (back-off after a fault)
        self._outage_since: float | None = None

    # -- the loop ----------------------------------------------------------------------------------------------
    def run(self) -> None:
        pending: list[Message] = []
        while not (self.stopping.is_set() and not pending and self.q.empty()):
            if not pending:
                pending = self._admit(self._collect())
            self._update_gauges(pending)
            if self._database_ready() and (not pending or self._commit(pending)):
                pending = []
            elif pending and self._spool(pending):
                pending = []
            elif self.stopping.is_set():
                log.warning("stopping with %d message(s) unacknowledged: the broker redelivers them",
                            len(pending) + self.q.qsize())
                break
            elif pending:
                self.stopping.wait(min(1.0, max(0.05, self._retry_at - time.monotonic())))
        self._update_gauges([])
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

    def _admit(self, batch: list[Message]) -> list[Message]:
        """Apply the timestamp window and each device's dead-letter budget before anything is written."""
        now, out = time.monotonic(), []
        for msg in batch:
            msg = within_window(msg, self.opt.max_age)
            if msg.result.rejections and not self.budget.spend(
                    msg.result.topic.device_id if msg.result.topic else None, deadletters.cost(msg), now):
                msg = replace(msg, over_budget=True)
            out.append(msg)
        return out

    # -- committing ----------------------------------------------------------------------------------------
    def _commit(self, batch: list[Message]) -> bool:
        try:
            stats = self._write(batch)
        except psycopg.Error as exc:
            self._lost_database(exc)
            return False
        self._account(stats)
        self.ack(batch)
        # Committed: nothing waits on the spool's disk now, so a full disk from the outage is no longer news.
        self.counters.acknowledging, self.counters.spool_disk_full = True, False
        if self.on_commit is not None:
            self.on_commit(batch)
        self._recovered()
        return True

    def _write(self, batch: Sequence[Message]) -> WriteStats:
        """Write, or split until the message the database refuses is alone; system faults propagate."""
        try:
            return self._write_retrying(batch)
        except psycopg.Error as exc:
            if not is_message_fault(exc):
                raise
            if len(batch) == 1:
                log.warning("the database refused the message on %s: %s", batch[0].topic, first_line(exc))
                return self._write_retrying([refused_by_database(batch[0], exc)])
            log.warning("the database refused a batch of %d (%s); splitting it", len(batch), first_line(exc))
            half = len(batch) // 2
            total = self._write(batch[:half])
            total.add(self._write(batch[half:]))
            return total

    def _write_retrying(self, batch: Sequence[Message]) -> WriteStats:
        """Workers that create the same new chunk at once can deadlock; the loser simply writes again."""
        assert self.sink is not None
        for attempt in range(5):
            try:
                return self.sink.write(batch)
            except psycopg.Error as exc:
                if not is_retry(exc):
                    raise
                time.sleep(0.02 * (attempt + 1))
        return self.sink.write(batch)

    def _account(self, stats: WriteStats) -> None:
        c = self.counters
        c.stored += stats.stored
        c.duplicates += stats.duplicates
        c.dead_lettered += stats.dead_lettered
        c.dead_letters_over_budget += stats.dead_letters_over_budget

    # -- the outage path -------------------------------------------------------------------------------------
    def _database_ready(self) -> bool:
        """Connected and the spool replayed; False (without trying) until the back-off after a fault has passed."""
        if time.monotonic() < self._retry_at:
            return False
        if self.sink is None:
            try:
                self.sink = self.connect_sink()
            except psycopg.Error as exc:
                self._lost_database(exc)
                return False
        return self.spool.count == 0 or self._replay_spool()

    def _lost_database(self, exc: psycopg.Error) -> None:
        if self.sink is not None:
            self.sink.close()
        self.sink = None
        self.counters.db_errors += 1
        self.counters.db_up = False
        self._retry_at = time.monotonic() + self._next_backoff()
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.error("database unavailable (%s): spooling to %s and retrying with back-off", first_line(exc),
                      self.spool.path)

    def _recovered(self) -> None:
        self._backoff, self._retry_at = 0.5, 0.0
        self.counters.db_up = True
        if self._outage_since is not None:
            log.warning("database is back after %.1f s; %d message(s) in the spool to replay",
                        time.monotonic() - self._outage_since, self.spool.count)
            self._outage_since = None

    def _spool(self, batch: list[Message]) -> bool:
        if not self.spool.has_room():
            self._hold(f"spool full ({self.spool.bytes} bytes)")
            return False
        if not self.spool.append(batch):
            self.counters.spool_disk_full = True
            self._hold(f"the spool's disk refused the write ({self.spool.error})")
            return False
        if self.counters.spool_disk_full:
            log.warning("the spool's disk takes writes again: acknowledging")
        self.counters.spool_disk_full, self.counters.acknowledging = False, True
        self.counters.spooled += len(batch)
        self.ack(batch)
        return True

    def _hold(self, why: str) -> None:
        if self.counters.acknowledging:
            log.error("%s and the database is unavailable: no longer acknowledging; the broker keeps the backlog",
                      why)
        self.counters.acknowledging = False

    def _replay_spool(self) -> bool:
        """Write the spool's oldest messages; True when the spool is empty again."""
        while self.spool.count and self.sink is not None and not self.stopping.is_set():
            rows = self.spool.oldest(self.opt.batch_size)
            batch = self._admit([Message(0, 0, topic, payload, at, parse(topic, payload, at))
                                 for _, at, topic, payload in rows])
            try:
                stats = self._write(batch)
            except psycopg.Error as exc:
                self._lost_database(exc)
                return False
            self._account(stats)
            if not self.spool.delete_through(rows[-1][0]):
                self._retry_at = time.monotonic() + self._next_backoff()
                return False
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
