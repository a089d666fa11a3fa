"""A bounded on-disk spool (SQLite, WAL, synchronous=FULL) for messages received while the database is down.

A message is acknowledged to the broker once it is durable here; it is deleted only after its rows are committed to
PostgreSQL. Each append and each delete is one transaction: a full disk leaves the spool as it was, never half a
batch, and the writer then stops acknowledging (the broker's persistent session holds the rest) until space returns.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pipelines.ingest.message import Message

log = logging.getLogger(__name__)


class Spool:
    def __init__(self, path: Path, max_bytes: int, reserve_bytes: int = 4 * 1024 * 1024) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.max_bytes = path, max_bytes
        # Space held back for deletes: a spool that filled its disk can log neither a delete nor a checkpoint in its
        # WAL, and could never drain. Giving this file back is what lets it.
        self.reserve, self.reserve_bytes = path.with_name(path.name + ".reserve"), reserve_bytes
        self._keep_reserve()
        self.error: str | None = None   # why the last write failed (disk full, I/O error), None once one succeeds
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        # Checkpoint often (64 pages): the WAL then stays small and is rewritten in place, so a delete on a full disk
        # finds its room in the WAL file that already exists instead of needing the disk to grow it.
        self.db.execute("PRAGMA wal_autocheckpoint=64")
        self.db.execute("CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        "received_at REAL NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)")
        self.count, self.bytes = self._measure()

    def has_room(self) -> bool:
        return self.bytes < self.max_bytes

    def append(self, batch: Sequence[Message]) -> bool:
        """Keep the whole batch or none of it; False (and ``error`` set) when the disk refused the write."""
        rows = [(m.received_at.timestamp(), m.topic, m.payload) for m in batch]
        ok = self._atomically(
            lambda: self.db.executemany("INSERT INTO spool (received_at, topic, payload) VALUES (?, ?, ?)", rows))
        if ok:
            self.count += len(rows)
            self.bytes += sum(len(t) + len(p) for _, t, p in rows)
        return ok

    def oldest(self, limit: int) -> list[tuple[int, datetime, str, bytes]]:
        rows = self.db.execute("SELECT id, received_at, topic, payload FROM spool ORDER BY id LIMIT ?", [limit])
        return [(i, datetime.fromtimestamp(r, UTC), t, bytes(p)) for i, r, t, p in rows]

    def delete_through(self, last_id: int) -> bool:
        """False when the disk refused even the delete: the rows stay and are replayed again (stored once)."""
        count, size = self._measure(last_id)
        ok = self._atomically(lambda: self.db.execute("DELETE FROM spool WHERE id <= ?", [last_id]))
        if not ok and self.reserve.exists():
            self.reserve.unlink()
            log.warning("spool %s: its disk is full; using the reserved space to delete replayed messages", self.path)
            ok = self._atomically(lambda: self.db.execute("DELETE FROM spool WHERE id <= ?", [last_id]))
            self._checkpoint()
        if ok:
            self.count, self.bytes = self.count - count, self.bytes - size
            self._keep_reserve()
        return ok

    def close(self) -> None:
        self.db.close()

    def _keep_reserve(self) -> None:
        if self.reserve_bytes and not self.reserve.exists():
            try:
                with self.reserve.open("wb") as fh:
                    fh.write(bytes(self.reserve_bytes))
            except OSError:   # no room yet: a later delete tries again
                self.reserve.unlink(missing_ok=True)

    def _checkpoint(self) -> None:
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            log.warning("spool %s: WAL checkpoint failed: %s", self.path, exc)

    def _measure(self, through_id: int | None = None) -> tuple[int, int]:
        row = self.db.execute("SELECT count(*), coalesce(sum(length(payload) + length(topic)), 0) FROM spool "
                              "WHERE ? IS NULL OR id <= ?", [through_id, through_id]).fetchone()
        return int(row[0]), int(row[1])

    def _atomically(self, work: Callable[[], object]) -> bool:
        """BEGIN IMMEDIATE … COMMIT; on an SQLite error roll back, remember why and return False."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            work()
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if self.error is None:
                log.error("spool %s refused a write: %s", self.path, exc)
            self.error = str(exc)
            return False
        self.error = None
        return True
