"""MQTT URLs (``mqtt://user:password@host:port``, ``mqtts://`` for TLS) and paho v2 clients built from them."""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from ioc.errors import ConfigError


@dataclass(frozen=True)
class MqttTarget:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool

    @classmethod
    def parse(cls, url: str) -> MqttTarget:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ConfigError(f"IOC_MQTT_URL: {url!r} is not an mqtt:// or mqtts:// URL")
        tls = parts.scheme == "mqtts"
        return cls(parts.hostname, parts.port or (8883 if tls else 1883),
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, tls)

    def with_account(self, username: str, password: str) -> MqttTarget:
        return MqttTarget(self.host, self.port, username, password, self.tls)


def properties(packet_type: int, **values: int) -> Properties:
    """MQTT v5 properties of a packet (``PacketTypes.CONNECT`` …), e.g. ``SessionExpiryInterval=0``."""
    props = Properties(packet_type)  # type: ignore[no-untyped-call]  # paho leaves its constructor unannotated
    for name, value in values.items():
        setattr(props, name, value)
    return props


def make_client(target: MqttTarget, client_id: str = "", *, clean_start: bool = True, manual_ack: bool = False,
                ca_file: str | None = None, protocol: MQTTProtocolVersion = MQTTProtocolVersion.MQTTv5) -> mqtt.Client:
    """A paho v2 client configured for the target (credentials, TLS); not yet connected."""
    v5 = protocol == MQTTProtocolVersion.MQTTv5
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol,
                         manual_ack=manual_ack, clean_session=None if v5 else clean_start)
    if target.username:
        client.username_pw_set(target.username, target.password)
    if target.tls:
        client.tls_set(ca_certs=ca_file, cert_reqs=ssl.CERT_REQUIRED)
    return client


def probe(target: MqttTarget, timeout: float = 3.0) -> str:
    """'' when the broker accepts this account's MQTT connection, else what went wrong."""
    client = make_client(target)
    result: list[str] = []

    def on_connect(c: mqtt.Client, u: object, flags: object, rc: ReasonCode, p: object = None) -> None:
        result.append("" if not rc.is_failure else f"broker refused the connection: {rc}")

    client.on_connect = on_connect
    try:
        client.connect(target.host, target.port, keepalive=10)
    except OSError as exc:
        return f"cannot reach {target.host}:{target.port}: {exc.strerror or exc}"
    deadline = time.monotonic() + timeout
    while not result and time.monotonic() < deadline:
        client.loop(timeout=0.1)
    client.disconnect()
    return result[0] if result else f"no answer from {target.host}:{target.port} within {timeout:.0f} s"
