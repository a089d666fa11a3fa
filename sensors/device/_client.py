"""DeviceClient: what a field gateway (a Raspberry Pi beside a camera or a station) needs to speak the contract."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import fields
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from types import MappingProxyType, TracebackType
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt

from ioc.mqtt import MqttTarget, make_client
from sensors.contract import (
    CameraEvent,
    CameraTelemetry,
    DeviceStatus,
    EnvTelemetry,
    Record,
    Topic,
    WifiTelemetry,
    encode,
    last_will,
)

from ._buffer import Buffer

log = logging.getLogger(__name__)
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TELEMETRY = MappingProxyType({"camera": CameraTelemetry, "wifi": WifiTelemetry, "env": EnvTelemetry})
_HEAD = ("ts", "device_id", "seq", "ts_assumed")


class DeviceClient:
    """One device's connection to the operations center.

    * Credentials: username = ``device_id`` (the broker's ACL lets it write only below its own topics); the
      password comes from ``password`` or the URL. TLS when the URL is ``mqtts://`` (``ca_file`` for a private CA).
    * A retained last will ``{"online": false}`` on the device's status topic; ``{"online": true}`` on connect.
    * Every reading goes to an on-disk buffer first (SQLite, WAL). A background thread sends the oldest readings,
      QoS 1, one message at a time: one reading alone, a backlog as arrays of at most 1000 in order, and deletes
      them only once the broker acknowledged them. While the broker is unreachable readings simply accumulate.

    Use it as a context manager, or call :meth:`start` and :meth:`close`.
    """

    def __init__(self, url: str, device_id: str, kind: str, *, buffer_path: Path | str, password: str | None = None,
                 ca_file: str | None = None, tz: tzinfo = VN_TZ, keepalive_s: int = 30,
                 reconnect_max_s: int = 30) -> None:
        Topic(kind, device_id, "status")  # ValueError for a kind or an id the contract does not allow
        url_target = MqttTarget.parse(url)
        self.target = MqttTarget(url_target.host, url_target.port, device_id, password or url_target.password,
                                 url_target.tls)
        self.device_id, self.kind, self.tz, self.keepalive_s = device_id, kind, tz, keepalive_s
        self._buffer = Buffer(buffer_path)
        self._client = make_client(self.target, client_id=device_id, ca_file=ca_file)
        self._client.will_set(*last_will(kind, device_id), qos=1, retain=True)
        self._client.reconnect_delay_set(1, reconnect_max_s)
        self._client.on_connect, self._client.on_disconnect = self._on_connect, self._on_disconnect
        self._client.on_publish = self._on_publish
        self._connected, self._stopping, self._wake = threading.Event(), threading.Event(), threading.Event()
        self._acked = threading.Condition()
        self._acked_mids: set[int] = set()
        self._statuses: deque[DeviceStatus] = deque(maxlen=1)  # only the newest status is worth sending
        self._thread = threading.Thread(target=self._send_loop, name=f"device-{device_id}", daemon=True)

    # -- life cycle ----------------------------------------------------------------------------------------------
    def start(self) -> DeviceClient:
        """Connect in the background (retrying until the broker answers) and start sending the buffer."""
        self._client.connect_async(self.target.host, self.target.port, keepalive=self.keepalive_s)
        self._client.loop_start()
        self._thread.start()
        return self

    def close(self, timeout: float = 10.0) -> int:
        """Send what is buffered (up to ``timeout``), say offline, disconnect. Returns the readings still on disk:
        they are sent after the next start."""
        self.wait_sent(timeout)
        if self._connected.is_set():
            self._statuses.append(self._status_record(online=False))
            self._wake.set()
            self._wait(lambda: not self._statuses, 2.0)
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        self._client.disconnect()
        self._client.loop_stop()
        left = self._buffer.count()
        self._buffer.close()
        return left

    def __enter__(self) -> DeviceClient:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- what a device sends -------------------------------------------------------------------------------------
    def send(self, record: Record) -> None:
        """Buffer ``record`` (of this device) for sending. ValueError if the contract would reject it."""
        if record.device_id != self.device_id:
            raise ValueError(f"record of {record.device_id!r} given to the client of {self.device_id!r}")
        topic, body = encode(record, tz=self.tz)
        if not topic.startswith(f"ioc/v1/{self.kind}/"):
            raise ValueError(f"{type(record).__name__} goes to {topic}, not below this {self.kind} device's topics")
        self._buffer.append(topic, body)
        self._wake.set()

    def telemetry(self, **values: object) -> Record:
        """Build, buffer and return a telemetry reading taken now. ``values`` are the record's fields (storage
        names: ``pm25``, ``temperature``, ``relative_humidity`` …; ``vehicles``, ``people`` …)."""
        cls = TELEMETRY[self.kind]
        names = [f.name for f in fields(cls) if f.name not in _HEAD]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ValueError(f"{cls.__name__} has no field {unknown[0]!r}: expected some of {', '.join(names)}")
        now = _now()
        body = {name: values.get(name, 60 if name == "interval_s" else None) for name in names}
        record = cls(now, self.device_id, self._seq("telemetry", now), **body)
        self.send(record)
        return record

    def event(self, type: str, confidence: float, snapshot_url: str | None = None, note: str | None = None) -> Record:
        """Build, buffer and return a camera event happening now."""
        now = _now()
        record = CameraEvent(now, self.device_id, self._seq("event", now), type, confidence, snapshot_url, note)
        self.send(record)
        return record

    def status(self, online: bool = True, *, battery: float | None = None, rssi: float | None = None,
               firmware: str | None = None, lat: float | None = None, lon: float | None = None) -> None:
        """Send a retained status heartbeat when connected; not buffered (a stale heartbeat says nothing)."""
        self._statuses.append(self._status_record(online, battery, rssi, firmware, lat, lon))
        self._wake.set()

    def pending(self) -> int:
        """Readings not yet acknowledged by the broker."""
        return self._buffer.count()

    def wait_sent(self, timeout: float) -> bool:
        """Wait until every buffered reading is acknowledged; False on timeout."""
        return self._wait(lambda: self._buffer.count() == 0, timeout)

    # -- internals -----------------------------------------------------------------------------------------------
    def _seq(self, channel: str, now: datetime) -> int:
        return self._buffer.next_seq(channel, at_least=int(now.timestamp() * 1000))

    def _status_record(self, online: bool, battery: float | None = None, rssi: float | None = None,
                       firmware: str | None = None, lat: float | None = None, lon: float | None = None) -> DeviceStatus:
        now = _now()
        return DeviceStatus(now, self.device_id, self._seq("status", now), self.kind, online, battery, rssi, firmware,
                            lat, lon)

    @staticmethod
    def _wait(done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            time.sleep(0.05)
        return done()

    def _send_loop(self) -> None:
        while not self._stopping.is_set():
            if not self._connected.wait(0.2):
                continue
            if self._statuses:
                status = self._statuses[0]
                topic, payload = encode(status, tz=self.tz)
                if self._publish(topic, payload, retain=True):
                    with suppress(ValueError):  # unless a newer status replaced it meanwhile
                        self._statuses.remove(status)
                continue
            batch = self._buffer.oldest()
            if batch is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            if self._publish(batch.topic, batch.payload(), retain=False):
                self._buffer.delete(batch)
                log.debug("sent %d readings on %s", len(batch.bodies), batch.topic)

    def _publish(self, topic: str, payload: bytes, *, retain: bool) -> bool:
        """Publish QoS 1 and wait for the PUBACK (paho resends across reconnects); False only when stopping.

        One message is in flight at a time, so the acknowledgement that arrives is this message's and a backlog
        goes out strictly in order."""
        with self._acked:
            self._acked_mids.clear()
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.error("%s: paho refused to queue a message on %s: %s", self.device_id, topic,
                      mqtt.error_string(info.rc))
            self._stopping.wait(1.0)
            return False
        with self._acked:
            while info.mid not in self._acked_mids:
                if self._stopping.is_set():
                    return False
                self._acked.wait(0.2)
        return True

    def _on_publish(self, client: mqtt.Client, userdata: object, mid: int, reason: object, props: object) -> None:
        with self._acked:
            self._acked_mids.add(mid)
            self._acked.notify_all()

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: mqtt.ReasonCode,
                    props: object = None) -> None:
        if reason.is_failure:
            log.error("%s: the broker refused the connection: %s", self.device_id, reason)
            return
        log.info("%s: connected to %s:%d", self.device_id, self.target.host, self.target.port)
        self._statuses.append(self._status_record(online=True))
        self._connected.set()
        self._wake.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, reason: mqtt.ReasonCode,
                       props: object = None) -> None:
        if not self._stopping.is_set():
            log.warning("%s: disconnected (%s); readings stay buffered until the broker is back", self.device_id,
                        reason)
        self._connected.clear()


def _now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)  # milliseconds, as the contract writes them


__all__ = ["DeviceClient"]
