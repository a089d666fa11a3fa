"""One ingester worker: receiver → queue → writer, plus heartbeat, metrics and (when leader) rollups and retention."""

from __future__ import annotations

import json
import logging
import queue
import signal
import socket
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
from pipelines.ingest.counters import Counters, CountersCollector
from pipelines.ingest.message import Message
from pipelines.ingest.receiver import Receiver
from pipelines.ingest.sink import PgSink
from pipelines.ingest.spool import Spool
from pipelines.ingest.writer import Writer, WriterOptions
from sensors.contract import subscription

log = logging.getLogger(__name__)
LEADER_LOCK = 0x10C_0002


@dataclass(frozen=True)
class IngestOptions:
    database_url: str
    mqtt_url: str
    state_dir: Path
    client_id: str = field(default_factory=lambda: f"ioc-ingest-{socket.gethostname()}-0")
    # One worker subscribes plainly; N workers share a group. (Mosquitto 2.0 mishandles shared subscriptions it
    # restores after a restart; see receiver.py.)
    share_group: str | None = None
    batch_size: int = 2000
    batch_seconds: float = 0.05
    receive_maximum: int = 5000
    spool_max_bytes: int = 512 * 1024 * 1024
    metrics_port: int | None = None
    maintenance: bool = True
    timezone: str = "Asia/Ho_Chi_Minh"
    retention: retention.RetentionPolicy = field(default_factory=retention.RetentionPolicy)
    max_age_days: int | None = None   # readings dated further back are dead-lettered; None: retention.raw_days
    purge: Callable[[psycopg.Connection], object] | None = None   # plain-table retention (personal data, logs)


class Ingester:
    def __init__(self, opt: IngestOptions) -> None:
        self.opt = opt
        self.counters = Counters()
        self.q: queue.Queue[Message] = queue.Queue()
        self.spool = Spool(opt.state_dir / "spool" / f"{opt.client_id}.sqlite", opt.spool_max_bytes)
        self.receiver = Receiver(MqttTarget.parse(opt.mqtt_url), opt.client_id, subscription(opt.share_group),
                                 self.q, self.counters, opt.receive_maximum)
        self.writer = Writer(self.q, self._connect_sink, self.receiver.ack, self.spool, self.counters,
                             WriterOptions(opt.batch_size, opt.batch_seconds, max_age=self._max_age(opt)))
        self.stopped = threading.Event()
        self.last_commit: float | None = None

    @staticmethod
    def _max_age(opt: IngestOptions) -> timedelta:
        """Readings older than this are refused: the setting, else as long as raw telemetry is kept."""
        return timedelta(days=opt.max_age_days or opt.retention.days("env_telemetry"))

    def _connect_sink(self) -> PgSink:
        return PgSink(psycopg.connect(self.opt.database_url, connect_timeout=3))

    def run(self) -> None:
        """Run until stop() (or SIGTERM/SIGINT when called from the main thread)."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        if self.opt.metrics_port:
            registry = CollectorRegistry()
            registry.register(CountersCollector(self.counters, self.opt.client_id))
            start_http_server(self.opt.metrics_port, addr="127.0.0.1", registry=registry)
        threads = [threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True)]
        if self.opt.maintenance:
            threads.append(threading.Thread(target=self._maintain, name="maintenance", daemon=True))
        for t in threads:
            t.start()
        self.receiver.start()
        log.info("ingesting %s as %s", subscription(self.opt.share_group), self.opt.client_id)
        self.writer.run()   # returns after stop(): the queue drained and committed
        self.receiver.stop()
        self.stopped.set()
        threads[0].join(10)   # the last heartbeat carries the final counters
        self.spool.close()
        log.info("stopped: %s", json.dumps(self.counters.snapshot()))

    def stop(self) -> None:
        self.receiver.pause()
        self.writer.stop()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: finishing the batch in hand, then stopping", signum)
        self.stop()

    # -- side threads ----------------------------------------------------------------------------------------
    def _heartbeat(self) -> None:
        """Every 2 s (and once more on the way out): counters into ingest_heartbeat for walls and ``--stats``."""
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
        snap = c.snapshot() | {"rate_stored": round(rate, 1)}
        try:
            conn = conn or psycopg.connect(self.opt.database_url, autocommit=True, connect_timeout=3)
            conn.execute(
                "INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at, counters) "
                "VALUES (%s, now(), to_timestamp(%s), %s) ON CONFLICT (worker) DO UPDATE SET "
                "updated_at = excluded.updated_at, counters = excluded.counters, "
                "last_commit_at = coalesce(excluded.last_commit_at, ingest_heartbeat.last_commit_at)",
                [self.opt.client_id, self.last_commit, json.dumps(snap)])
        except psycopg.Error:
            if conn is not None:
                conn.close()
            conn = None
        return conn, (c.stored, now)

    def _maintain(self) -> None:
        """Leader only (advisory lock): refresh rollups every few seconds, apply retention hourly."""
        conn: psycopg.Connection | None = None
        leader, next_retention = False, 0.0
        while not self.stopped.wait(3.0):
            try:
                if conn is None:
                    conn = psycopg.connect(self.opt.database_url, autocommit=True, connect_timeout=3)
                    leader = False
                if not leader:
                    leader = bool(conn.execute("SELECT pg_try_advisory_lock(%s)", [LEADER_LOCK]).fetchone()[0])  # type: ignore[index]
                    if not leader:
                        continue
                    log.info("this worker runs rollups and retention")
                    retention.enable_compression(conn)
                while rollup.refresh(conn, self.opt.timezone).minutes and not self.stopped.is_set():
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
