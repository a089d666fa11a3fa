"""A bounded on-disk spool (SQLite, WAL, synchronous=FULL) for messages received while the database is down.

A message is acknowledged to the broker once it is durable here; it is deleted only after its rows are committed to
PostgreSQL. When the spool is full the writer stops acknowledging, and the broker's persistent session holds the rest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pipelines.ingest.message import Message


class Spool:
    def __init__(self, path: Path, max_bytes: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.max_bytes = path, max_bytes
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        "received_at REAL NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)")
        row = self.db.execute("SELECT count(*), coalesce(sum(length(payload) + length(topic)), 0) "
                              "FROM spool").fetchone()
        self.count, self.bytes = int(row[0]), int(row[1])

    def has_room(self) -> bool:
        return self.bytes < self.max_bytes

    def append(self, batch: Sequence[Message]) -> None:
        rows = [(m.received_at.timestamp(), m.topic, m.payload) for m in batch]
        with self.db:
            self.db.executemany("INSERT INTO spool (received_at, topic, payload) VALUES (?, ?, ?)", rows)
        self.count += len(rows)
        self.bytes += sum(len(t) + len(p) for _, t, p in rows)

    def oldest(self, limit: int) -> list[tuple[int, datetime, str, bytes]]:
        rows = self.db.execute("SELECT id, received_at, topic, payload FROM spool ORDER BY id LIMIT ?", [limit])
        return [(i, datetime.fromtimestamp(r, UTC), t, bytes(p)) for i, r, t, p in rows]

    def delete_through(self, last_id: int) -> None:
        with self.db:
            row = self.db.execute("SELECT count(*), coalesce(sum(length(payload) + length(topic)), 0) FROM spool "
                                  "WHERE id <= ?", [last_id]).fetchone()
            self.db.execute("DELETE FROM spool WHERE id <= ?", [last_id])
        self.count -= int(row[0])
        self.bytes -= int(row[1])

    def close(self) -> None:
        self.db.close()
