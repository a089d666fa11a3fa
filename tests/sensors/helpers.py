"""Helpers of the device-side tests: a small hand-made fleet, and reading the messages a run produced."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from datetime import timedelta

import paho.mqtt.client as mqtt

from ioc.mqtt import MqttTarget, make_client
from sensors.contract import ParseResult, parse
from sensors.fleet import Device, Fleet, Hotspot, Station
from sensors.sim.engine import Publication


def small_fleet(cameras: int = 6, aps: int = 3, stations: int = 2, prefix: str = "t") -> Fleet:
    """A fleet in Đồng Xoài with cameras of every class, access points of one square, and stations."""
    classes = [("budget", "ptz"), ("budget", "fixed"), ("socialized", "fixed"), ("citizen_shared", "fixed")]
    devices = [
        Device(f"{prefix}-cam-{i:03d}", "camera", f"Camera {i}", 106.88 + i / 1000, 11.53, ownership=classes[i % 4][0],
               camera_type=classes[i % 4][1])
        for i in range(cameras)
    ]
    spot = Hotspot(f"{prefix}-hs-01", "Quảng trường", "square", 106.885, 11.531, "05:00", "23:00", (), 80)
    devices += [Device(f"{prefix}-ap-{i:02d}", "wifi", f"AP {i}", 106.885, 11.531, hotspot=spot.hotspot_id)
                for i in range(aps)]
    devices += [
        Device(f"{prefix}-env-{i:02d}", "env", f"Station {i}", 106.89, 11.52,
               station=Station(pm25_year=2017 + i % 2, pm25_shift_hours=3 - 5 * i, pm25_scale=0.5 + 0.25 * i))
        for i in range(stations)
    ]
    return Fleet("test", "Dong Xoai", tuple(devices), (spot,))


def parsed(messages: Iterable[Publication]) -> list[tuple[Publication, ParseResult]]:
    """Each message with what the contract's parse makes of it, received at the simulated time it was sent, with the
    ingester's default window for old readings (the raw retention, 30 days)."""
    return [(m, parse(m.topic, m.payload, m.at, max_age=INGEST_WINDOW)) for m in messages]


INGEST_WINDOW = timedelta(days=30)


class Subscriber:
    """Records every message under ``topic_filter`` (QoS 1). ``persistent``: a fixed client id and a session the
    broker keeps while we are away, so nothing published meanwhile is missed."""

    def __init__(self, url: str, topic_filter: str = "ioc/#", *, client_id: str | None = None,
                 persistent: bool = False) -> None:
        self.target, self.topic_filter = MqttTarget.parse(url), topic_filter
        self.client = make_client(self.target, client_id or f"test-sub-{uuid.uuid4().hex[:8]}",
                                  clean_start=not persistent, protocol=mqtt.MQTTv311)
        self.client.reconnect_delay_set(1, 2)
        self.messages: list[tuple[str, bytes, bool]] = []  # topic, payload, retained (replayed on subscribing)
        self._lock, self._subscribed = threading.Lock(), threading.Event()
        self.client.on_connect = self._connected
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.on_message = self._message

    def start(self, timeout: float = 10.0) -> Subscriber:
        self.client.connect_async(self.target.host, self.target.port, keepalive=10)
        self.client.loop_start()
        if not self._subscribed.wait(timeout):
            raise AssertionError(f"no subscription to {self.topic_filter} within {timeout} s")
        return self

    def _connected(self, client: mqtt.Client, userdata: object, flags: object, reason: object,
                   props: object = None) -> None:
        client.subscribe(self.topic_filter, qos=1)

    def _message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.messages.append((message.topic, bytes(message.payload), bool(message.retain)))

    def live(self, marker: str) -> list[tuple[str, bytes]]:
        """The messages whose topic contains ``marker``, not counting retained ones replayed on subscribing."""
        with self._lock:
            return [(t, p) for t, p, retained in self.messages if marker in t and not retained]

    def retained(self, marker: str) -> list[tuple[str, bytes]]:
        with self._lock:
            return [(t, p) for t, p, retained in self.messages if marker in t and retained]

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
