"""Every spool file in the spool folder is replayed, whoever wrote it; a file lock keeps it to one worker at a time.

A spool holds messages already acknowledged to the broker: the broker will never send them again, so a spool file
left behind by a client id that no longer runs (scaled down, renamed, an old hostname-based id) must still reach the
database. Each worker locks its own spool file for as long as it runs (``flock`` on ``<name>.lock``: released by the
kernel when the process dies), and any worker may lock and replay a file nobody holds.
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue
import threading
import time
from pathlib import Path

from pipelines.ingest.counters import Counters
from pipelines.ingest.message import Message
from pipelines.ingest.spool import Spool
from pipelines.ingest.writer import SinkFactory, Writer, WriterOptions

log = logging.getLogger(__name__)
SUFFIX = ".sqlite"


class FileLock:
    """An exclusive, non-blocking ``flock`` on ``<spool>.lock`` (a separate file: SQLite locks the spool itself)."""

    def __init__(self, spool_path: Path) -> None:
        self.path = spool_path.with_suffix(".lock")
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        # Lock files are never deleted, so every process locks the same inode (deleting one lets two processes each
        # hold a lock on a different file of the same name).
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s: another worker may be replaying this file (a short, bounded job)."""
        deadline = time.monotonic() + timeout
        while not self.try_acquire():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)   # closing the descriptor drops the flock
            self.fd = None


def spool_path(folder: Path, client_id: str) -> Path:
    return folder / f"{client_id}{SUFFIX}"


def open_own(folder: Path, client_id: str, max_bytes: int) -> tuple[Spool, FileLock]:
    """This worker's spool, locked for the life of the process. Raises if another process holds it."""
    path = spool_path(folder, client_id)
    lock = FileLock(path)
    if not lock.acquire(timeout=120):
        raise RuntimeError(f"spool {path} is locked by another process: is a second worker running as {client_id}?")
    return Spool(path, max_bytes), lock


def others(folder: Path, own: Path) -> list[Path]:
    """Spool files in the folder other than ``own`` (oldest name order, so replay order is stable)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{SUFFIX}") if p != own)


def replay_file(path: Path, connect_sink: SinkFactory, options: WriterOptions, stop: threading.Event,
                max_bytes: int) -> Counters | None:
    """Replay one spool file nobody holds into the database and delete it; None when another worker holds it.

    The normal writer does the work (same batching, dedup, dead-lettering and outage back-off); it is fed no live
    messages, so it only drains the file. An interrupted replay leaves the rest in the file for the next attempt.
    """
    lock = FileLock(path)
    if not lock.try_acquire():
        return None
    counters = Counters()
    try:
        spool = Spool(path, max_bytes)
        if spool.count:
            log.info("replaying spool %s left by another client id: %d message(s)", path.name, spool.count)
            _drain(spool, connect_sink, options, counters, stop)
        left = spool.count
        spool.close()
        if left == 0:
            _remove(path)
        if left == 0 and counters.stored + counters.duplicates + counters.dead_lettered:
            log.info("spool %s replayed and removed (%d stored, %d duplicates)", path.name, counters.stored,
                     counters.duplicates)
    finally:
        lock.release()
    return counters


def _drain(spool: Spool, connect_sink: SinkFactory, options: WriterOptions, counters: Counters,
           stop: threading.Event) -> None:
    idle: queue.Queue[Message] = queue.Queue()
    writer = Writer(idle, connect_sink, lambda _m: None, spool, counters, options)
    thread = threading.Thread(target=writer.run, name=f"replay-{spool.path.name}", daemon=True)
    thread.start()
    while spool.count and not stop.wait(0.2):
        pass
    writer.stop()
    thread.join()


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm"):   # the .lock file stays (see FileLock)
        Path(f"{path}{extra}").unlink(missing_ok=True)
