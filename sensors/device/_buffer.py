"""The on-disk buffer of a field gateway: readings wait here (SQLite, WAL) until the broker acknowledges them.

A reading is deleted only after its PUBACK, so a power cut or a restart loses nothing that was accepted; at worst
the last message is sent twice, which the ingester stores once (device, ts, seq).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from sensors.contract import MAX_ARRAY, MAX_PAYLOAD_BYTES

_SCHEMA = """
CREATE TABLE IF NOT EXISTS readings (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    body  BLOB NOT NULL                      -- one JSON object, as the contract encoded it
);
CREATE TABLE IF NOT EXISTS counters (
    channel TEXT PRIMARY KEY,
    value   INTEGER NOT NULL                 -- the last seq given out: seq keeps increasing across restarts
);
"""


@dataclass(frozen=True)
class Batch:
    """The oldest readings of one topic, in order: ids ``first``..``last`` (no other reading between them)."""

    first: int
    last: int
    topic: str
    bodies: list[bytes]

    def payload(self) -> bytes:
        """One object alone, several as an array (oldest first)."""
        return self.bodies[0] if len(self.bodies) == 1 else b"[" + b",".join(self.bodies) + b"]"


class Buffer:
    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an accepted reading survives a power cut
        self._db.executescript(_SCHEMA)

    def append(self, topic: str, body: bytes) -> None:
        with self._lock:
            self._db.execute("INSERT INTO readings (topic, body) VALUES (?, ?)", (topic, body))

    def oldest(self, max_count: int = MAX_ARRAY, max_bytes: int = MAX_PAYLOAD_BYTES) -> Batch | None:
        """The longest run of the oldest readings that share a topic and fit one message."""
        with self._lock:
            rows = self._db.execute("SELECT id, topic, body FROM readings ORDER BY id LIMIT ?", (max_count,)).fetchall()
        if not rows:
            return None
        topic, size, last = rows[0][1], 2, rows[0][0]
        bodies: list[bytes] = []
        for row_id, row_topic, body in rows:
            if row_topic != topic or (bodies and size + len(body) + 1 > max_bytes):
                break
            bodies.append(bytes(body))
            size += len(body) + 1
            last = row_id
        return Batch(rows[0][0], last, topic, bodies)

    def delete(self, batch: Batch) -> None:
        with self._lock:
            self._db.execute("DELETE FROM readings WHERE id BETWEEN ? AND ?", (batch.first, batch.last))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM readings").fetchone()[0])

    def next_seq(self, channel: str, at_least: int = 0) -> int:
        """The next sequence number of ``channel``: above the last one given out and at least ``at_least``."""
        with self._lock:
            row = self._db.execute(
                "INSERT INTO counters (channel, value) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE "
                "SET value = max(value + 1, excluded.value) RETURNING value",
                (channel, at_least),
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
