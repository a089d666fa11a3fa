"""A small MQTT v5 client for the broker tests: connect, publish and subscribe, reporting the broker's reason codes."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import paho.mqtt.client as mqtt

from ioc.mqtt import MqttTarget, make_client


class Session:
    """One connection as one account; the broker's answers (CONNACK, PUBACK, SUBACK) are kept as text."""

    def __init__(self, url: str, username: str | None = None, password: str | None = None,
                 ca_file: str | None = None, client_id: str | None = None) -> None:
        target = MqttTarget.parse(url)
        if username is not None:
            target = target.with_account(username, password or "")
        self.target = target
        self.client = make_client(target, client_id or f"sec-{uuid.uuid4().hex[:10]}", ca_file=ca_file)
        self.connack: str | None = None
        self.disconnected = threading.Event()
        self.acks: dict[int, str] = {}
        self.messages: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *a: self.disconnected.set()
        self.client.on_publish = lambda c, u, mid, rc, p: self._ack(mid, str(rc))
        self.client.on_subscribe = lambda c, u, mid, codes, p: self._ack(mid, ",".join(str(x) for x in codes))
        self.client.on_message = lambda c, u, m: self._add(m.topic, bytes(m.payload))

    def _on_connect(self, c: Any, u: Any, flags: Any, rc: mqtt.ReasonCode, p: Any = None) -> None:
        self.connack = str(rc)

    def _ack(self, mid: int, text: str) -> None:
        with self._lock:
            self.acks[mid] = text

    def _add(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.messages.append((topic, payload))

    def connect(self, timeout: float = 5.0) -> str:
        """'Success' or the broker's refusal ('Not authorized', …)."""
        try:
            self.client.connect(self.target.host, self.target.port, keepalive=10)
        except OSError as exc:
            return f"unreachable: {exc}"
        self.client.loop_start()
        deadline = time.monotonic() + timeout
        while self.connack is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.connack or "no answer"

    def _wait(self, mid: int, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if mid in self.acks:
                    return self.acks[mid]
            time.sleep(0.02)
        return "no answer"

    def publish(self, topic: str, payload: bytes = b"{}", timeout: float = 5.0) -> str:
        """The PUBACK's reason: 'Success' or 'Not authorized'."""
        return self._wait(int(self.client.publish(topic, payload, qos=1).mid), timeout)

    def subscribe(self, topic_filter: str, timeout: float = 5.0) -> str:
        """The SUBACK's reason: 'Granted QoS 1' or 'Not authorized'."""
        return self._wait(int(self.client.subscribe(topic_filter, qos=1)[1] or 0), timeout)

    def received(self, topic: str) -> list[bytes]:
        with self._lock:
            return [p for t, p in self.messages if t == topic]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def attempt(url: str, username: str | None = None, password: str | None = None) -> str:
    """Connect once and report the broker's answer."""
    session = Session(url, username, password)
    try:
        return session.connect()
    finally:
        session.close()
