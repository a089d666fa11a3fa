"""Where simulated messages go: a Publisher. MqttPublisher multiplexes many devices over few paho connections,
publishes QoS 1 with a bounded number in flight and waits for every PUBACK; MemoryPublisher keeps them for tests.

Last wills are per connection: each connection carries the will of the first device it serves, so a crash marks
only that device offline (and when the connection comes back, that device is said to be online again).
``per_connection=1`` gives every device its own will (and its own connection and thread:
for fleets of hundreds, not tens of thousands). A clean stop publishes ``{"online": false}`` for every device.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

import paho.mqtt.client as mqtt

from ioc.errors import IocError
from ioc.mqtt import MqttTarget, make_client
from sensors.contract import DeviceStatus, encode, last_will

from .engine import Publication

log = logging.getLogger(__name__)
_OK = (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN)  # NO_CONN: paho keeps it and sends it on reconnect


class Publisher(Protocol):
    def publish(self, message: Publication) -> None:
        """Hand ``message`` over; may block while too many are unacknowledged."""

    def drain(self, timeout: float) -> int:
        """Wait up to ``timeout`` s for every acknowledgement; returns how many are still unacknowledged."""

    def close(self) -> None: ...


class MemoryPublisher:
    """Keeps every message in order, acknowledged at once: the fake the simulation's logic tests use."""

    def __init__(self) -> None:
        self.messages: list[Publication] = []

    def publish(self, message: Publication) -> None:
        self.messages.append(message)

    def drain(self, timeout: float) -> int:
        return 0

    def close(self) -> None:
        pass


class _Connection:
    """One paho client and its in-flight budget: a slot is taken before a publish and given back on PUBACK."""

    def __init__(self, name: str, client: mqtt.Client, max_inflight: int, abort: threading.Event,
                 will_device: tuple[str, str]) -> None:
        self.name, self.client, self.abort, self.will_device = name, client, abort, will_device
        self.slots = threading.Semaphore(max_inflight)
        self.pending = 0
        self.refused_by_broker = 0  # PUBACKs with a failure reason (MQTT 5), e.g. an ACL that denies the topic
        self.connected = threading.Event()
        self.refused = ""
        self.last_at = datetime.now(UTC)  # simulated time of the newest message handed over
        self._lock = threading.Condition()
        self._ever_connected = False
        self._untracked: set[int] = set()  # mids published from paho's thread, outside the in-flight budget
        client.max_inflight_messages_set(max_inflight)
        client.reconnect_delay_set(1, 30)
        client.on_publish = self._acked
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected

    def publish(self, topic: str, payload: bytes, retain: bool, at: datetime) -> None:
        self.last_at = at
        while not self.slots.acquire(timeout=0.5):
            if self.abort.is_set():
                raise IocError(f"stopped while {self.pending} messages wait for the broker")
        with self._lock:
            self.pending += 1
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        if info.rc not in _OK:
            self._acked(self.client, None, info.mid, None, None)
            raise IocError(f"paho refused a message for {topic}: {mqtt.error_string(info.rc)}")

    def drain(self, deadline: float) -> int:
        with self._lock:
            while self.pending and time.monotonic() < deadline:
                self._lock.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return self.pending

    def _acked(self, client: mqtt.Client, userdata: object, mid: int, reason: object, props: object) -> None:
        if mid in self._untracked:
            self._untracked.discard(mid)
            return
        if isinstance(reason, mqtt.ReasonCode) and reason.is_failure:
            self.refused_by_broker += 1
            if self.refused_by_broker == 1:
                log.warning("broker refused a message on connection %s: %s", self.name, reason)
        with self._lock:
            self.pending -= 1
            self._lock.notify_all()
        self.slots.release()

    def _connected(self, client: mqtt.Client, userdata: object, flags: object, reason: mqtt.ReasonCode,
                   props: object = None) -> None:
        if reason.is_failure:
            self.refused = str(reason)
            log.error("broker refused connection %s: %s", self.name, reason)
            return
        self.refused = ""
        if self._ever_connected:
            self._reassert_will_device()
        self._ever_connected = True
        self.connected.set()

    def _reassert_will_device(self) -> None:
        # The broker published this connection's will when the connection died: the device is back online.
        kind, device_id = self.will_device
        status = DeviceStatus(self.last_at, device_id, None, kind, True, None, None, None, None, None)
        topic, payload = encode(status)
        self._untracked.add(self.client.publish(topic, payload, qos=1, retain=True).mid)

    def _disconnected(self, client: mqtt.Client, userdata: object, flags: object, reason: mqtt.ReasonCode,
                      props: object = None) -> None:
        if self.connected.is_set() and not self.abort.is_set():
            log.warning("connection %s lost (%s); paho reconnects and resends what is unacknowledged",
                        self.name, reason)
        self.connected.clear()


class MqttPublisher:
    """``devices``: (kind, device_id) of the fleet, in order; they are served ``per_connection`` at a time."""

    def __init__(self, target: MqttTarget, devices: Sequence[tuple[str, str]], *, per_connection: int = 100,
                 max_inflight: int = 100, client_prefix: str = "ioc-sim", ca_file: str | None = None) -> None:
        self.target, self.abort = target, threading.Event()
        self.connections: list[_Connection] = []
        self._route: dict[str, _Connection] = {}
        for index in range(0, len(devices), per_connection):
            group = devices[index:index + per_connection]
            name = f"{client_prefix}-{index // per_connection:04d}"
            client = make_client(target, name, ca_file=ca_file)
            will_topic, will_payload = last_will(*group[0])
            client.will_set(will_topic, will_payload, qos=1, retain=True)
            conn = _Connection(name, client, max_inflight, self.abort, group[0])
            self.connections.append(conn)
            self._route.update((device_id, conn) for _, device_id in group)

    def connect(self, timeout: float = 10.0) -> int:
        """Start every connection (paho keeps reconnecting in the background); returns how many are up in time."""
        for conn in self.connections:
            conn.client.connect_async(self.target.host, self.target.port, keepalive=30)
            conn.client.loop_start()
        deadline = time.monotonic() + timeout
        for conn in self.connections:
            conn.connected.wait(max(0.0, deadline - time.monotonic()))
        refused = next((c.refused for c in self.connections if c.refused), "")
        if refused:
            self.close()
            raise IocError(f"the broker at {self.target.host}:{self.target.port} refused the simulator: {refused}")
        return sum(c.connected.is_set() for c in self.connections)

    def publish(self, message: Publication) -> None:
        self._route[message.device_id].publish(message.topic, message.payload, message.retain, message.at)

    @property
    def in_flight(self) -> int:
        return sum(c.pending for c in self.connections)

    def drain(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        return sum(conn.drain(deadline) for conn in self.connections)

    def close(self) -> None:
        """Disconnect cleanly (no will is sent) and stop the network threads."""
        self.abort.set()
        for conn in self.connections:
            conn.client.disconnect()
        for conn in self.connections:
            conn.client.loop_stop()
