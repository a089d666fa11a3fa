"""Device registry upkeep from a batch: unknown devices appear as unregistered; status sets online/battery/…

:func:`check_kinds` comes first: a message from a registered device under another kind (``ioc/v1/camera/<an env
station>/…``) is forged or misconfigured, so it becomes a dead letter and never counts as the device being seen.
The broker's ACL already refuses this for device accounts; the check also covers the ``gateway`` account, which
writes for every device, and brokers configured by hand.

:func:`update` runs inside the batch's transaction. Out-of-order status messages never overwrite a newer one
(status_ts). A reported location more than 100 m from the registered one is flagged, never moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg

from pipelines.ingest.message import Message
from sensors.contract import DeviceStatus, ParseResult, Rejection

MISMATCH_METRES = 100
WRONG_KIND = "wrong_kind"


@dataclass
class _Seen:
    kind: str
    first: datetime
    last: datetime
    data: datetime | None = None
    status: DeviceStatus | None = None


def check_kinds(conn: psycopg.Connection, batch: Sequence[Message]) -> list[Message]:
    """The batch with each message whose topic's kind is not its registered device's kind turned into a dead letter."""
    ids = sorted({m.result.topic.device_id for m in batch if m.result.topic is not None})
    if not ids:
        return list(batch)
    with conn.transaction():
        rows = conn.execute("SELECT device_id, kind FROM devices WHERE registered AND device_id = ANY(%b)",
                            [ids]).fetchall()
    registered: dict[str, str] = {str(i): str(k) for i, k in rows}
    return [wrong_kind(m, registered[t.device_id])
            if (t := m.result.topic) is not None and registered.get(t.device_id, t.kind) != t.kind else m
            for m in batch]


def wrong_kind(msg: Message, registered: str) -> Message:
    """The message as a dead letter: its topic names a kind its device is not registered as."""
    topic = msg.result.topic
    assert topic is not None
    rej = Rejection(WRONG_KIND, f"device {topic.device_id} is registered with kind {registered} but this message came "
                    f"as kind {topic.kind} ({msg.topic[:100]}): check the device's configuration; it must publish on "
                    f"ioc/v1/{registered}/{topic.device_id}/<channel>", "kind")
    result = ParseResult(topic, (), (rej,))
    return Message(msg.mid, msg.qos, msg.topic, msg.payload, msg.received_at, result, msg.gen)


def summarise(batch: Sequence[Message]) -> dict[str, _Seen]:
    seen: dict[str, _Seen] = {}
    for msg in batch:
        topic = msg.result.topic
        if topic is None or any(r.code == WRONG_KIND for r in msg.result.rejections):
            continue
        s = seen.get(topic.device_id)
        if s is None:
            s = seen[topic.device_id] = _Seen(topic.kind, msg.received_at, msg.received_at)
        s.first, s.last = min(s.first, msg.received_at), max(s.last, msg.received_at)
        for rec in msg.result.records:
            if isinstance(rec, DeviceStatus):
                if s.status is None or rec.ts >= s.status.ts:
                    s.status = rec
            elif s.data is None or rec.ts > s.data:
                s.data = rec.ts
    return seen


def update(conn: psycopg.Connection, batch: Sequence[Message]) -> None:
    seen = summarise(batch)
    if not seen:
        return
    ids = sorted(seen)   # a stable order avoids deadlocks between workers
    conn.execute(
        """INSERT INTO devices AS d (device_id, kind, registered, first_seen_at, last_seen_at, last_data_at)
           SELECT id, k, false, f, l, t
           FROM unnest(%b::text[], %b::text[], %b::timestamptz[], %b::timestamptz[], %b::timestamptz[])
                AS u(id, k, f, l, t)
           ON CONFLICT (device_id) DO UPDATE SET
               first_seen_at = coalesce(least(d.first_seen_at, excluded.first_seen_at), excluded.first_seen_at),
               last_seen_at = greatest(d.last_seen_at, excluded.last_seen_at),
               last_data_at = greatest(d.last_data_at, excluded.last_data_at)""",
        [ids, [seen[i].kind for i in ids], [seen[i].first for i in ids], [seen[i].last for i in ids],
         [seen[i].data for i in ids]])
    statuses = [seen[i].status for i in ids if seen[i].status is not None]
    if statuses:
        _apply_status(conn, [s for s in statuses if s is not None])


def _apply_status(conn: psycopg.Connection, statuses: list[DeviceStatus]) -> None:
    conn.execute(
        """UPDATE devices AS d SET
               online = s.online,
               online_changed_at = CASE WHEN d.online IS DISTINCT FROM s.online THEN s.ts ELSE d.online_changed_at END,
               status_ts = s.ts,
               battery = coalesce(s.battery, d.battery),
               rssi = coalesce(s.rssi, d.rssi),
               firmware = coalesce(s.firmware, d.firmware),
               reported_location = CASE WHEN s.lat IS NULL THEN d.reported_location
                                        ELSE ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) END,
               location_mismatch = CASE WHEN s.lat IS NULL OR d.location IS NULL THEN d.location_mismatch
                   ELSE ST_Distance(d.location::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography)
                        > %s END
           FROM unnest(%b::text[], %b::timestamptz[], %b::bool[], %b::real[], %b::real[], %b::text[],
                       %b::float8[], %b::float8[]) AS s(id, ts, online, battery, rssi, firmware, lat, lon)
           WHERE d.device_id = s.id AND (d.status_ts IS NULL OR s.ts >= d.status_ts)""",
        [MISMATCH_METRES, [s.device_id for s in statuses], [s.ts for s in statuses], [s.online for s in statuses],
         [s.battery for s in statuses], [s.rssi for s in statuses], [s.firmware for s in statuses],
         [s.lat for s in statuses], [s.lon for s in statuses]])
