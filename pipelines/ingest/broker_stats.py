"""The broker stage of the accounting: Mosquitto's ``$SYS/broker/...`` counters, sampled and recorded by the ingester.

Mosquitto 2.0 publishes its counters (retained) every ``sys_interval`` seconds (10 s in the stack's and compose's
configuration). :class:`BrokerSampler` holds a small clean MQTT session of its own beside the ingest session (which
keeps exactly one subscription, see receiver.py) and keeps the latest values; the heartbeat writes a row to
``broker_stats`` when a counter moved or a minute passed. :func:`window` turns the rows into the broker's figures over
an audit window: the counters count since the broker started, so a window is the sum of their increases, and a
restart (uptime going down) starts the count again from zero.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.reasoncodes import ReasonCode
from psycopg import sql
from psycopg.rows import dict_row

from ioc.mqtt import MqttTarget, make_client

log = logging.getLogger(__name__)

# $SYS topic → broker_stats column. Checked against Mosquitto 2.0.11 (Debian 12), which publishes all of these.
TOPICS = {
    "$SYS/broker/uptime": "uptime_s",
    "$SYS/broker/publish/messages/received": "publish_received",
    "$SYS/broker/publish/messages/sent": "publish_sent",
    "$SYS/broker/publish/messages/dropped": "publish_dropped",
    "$SYS/broker/messages/received": "messages_received",
    "$SYS/broker/messages/sent": "messages_sent",
    "$SYS/broker/store/messages/count": "store_messages",
    "$SYS/broker/store/messages/bytes": "store_bytes",
    "$SYS/broker/clients/connected": "clients_connected",
}
COLUMNS = tuple(TOPICS.values())
COUNTERS = ("publish_received", "publish_sent", "publish_dropped")   # summed over a window
GAUGES = ("store_messages", "clients_connected")                     # shown as their last value
_INSERT = sql.SQL("INSERT INTO broker_stats (sampled_at, worker, {}) VALUES ({}) ON CONFLICT DO NOTHING").format(
    sql.SQL(", ").join(map(sql.Identifier, COLUMNS)), sql.SQL(", ").join([sql.Placeholder()] * (len(COLUMNS) + 2)))
RECORD_EVERY_S = 60.0   # a row at least this often while nothing moves, so a window always has a baseline near it


class BrokerSampler:
    """A clean MQTT session that reads the broker's ``$SYS`` counters; :meth:`take` hands each new tick out once."""

    def __init__(self, target: MqttTarget, client_id: str) -> None:
        self.values: dict[str, int] = {}
        self.tick_at: datetime | None = None   # when the latest $SYS/broker/uptime arrived
        self._lock = threading.Lock()
        self._written: tuple[dict[str, int], float] | None = None
        self.client = make_client(target, f"{client_id}-sys")
        self.client.reconnect_delay_set(1, 30)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.target = target

    def start(self) -> None:
        self.client.connect_async(self.target.host, self.target.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, rc: ReasonCode, props: Any = None) -> None:
        if rc.is_failure:
            log.warning("the broker refused the $SYS reader: %s", rc)
            return
        client.subscribe([(topic, 0) for topic in TOPICS])

    def _on_message(self, client: mqtt.Client, userdata: Any, m: mqtt.MQTTMessage) -> None:
        column = TOPICS.get(m.topic)
        value = parse_value(m.payload)
        if column is None or value is None:
            return
        with self._lock:
            self.values[column] = value
            if column == "uptime_s":
                self.tick_at = datetime.now(UTC)

    def take(self, now: float | None = None) -> tuple[datetime, dict[str, int]] | None:
        """The latest tick to record, or None: nothing yet, or nothing moved since the last row under a minute ago."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self.tick_at is None or "uptime_s" not in self.values:
                return None
            values, at = dict(self.values), self.tick_at
        moved = {k: v for k, v in values.items() if k != "uptime_s"}
        if self._written is not None:
            last, when = self._written
            restarted = values["uptime_s"] < last.get("uptime_s", 0)
            if moved == {k: v for k, v in last.items() if k != "uptime_s"} and not restarted \
                    and now - when < RECORD_EVERY_S:
                return None
        self._written = (values, now)
        return at, values


    def forget(self) -> None:
        """The last tick taken was not written: the next :meth:`take` hands one out whatever moved."""
        self._written = None


def parse_value(payload: bytes | bytearray) -> int | None:
    """'123', '123 seconds' → 123; None for anything else (a version string, a load average)."""
    try:
        return int(payload.split(b" ", 1)[0])
    except ValueError:
        return None


def record(conn: psycopg.Connection, worker: str, at: datetime, values: dict[str, int]) -> None:
    conn.execute(_INSERT, [at, worker, *(values.get(c) for c in COLUMNS)])


@dataclass(frozen=True)
class BrokerWindow:
    samples: int                 # rows in the window (0: the broker stage is unknown)
    restarts: int                # broker restarts seen in the window (counters start again from zero)
    publish_received: int
    publish_sent: int
    publish_dropped: int
    store_messages: int | None   # at the last sample
    clients_connected: int | None
    last_sample: datetime | None


def window(samples: Sequence[dict[str, Any]], baseline: dict[str, Any] | None) -> BrokerWindow:
    """The broker's figures over a window (pure): ``samples`` in it, oldest first; ``baseline`` the last row before it.

    Each counter adds its increase since the previous row; after a restart (uptime went down) the new value is all
    increase. Without a baseline the first row counts from the broker's start (which may lie before the window: what
    the broker dropped then is counted rather than missed). Rows of several workers interleave harmlessly: each row is
    dated by the arrival of its tick, which every worker receives at once, and a counter only adds what exceeds the
    largest value seen in the broker run."""
    totals = dict.fromkeys(COUNTERS, 0)
    high: dict[str, int] = {c: int(baseline[c] or 0) for c in COUNTERS} if baseline else dict.fromkeys(COUNTERS, 0)
    uptime = int(baseline["uptime_s"]) if baseline else None
    restarts = 0
    for row in samples:
        if uptime is not None and int(row["uptime_s"]) < uptime:
            restarts += 1
            high = dict.fromkeys(COUNTERS, 0)
        uptime = int(row["uptime_s"])
        for c in COUNTERS:
            value = int(row[c] or 0)
            if value > high[c]:
                totals[c] += value - high[c]
                high[c] = value
    last = samples[-1] if samples else None
    return BrokerWindow(len(samples), restarts, totals["publish_received"], totals["publish_sent"],
                        totals["publish_dropped"], last["store_messages"] if last else None,
                        last["clients_connected"] if last else None, last["sampled_at"] if last else None)


def read_window(conn: psycopg.Connection, start: datetime) -> BrokerWindow:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM broker_stats WHERE sampled_at < %s ORDER BY sampled_at DESC LIMIT 1", [start])
        baseline = cur.fetchone()
        cur.execute("SELECT * FROM broker_stats WHERE sampled_at >= %s ORDER BY sampled_at, uptime_s", [start])
        return window(cur.fetchall(), baseline)
