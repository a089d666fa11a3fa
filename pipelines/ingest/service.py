"""One ingester worker: receiver → bounded queue → writer (or, with ``writer_process``, receiver → hand-over → the
writer process: handover.py, writerproc.py), plus heartbeat, metrics, the replay of spool files other
client ids left behind, the reclaim of ghost members (when asked) and, when leader, rollups and retention."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import FrameType

import psycopg
from prometheus_client import CollectorRegistry, start_http_server

from ioc.mqtt import MqttTarget
from pipelines import retention, rollup
from pipelines.ingest import broker_stats, members, reclaim, spools
from pipelines.ingest.bounded import BoundedQueue
from pipelines.ingest.counters import Counters, CountersCollector
from pipelines.ingest.handover import Handover
from pipelines.ingest.receiver import Receiver
from pipelines.ingest.sink import PgSink
from pipelines.ingest.writer import Writer, WriterOptions
from pipelines.ingest.writerproc import WriterConfig

log = logging.getLogger(__name__)
LEADER_LOCK = 0x10C_0002


@dataclass(frozen=True)
class IngestOptions:
    database_url: str
    mqtt_url: str
    state_dir: Path
    client_id: str = members.member_id(members.DEFAULT_PREFIX, 0)   # from configuration, never the hostname
    # One worker subscribes plainly; N workers share a group.
    share_group: str | None = None
    # The configured workers (``ioc ingest --workers N``); with ``reclaim`` this worker drains the sessions of
    # members that are no longer configured.
    membership: members.Membership | None = None
    reclaim: bool = False
    queue_messages: int = 20_000
    queue_bytes: int = 64 * 1024 * 1024
    keepalive_s: int = 30
    batch_size: int = 2000
    batch_seconds: float = 0.05
    receive_maximum: int = 5000
    spool_max_bytes: int = 512 * 1024 * 1024
    statement_timeout_s: float = 60.0   # a batch COPY takes well under a second; a hung server is an outage
    metrics_port: int | None = None
    maintenance: bool = True
    broker_stats: bool = True   # sample the broker's $SYS counters into broker_stats (the audit's broker stage)
    timezone: str = "Asia/Ho_Chi_Minh"
    retention: retention.RetentionPolicy = field(default_factory=retention.RetentionPolicy)
    max_age_days: int | None = None   # readings dated further back are dead-lettered; None: retention.raw_days
    purge: Callable[[psycopg.Connection], object] | None = None   # plain-table retention (personal data, logs)
    # Parse and write in a second process (``ioc ingest`` does): paho's thread then only hands raw bytes over, and
    # the two halves run on two cores. Off, both run as threads of this process (tests reach into the writer).
    writer_process: bool = False
    rollup_min_interval_s: float = 15.0   # a minute still receiving rows is recomputed at most this often
    log_level: str = "INFO"

    def members(self) -> members.Membership:
        if self.membership is not None:
            return self.membership
        return members.Membership(count=2 if self.share_group else 1, group=self.share_group or members.DEFAULT_GROUP)

    def spool_folder(self) -> Path:
        return self.state_dir / "spool"


class Ingester:
    def __init__(self, opt: IngestOptions) -> None:
        self.opt = opt
        self.counters = Counters()
        self.q = BoundedQueue(opt.queue_messages, opt.queue_bytes)
        self.writer_options = WriterOptions(opt.batch_size, opt.batch_seconds, max_age=self._max_age(opt))
        self.spool, self._spool_lock = spools.open_own(opt.spool_folder(), opt.client_id, opt.spool_max_bytes)
        self.handover: Handover | None = None
        if opt.writer_process:   # the writer process opens the spool file; this one keeps holding its lock
            self.spool.close()
            self.handover = Handover(
                WriterConfig(opt.database_url, self.spool.path, opt.spool_max_bytes, opt.statement_timeout_s,
                             self.writer_options, opt.log_level),
                self.counters, opt.queue_messages, opt.queue_bytes, opt.batch_size)
        group = opt.members()
        self.subscription = group.subscription()
        self.receiver = Receiver(MqttTarget.parse(opt.mqtt_url), opt.client_id, self.subscription, self.q,
                                 self.counters, opt.receive_maximum, unsubscribe=group.strays(),
                                 keepalive=opt.keepalive_s, handover=self.handover)
        self.member = members.MemberLock(opt.database_url, opt.client_id)
        self.sampler = broker_stats.BrokerSampler(self.receiver.target, opt.client_id) if opt.broker_stats else None
        self.writer = Writer(self.q, self._connect_sink, self.receiver.ack, self.spool, self.counters,
                             self.writer_options)
        self.stopped = threading.Event()
        self.stopping = threading.Event()
        self.last_commit: float | None = None

    @staticmethod
    def _max_age(opt: IngestOptions) -> timedelta:
        """Readings older than this are refused: the setting, else as long as raw telemetry is kept."""
        return timedelta(days=opt.max_age_days or opt.retention.days("env_telemetry"))

    def _connect_sink(self) -> PgSink:
        # A server that takes a statement and never answers must not hold the writer (nor stop()) forever: the
        # cancelled statement is an outage like any other (spool, back off, retry).
        timeout_ms = int(self.opt.statement_timeout_s * 1000)
        return PgSink(psycopg.connect(self.opt.database_url, connect_timeout=3, application_name="ioc-ingest-writer",
                                      options=f"-c statement_timeout={timeout_ms}"))

    def run(self) -> None:
        """Run until stop() (or SIGTERM/SIGINT when called from the main thread)."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        if self.opt.metrics_port:
            registry = CollectorRegistry()
            registry.register(CountersCollector(self.counters, self.opt.client_id))
            start_http_server(self.opt.metrics_port, addr="127.0.0.1", registry=registry)
        if not self.member.acquire(self.stopping):
            self._close()   # stopped while another process held this member: never connected
            return
        threads = [threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True),
                   threading.Thread(target=self._replay_others, name="spools", daemon=True)]
        if self.opt.maintenance:
            threads.append(threading.Thread(target=self._maintain, name="maintenance", daemon=True))
        if self.opt.reclaim:
            threads.append(threading.Thread(target=self._reclaim, name="reclaim", daemon=True))
        if self.handover is not None:
            self.handover.start()
        for t in threads:
            t.start()
        self.receiver.start()
        if self.sampler is not None:
            self.sampler.start()
        log.info("ingesting %s as %s%s", self.subscription, self.opt.client_id,
                 " (parsing and writing in a second process)" if self.handover else "")
        if self.handover is None:
            self.writer.run()   # returns after stop(): the queue drained and committed
        else:
            self.handover.wait()   # after stop(): the writer process drained, committed and reported its acks
            if self.handover.failed:
                self.stop()        # the writer process died: stop reading; side threads end too
        self.receiver.stop()
        if self.sampler is not None:
            self.sampler.stop()
        self.stopped.set()
        for t in threads[:2]:
            t.join(30)   # the last heartbeat carries the final counters; a replay in hand finishes its batch
        self._close()
        log.info("stopped: %s", json.dumps(self.counters.snapshot()))
        if self.handover is not None and self.handover.failed:
            raise RuntimeError("the writer process ended unexpectedly; restart the ingester (nothing acknowledged "
                               "was lost: the broker redelivers the rest)")

    def _close(self) -> None:
        self.spool.close()
        self._spool_lock.release()
        self.member.release()

    def stop(self) -> None:
        self.receiver.pause()
        self.writer.stop()
        if self.handover is not None:
            self.handover.stop()
        self.stopping.set()   # replay and reclaim stop now; the writer still drains what it holds

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: finishing the batch in hand, then stopping", signum)
        self.stop()

    # -- side threads ----------------------------------------------------------------------------------------
    def _heartbeat(self) -> None:
        """Every 2 s (and once more on the way out): counters into ingest_heartbeat for walls and ``--stats``, and
        the broker's $SYS counters into broker_stats when they moved."""
        conn: psycopg.Connection | None = None
        before = (0, time.monotonic())
        while True:
            stopping = self.stopped.wait(2.0)
            conn, before = self._beat(conn, before)
            if stopping:
                break
        if conn is not None:
            conn.close()

    def _beat(self, conn: psycopg.Connection | None,
              before: tuple[int, float]) -> tuple[psycopg.Connection | None, tuple[int, float]]:
        c, now = self.counters, time.monotonic()
        rate = (c.stored - before[0]) / max(now - before[1], 1e-6)
        if c.stored != before[0]:
            self.last_commit = time.time()
        if not self.stopped.is_set():
            self.member.try_acquire()   # again after a database outage dropped the lock's connection
        # "running": false on the way out tells a reclaimer this member stopped on purpose (no need to wait it out)
        queued = self.handover.bytes if self.handover else self.q.bytes
        snap = c.snapshot() | {"rate_stored": round(rate, 1), "running": not self.stopped.is_set(),
                               "queue_bytes": queued, "stalled_s": round(self.receiver.stalled_s, 1),
                               "subscription": self.subscription}
        try:
            conn = conn or psycopg.connect(self.opt.database_url, autocommit=True, connect_timeout=3,
                                           application_name="ioc-ingest-heartbeat")
            conn.execute(
                "INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at, counters) "
                "VALUES (%s, now(), to_timestamp(%s), %s) ON CONFLICT (worker) DO UPDATE SET "
                "updated_at = excluded.updated_at, counters = excluded.counters, "
                "last_commit_at = coalesce(excluded.last_commit_at, ingest_heartbeat.last_commit_at)",
                [self.opt.client_id, self.last_commit, json.dumps(snap)])
            if self.sampler is not None and (tick := self.sampler.take()) is not None:
                broker_stats.record(conn, self.opt.client_id, *tick)
        except psycopg.Error:
            if self.sampler is not None:
                self.sampler.forget()   # the tick taken was not written: write the next one whatever it holds
            if conn is not None:
                conn.close()
            conn = None
        return conn, (c.stored, now)

    def _replay_others(self) -> None:
        """Every 10 s: replay spool files other client ids left in the folder (those nobody holds)."""
        while not self.stopping.is_set():
            for path in spools.others(self.opt.spool_folder(), self.spool.path):
                done = spools.replay_file(path, self._connect_sink, self.writer_options, self.stopping,
                                          self.opt.spool_max_bytes)
                if done is not None:
                    self.counters.stored += done.stored
                    self.counters.duplicates += done.duplicates
                    self.counters.dead_lettered += done.dead_lettered
            self.stopping.wait(10.0)

    def _reclaim(self) -> None:
        """Every 10 s: drain and end the broker sessions of members no longer configured (see reclaim.py)."""
        drain = reclaim.Drain(self.receiver.target, self._connect_sink, self.opt.spool_folder(),
                              self.opt.spool_max_bytes, self.writer_options)
        self.receiver.connected.wait(30)
        while not self.stopping.is_set():
            try:
                reclaim.reclaim_ghosts(self.opt.database_url, self.opt.members(), drain,
                                       live=lambda: not self.stopping.is_set())
            except (psycopg.Error, OSError, TimeoutError, RuntimeError) as exc:
                log.warning("reclaiming ghost members paused: %s", exc)
            self.stopping.wait(10.0)

    def _maintain(self) -> None:
        """Leader only (advisory lock): refresh rollups every few seconds (a minute already refreshed at most every
        ``rollup_min_interval_s``: rollup.Pacer), apply retention hourly."""
        conn: psycopg.Connection | None = None
        leader, next_retention = False, 0.0
        pacer = rollup.Pacer(self.opt.rollup_min_interval_s)
        while not self.stopped.wait(3.0):
            try:
                if conn is None:
                    conn = psycopg.connect(self.opt.database_url, autocommit=True, connect_timeout=3,
                                           application_name="ioc-ingest-maintenance")
                    leader = False
                if not leader:
                    leader = bool(conn.execute("SELECT pg_try_advisory_lock(%s)", [LEADER_LOCK]).fetchone()[0])  # type: ignore[index]
                    if not leader:
                        continue
                    log.info("this worker runs rollups and retention")
                    retention.enable_compression(conn)
                while rollup.refresh(conn, self.opt.timezone, pacer=pacer).minutes and not self.stopped.is_set():
                    pass
                if time.monotonic() > next_retention:
                    retention.apply(conn, self.opt.retention)
                    if self.opt.purge is not None:
                        self.opt.purge(conn)
                    next_retention = time.monotonic() + 3600
            except psycopg.Error as exc:
                log.warning("maintenance paused: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
