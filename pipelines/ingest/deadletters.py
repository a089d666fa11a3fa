"""Dead letters in the database: one row per refused message (its payload once, capped), one per reason.

Messages whose device has spent its dead-letter budget are not stored one by one: they are counted per device and
minute in ``dead_letter_overflow`` with the bytes they held and their last reason, so the flood stays visible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import psycopg

from pipelines.ingest.message import Message

PAYLOAD_CAP = 16 * 1024   # enough for any single reading and the start of an array; the size is kept beside it
MESSAGE_COLUMNS = ("id", "received_at", "topic", "payload", "payload_bytes", "device_id", "kind", "reasons")
REASON_COLUMNS = ("message_id", "received_at", "reason", "code", "field", "element_index")
Copy = Callable[[str, Sequence[str], list[tuple[object, ...]]], None]


def cost(msg: Message, payload_cap: int = PAYLOAD_CAP) -> int:
    """Bytes the dead letter of ``msg`` takes (roughly: a reason row's overhead counted as 32 bytes)."""
    return min(len(msg.payload), payload_cap) + sum(len(r.reason) + 32 for r in msg.result.rejections)


def write(conn: psycopg.Connection, copy: Copy, batch: Sequence[Message], payload_cap: int = PAYLOAD_CAP) -> int:
    """Store the dead letters of ``batch`` inside the caller's transaction; returns the reasons stored."""
    refused = [m for m in batch if m.result.rejections and not m.over_budget]
    _count_overflow(conn, [m for m in batch if m.result.rejections and m.over_budget])
    if not refused:
        return 0
    ids = [r[0] for r in conn.execute("SELECT nextval('dead_letter_message_id') FROM generate_series(1, %s)",
                                      [len(refused)])]
    messages: list[tuple[object, ...]] = []
    reasons: list[tuple[object, ...]] = []
    for mid, msg in zip(ids, refused, strict=True):
        topic = msg.result.topic
        messages.append((mid, msg.received_at, msg.topic, msg.payload[:payload_cap], len(msg.payload),
                         topic.device_id if topic else None, topic.kind if topic else None,
                         len(msg.result.rejections)))
        reasons.extend((mid, msg.received_at, r.reason, r.code, r.field, r.index) for r in msg.result.rejections)
    copy("dead_letter_messages", MESSAGE_COLUMNS, messages)
    copy("dead_letter_reasons", REASON_COLUMNS, reasons)
    return len(reasons)


def _count_overflow(conn: psycopg.Connection, over: Sequence[Message]) -> None:
    if not over:
        return
    rows: dict[tuple[str, datetime], tuple[int, int, int, str]] = {}
    for msg in over:
        topic = msg.result.topic
        key = (topic.device_id if topic else msg.topic, msg.received_at.replace(second=0, microsecond=0))
        n, readings, size, _ = rows.get(key, (0, 0, 0, ""))
        rows[key] = (n + 1, readings + len(msg.result.rejections), size + len(msg.payload),
                     msg.result.rejections[-1].reason)
    keys, values = list(rows), list(rows.values())
    conn.execute(
        "INSERT INTO dead_letter_overflow (device_id, minute, messages, readings, bytes, last_reason) "
        "SELECT * FROM unnest(%b::text[], %b::timestamptz[], %b::int[], %b::int[], %b::bigint[], %b::text[]) "
        "ON CONFLICT (device_id, minute) DO UPDATE SET messages = dead_letter_overflow.messages + excluded.messages, "
        "readings = dead_letter_overflow.readings + excluded.readings, "
        "bytes = dead_letter_overflow.bytes + excluded.bytes, last_reason = excluded.last_reason",
        [[k[0] for k in keys], [k[1] for k in keys], [v[0] for v in values], [v[1] for v in values],
         [v[2] for v in values], [v[3] for v in values]])
