"""Helpers shared by tests: a private stack of our own (for outage tests that stop services), waiting, counting."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ioc import config, stack


def service_dir(prefix: str) -> Path:
    """A fresh directory the postgres and mosquitto accounts can reach (pytest's tmp dirs are private to root)."""
    path = Path(tempfile.mkdtemp(prefix=f"ioc-test-{prefix}-"))
    path.chmod(0o755)
    return path


class StackHandle:
    """A private stack in its own state dir; a test may stop and restart its services."""

    def __init__(self, state_dir: Path, database_url: str | None = None, mqtt_url: str | None = None) -> None:
        self.settings = config.load(state_dir=state_dir, database_url=database_url, mqtt_url=mqtt_url)

    def up(self) -> stack.Endpoints:
        return stack.up(self.settings)

    def down(self) -> list[str]:
        return stack.down(self.settings)

    def stop_postgres(self) -> None:
        from ioc.stack._postgres import PrivatePostgres

        PrivatePostgres(self.settings.state_dir).stop()

    def stop_mosquitto(self) -> None:
        from ioc.stack._mosquitto import PrivateMosquitto

        PrivateMosquitto(self.settings.state_dir).stop()


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1, what: str = "") -> None:
    """Poll until predicate() is truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")


def inner_text(driver: Any, selector: str) -> str | None:
    """The element's rendered text, read in one script call (None: not there). A ticking wall re-renders its tiles,
    so an element found by one WebDriver call can be gone by the next (a stale element reference under load)."""
    found = driver.execute_script("const el = document.querySelector(arguments[0]); return el ? el.innerText : null;",
                                  selector)
    return None if found is None else str(found)


def publish_all(mqtt_url: str, messages: list[tuple[str, bytes]], client_id: str = "", qos: int = 1,
                timeout: float = 120.0, max_inflight: int = 500) -> None:
    """Publish every message with paho and wait for every PUBACK (survives a broker restart: paho resends)."""
    import threading

    import paho.mqtt.client as mqtt

    from ioc.mqtt import MqttTarget, make_client

    target = MqttTarget.parse(mqtt_url)
    client = make_client(target, client_id or f"test-pub-{time.monotonic_ns()}", protocol=mqtt.MQTTv311,
                         clean_start=not client_id)
    client.max_inflight_messages_set(max_inflight)
    client.reconnect_delay_set(0.2, 2)
    # paho scans its whole outgoing queue on every PUBACK: keep that queue bounded by the in-flight window
    slots = threading.Semaphore(max_inflight)
    client.on_publish = lambda c, u, mid, rc, props: slots.release()
    client.connect_async(target.host, target.port, keepalive=10)   # a broker that is down now is retried
    client.loop_start()
    try:
        deadline = time.monotonic() + timeout
        for topic, payload in messages:
            if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise AssertionError("the broker stopped acknowledging messages")
            info = client.publish(topic, payload, qos=qos)
            if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
                raise AssertionError(f"publish failed: {info.rc}")
        for _ in range(max_inflight):
            if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise AssertionError("not every message was acknowledged by the broker in time")
    finally:
        client.disconnect()
        client.loop_stop()


def count(db_url: str, query: str, params: list[object] | None = None) -> int:
    import psycopg

    with psycopg.connect(db_url) as conn:
        row = conn.execute(query, params or []).fetchone()  # type: ignore[arg-type]
    return int(row[0]) if row else 0
