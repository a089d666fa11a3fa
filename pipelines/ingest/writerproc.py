"""The writer process: parses and writes what the receiving process hands over, and says how many it may acknowledge.

``ioc ingest`` runs the paho client in one process and this in a second one, so the two halves of the hot path run
on two cores instead of taking turns under one GIL (see docs/ingestion.md, "The hot path"). Batches arrive as raw
``(topics, payloads, receive times)`` lists; a parse thread turns them into Messages while the writer thread commits
the previous batch (PostgreSQL's work releases the GIL). The normal :class:`~pipelines.ingest.writer.Writer` does
the rest: dedup, dead letters, accounting, the spool and its replay, back-off. Messages are acknowledged strictly in
the order they arrived, so the writer reports only *how many more* may be acknowledged; the receiving process holds
the mids and acknowledges them on the connection that delivered them.

Wire protocol (two one-way pipes): in, ``pickle((topics, payloads, times))`` per hand-over and ``b""`` to finish;
out, ``("acked", n, counters)`` after each commit or spool, ``("stats", 0, counters)`` every second, and
``("done", 0, counters)`` on the way out. The end of the input pipe without ``b""`` means the receiving process died:
this one exits at once (what it held was not acknowledged, so the broker redelivers it; dedup stores it once).
"""

from __future__ import annotations

import collections
import logging
import os
import pickle
import queue
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg

from ioc import logs
from pipelines.ingest.counters import Counters
from pipelines.ingest.message import Message
from pipelines.ingest.sink import PgSink
from pipelines.ingest.spool import Spool
from pipelines.ingest.writer import Writer, WriterOptions
from sensors.contract import ParseResult, Rejection, parse

log = logging.getLogger(__name__)
Raw = tuple[list[bytes], list[bytes], list[float]]


@dataclass(frozen=True)
class WriterConfig:
    """What the writer process needs (picklable: it is started with ``spawn``)."""

    database_url: str
    spool_path: Path
    spool_max_bytes: int
    statement_timeout_s: float
    writer: WriterOptions
    log_level: str = "INFO"


class MessageQueue:
    """The parse thread → writer thread queue (the Writer's ``get``/``get_nowait``/``qsize``/``empty``); unbounded
    here because the receiving process already bounds everything not yet acknowledged."""

    def __init__(self) -> None:
        self.items: collections.deque[Message] = collections.deque()
        self.cv = threading.Condition()

    def put_many(self, msgs: Sequence[Message]) -> None:
        with self.cv:
            self.items.extend(msgs)
            self.cv.notify()

    def get(self, block: bool = True, timeout: float | None = None) -> Message:
        with self.cv:
            if not self.items and not (block and self.cv.wait_for(lambda: bool(self.items), timeout)):
                raise queue.Empty
            return self.items.popleft()

    def get_nowait(self) -> Message:
        try:
            return self.items.popleft()
        except IndexError:
            raise queue.Empty from None

    def qsize(self) -> int:
        return len(self.items)

    def empty(self) -> bool:
        return not self.items


def parse_batch(raw: Raw) -> list[Message]:
    """Raw hand-over lists into Messages (mid/qos are the receiving process's business: acks go by count)."""
    out = []
    for topic_b, payload, at in zip(*raw, strict=True):
        topic = topic_b.decode("utf-8", "replace")
        received_at = datetime.fromtimestamp(at, UTC)
        try:
            result = parse(topic, payload, received_at)
        except Exception as exc:  # the contract never raises; if it ever does, the message is kept, not lost
            log.exception("contract parse raised on %s", topic)
            result = ParseResult(None, (), (Rejection("internal", f"the ingester could not parse this: {exc!r}"),))
        out.append(Message(0, 1, topic, payload, received_at, result))
    return out


def main(inbox: Connection, outbox: Connection, cfg: WriterConfig) -> None:
    """The writer process's entry point. Signals are the receiving process's to handle: it tells us to finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logs.setup(cfg.log_level)
    counters, q, send_lock = Counters(), MessageQueue(), threading.Lock()
    spool = Spool(cfg.spool_path, cfg.spool_max_bytes)

    def send(kind: str, n: int) -> None:
        with send_lock:
            outbox.send((kind, n, counters.snapshot()))

    def connect_sink() -> PgSink:
        timeout_ms = int(cfg.statement_timeout_s * 1000)
        options = f"-c statement_timeout={timeout_ms}"
        return PgSink(psycopg.connect(cfg.database_url, connect_timeout=3, options=options,
                                      application_name="ioc-ingest-writer"))

    writer = Writer(q, connect_sink, lambda batch: send("acked", len(batch)), spool, counters, cfg.writer)
    threading.Thread(target=_read, args=(inbox, q, writer), name="parse", daemon=True).start()
    threading.Thread(target=_report, args=(writer, send), name="stats", daemon=True).start()
    writer.run()
    spool.close()
    send("done", 0)


def _read(inbox: Connection, q: MessageQueue, writer: Writer) -> None:
    while True:
        try:
            data = inbox.recv_bytes()
        except (EOFError, OSError):
            log.error("the receiving process is gone: exiting; what was not acknowledged is redelivered")
            os._exit(3)
        if not data:
            writer.stop()   # finish: the writer drains what it holds and what is queued
            return
        q.put_many(parse_batch(pickle.loads(data)))


def _report(writer: Writer, send: object) -> None:
    while not writer.stopping.wait(1.0):
        send("stats", 0)  # type: ignore[operator]
