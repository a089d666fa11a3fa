"""A stalled database and a QoS 0 flood: the queue stays within its bound, reading pauses, the connection survives."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from psycopg import sql

from ioc.mqtt import MqttTarget, make_client
from pipelines.ingest.bounded import BoundedQueue
from pipelines.ingest.message import Message
from sensors.contract import parse
from tests.pipelines.ingest_support import options, running, stored, valid_messages, wait_stored
from tests.support import wait_until

TABLES = ("env_telemetry", "camera_telemetry", "wifi_telemetry")


def flood_qos0(mqtt_url: str, messages: list[tuple[str, bytes]]) -> None:
    """Publish at QoS 0 as fast as paho writes (no acknowledgement to wait for: a flood)."""
    target = MqttTarget.parse(mqtt_url)
    client = make_client(target, protocol=mqtt.MQTTv311)
    client.connect(target.host, target.port)
    client.loop_start()
    try:
        infos = [client.publish(t, p, qos=0) for t, p in messages]
        infos[-1].wait_for_publish(60)
        assert infos[-1].is_published()
    finally:
        client.disconnect()
        client.loop_stop()


def _msg(payload: bytes) -> Message:
    now = datetime.now(UTC)
    return Message(0, 0, "ioc/v1/env/x/telemetry", payload, now, parse("ioc/v1/env/x/telemetry", payload, now))


def test_the_queue_refuses_past_its_message_and_byte_bounds() -> None:
    q = BoundedQueue(max_messages=3, max_bytes=10_000)
    assert all(q.offer(_msg(b"{}"), 0) for _ in range(3))
    assert not q.offer(_msg(b"{}"), 0.05)                   # full by count
    q.get_nowait()
    assert q.offer(_msg(b"{}"), 0)
    big = BoundedQueue(max_messages=100, max_bytes=10_000)
    assert big.offer(_msg(b"x" * 20_000), 0)                # one oversize message is taken when empty
    assert not big.offer(_msg(b"{}"), 0.05)                 # then it is full by bytes
    big.get_nowait()
    assert big.bytes == 0 and big.offer(_msg(b"{}"), 0)


def test_a_stalled_database_under_a_qos0_flood_bounds_the_queue_and_keeps_the_connection(
        db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    n, bound = 40_000, 500   # a backlog that takes longer than the keepalive to drain after the stall
    peak = [0]
    with psycopg.connect(db_url) as blocker, running(options(db_url, mqtt_url, tmp_path, queue_messages=bound,
                                                             keepalive_s=2)) as ing:
        blocker.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(   # every insert now waits: a stall
            sql.SQL(", ").join(map(sql.Identifier, TABLES))))
        watching = threading.Event()

        def watch() -> None:
            while not watching.is_set():
                peak[0] = max(peak[0], ing.q.qsize())
                time.sleep(0.01)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        flood_qos0(mqtt_url, valid_messages(n, prefix="flood"))
        wait_until(lambda: ing.receiver.stalled_s > 0 or ing.q.qsize() >= bound, 30, what="the queue full")
        time.sleep(10)   # well past 1.5 × keepalive: without pings while paused, the broker would drop us
        assert ing.counters.received < n   # reading really paused
        assert ing.receiver.gen == 1 and ing.receiver.connected.is_set()
        blocker.rollback()   # the database comes back
        wait_stored(db_url, n, timeout=120)
        watching.set()
        watcher.join()
    assert peak[0] <= bound, peak[0]
    assert stored(db_url) == n and ing.receiver.gen == 1
