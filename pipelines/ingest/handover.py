"""The receiving side of the two-process hot path: raw messages out to the writer process in batches, acks back.

paho's network thread only appends a message's topic, payload and receive time to the outgoing lists and its
(mid, qos, connection generation) to ``unacked``; no parse, no per-message object. A sender thread pickles what has
accumulated (at most every 10 ms, at once when a batch is full) into the writer process (writerproc.py); an ack
thread reads back how many messages the writer committed (or spooled) and acknowledges that many from the front of
``unacked``, on the connection that delivered each one (an older generation is redelivered and deduplicated).

``unacked`` is everything received and not yet acknowledged, wherever it is (here, in the pipe, in the writer
process): bounding it in messages and bytes bounds both processes' memory. When it is full, ``offer`` refuses and
the receiver stops reading the socket (back-pressure), as with the single-process queue.
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import pickle
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from pipelines.ingest import writerproc
from pipelines.ingest.counters import Counters

log = logging.getLogger(__name__)
_OVERHEAD = 120   # bytes one message costs beyond topic and payload, here and in the writer process
_SHIP_EVERY_S = 0.01
_IDLE_WAIT_S = 0.5
# Gauges and counters the writer process owns; ``received`` and ``queue_depth`` are this side's.
_FROM_WRITER = ("stored", "duplicates", "dead_lettered", "dead_letters_over_budget", "spooled", "db_errors",
                "spool_messages", "spool_bytes", "oldest_unacked_s", "db_up", "acknowledging", "spool_disk_full")
Unacked = tuple[int, int, int, int]   # (mid, qos, connection generation, bytes)


class Handover:
    def __init__(self, cfg: writerproc.WriterConfig, counters: Counters, max_messages: int, max_bytes: int,
                 batch_size: int) -> None:
        self.cfg, self.counters = cfg, counters
        self.max_messages, self.max_bytes, self.batch_size = max_messages, max_bytes, batch_size
        self.ack: Callable[[list[Unacked]], None] = lambda items: None   # the receiver's, set once both exist
        self.lock = threading.Lock()
        self.not_full = threading.Condition(self.lock)
        self.ready = threading.Condition(self.lock)
        self.topics: list[bytes] = []
        self.payloads: list[bytes] = []
        self.times: list[float] = []
        self.unacked: collections.deque[Unacked] = collections.deque()
        self.bytes = 0
        self.closing = False
        self.failed = False   # the writer process ended without being told to
        self.done = threading.Event()
        self.proc: multiprocessing.process.BaseProcess | None = None

    # -- paho's network thread --------------------------------------------------------------------------------
    def offer(self, mid: int, qos: int, gen: int, topic: bytes, payload: bytes, timeout: float) -> bool:
        """Take a message unless still full after ``timeout`` seconds; True when taken."""
        size = len(topic) + len(payload) + _OVERHEAD
        with self.lock:
            if self._full():
                self.not_full.wait(timeout)
                if self._full():
                    return False
            self.topics.append(topic)
            self.payloads.append(payload)
            self.times.append(time.time())
            self.unacked.append((mid, qos, gen, size))
            self.bytes += size
            if len(self.topics) == 1 or len(self.topics) >= self.batch_size:
                self.ready.notify()   # the first message wakes an idle sender; a full batch goes at once
            return True

    def _full(self) -> bool:
        n = len(self.unacked)
        return n >= self.max_messages or (n > 0 and self.bytes >= self.max_bytes)

    def qsize(self) -> int:
        return len(self.unacked)

    # -- life ---------------------------------------------------------------------------------------------------
    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")   # never fork a process that runs threads
        inbox_r, inbox_w = ctx.Pipe(duplex=False)
        outbox_r, outbox_w = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=writerproc.main, args=(inbox_r, outbox_w, self.cfg),
                                name="ioc-ingest-writer", daemon=True)
        self.proc.start()
        inbox_r.close()
        outbox_w.close()
        threading.Thread(target=self._ship, args=(inbox_w,), name="handover-send", daemon=True).start()
        threading.Thread(target=self._acks, args=(outbox_r,), name="handover-acks", daemon=True).start()

    def stop(self) -> None:
        """Hand over what is left, then tell the writer process to finish (it drains and commits first)."""
        with self.lock:
            self.closing = True
            self.ready.notify()

    def wait(self) -> None:
        """Until the writer process has finished and every ack it reported has been sent."""
        self.done.wait()
        if self.proc is not None:
            self.proc.join(30)

    def terminate(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()

    # -- the two threads --------------------------------------------------------------------------------------
    def _ship(self, inbox: Connection) -> None:
        try:
            while True:
                with self.lock:
                    if not self.topics and not self.closing:
                        self.ready.wait(_IDLE_WAIT_S)    # idle until a first message arrives
                    if self.topics and len(self.topics) < self.batch_size and not self.closing:
                        self.ready.wait(_SHIP_EVERY_S)   # gather for up to 10 ms, unless a batch fills
                    raw = (self.topics, self.payloads, self.times)
                    self.topics, self.payloads, self.times = [], [], []
                    closing = self.closing
                if raw[0]:
                    inbox.send_bytes(pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL))
                if closing:
                    inbox.send_bytes(b"")
                    return
        except OSError as exc:   # the writer process is gone; _acks reports it
            log.debug("hand-over stopped: %s", exc)

    def _acks(self, outbox: Connection) -> None:
        while True:
            try:
                kind, n, snapshot = outbox.recv()
            except (EOFError, OSError):
                if not self.closing:
                    log.error("the writer process ended unexpectedly: stopping; unacknowledged messages are "
                              "redelivered")
                self.failed = not self.closing
                break
            if n:
                with self.lock:
                    items = [self.unacked.popleft() for _ in range(n)]
                    self.bytes -= sum(i[3] for i in items)
                    self.not_full.notify()
                self.ack(items)
            self._merge(snapshot)
            if kind == "done":
                break
        self.done.set()

    def _merge(self, snapshot: dict[str, float | int | bool]) -> None:
        c = self.counters
        for key in _FROM_WRITER:
            setattr(c, key, snapshot[key])
        c.queue_depth = len(self.unacked)
