"""Device credentials against a real Mosquitto running with the generated password file and ACL."""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from ioc import stack
from ioc.mqtt import MqttTarget
from ioc.security import mqtt_auth
from smartward.cli import cli
from tests.security.mqtt_client import Session, attempt
from tests.support import StackHandle, service_dir, wait_until

A, B = "env-sec-a", "cam-sec-b"
DELIVERED = ("Success", "No matching subscribers")   # MQTT v5 PUBACK reasons of an accepted message
TOPIC_A, TOPIC_B = f"ioc/v1/env/{A}/telemetry", f"ioc/v1/camera/{B}/telemetry"


@pytest.fixture(scope="module")
def broker(services: stack.Endpoints) -> Iterator[StackHandle]:
    """A private Mosquitto of our own (the session's broker is left alone)."""
    handle = StackHandle(service_dir("mqtt-sec"), database_url=services.database_url)
    handle.up()
    try:
        yield handle
    finally:
        handle.down()


def _url(handle: StackHandle) -> str:
    """The broker's address without credentials."""
    target = MqttTarget.parse(stack.endpoints(handle.settings).mqtt_url)
    return f"mqtt://{target.host}:{target.port}"


def credentials(db_url: str, handle: StackHandle, *args: str) -> dict[str, str]:
    """Run ``ioc devices credentials`` for this broker; the new passwords by device."""
    result = CliRunner().invoke(cli, ["--database-url", db_url, "--state-dir", str(handle.settings.state_dir),
                                      "devices", "credentials", "--secrets", "-", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output[result.output.find("device_id,"):] if "device_id," in result.output else ""
    return {row["device_id"]: row["mqtt_password"] for row in csv.DictReader(io.StringIO(lines))}


@pytest.fixture
def devices(db: psycopg.Connection, db_url: str, broker: StackHandle) -> dict[str, str]:
    db.execute("INSERT INTO devices (device_id, kind, registered) VALUES (%s, 'env', true), (%s, 'camera', true), "
               "('env-unregistered', 'env', false)", [A, B])
    issued = credentials(db_url, broker)
    assert set(issued) == {A, B}
    wait_until(lambda: attempt(_url(broker), A, issued[A]) == "Success", timeout=10, what="the broker to reload")
    return issued


def test_a_device_writes_only_below_its_own_id_and_reads_nothing(broker: StackHandle,
                                                                 devices: dict[str, str]) -> None:
    url = _url(broker)
    ingester = Session(stack.account_url(broker.settings, "ingester"))
    device = Session(url, A, devices[A])
    try:
        assert ingester.connect() == "Success" and ingester.subscribe("ioc/v1/#") == "Granted QoS 1"
        assert device.connect() == "Success"
        assert device.publish(TOPIC_A, b'{"own": true}') == "Success"
        assert device.publish(TOPIC_B, b'{"forged": true}') == "Not authorized"
        assert device.publish(f"ioc/v1/camera/{A}/telemetry") == "Not authorized"   # its id, another kind
        assert device.publish(f"ioc/v1/env/{A}/telemetry/extra") == "Not authorized"
        assert device.publish("ioc/v1/env/x/y/../../" + B) == "Not authorized"
        wait_until(lambda: ingester.received(TOPIC_A), timeout=5, what="the device's own message")
        assert ingester.received(TOPIC_B) == []
        assert ingester.publish(TOPIC_A) == "Not authorized"   # the ingester reads, never writes
        # Mosquitto 2.0 grants the SUBSCRIBE and checks the read ACL on every delivery: nothing arrives
        device.subscribe("ioc/v1/#")
        assert device.publish(TOPIC_A, b'{"again": true}') == "Success"
        wait_until(lambda: len(ingester.received(TOPIC_A)) == 2, timeout=5, what="the second message")
        assert device.messages == []
    finally:
        device.close()
        ingester.close()


def test_unknown_clients_cannot_connect(broker: StackHandle, devices: dict[str, str]) -> None:
    url = _url(broker)
    assert attempt(url) == "Not authorized"                                   # anonymous
    assert attempt(url, "intruder", "guess") == "Not authorized"
    assert attempt(url, A, devices[B]) == "Not authorized"                    # another device's password
    assert attempt(url, "env-unregistered", "anything") == "Not authorized"   # registered devices only
    assert attempt(url, "ingester", devices[A]) == "Not authorized"


def test_a_rotated_password_stops_working_at_once(db_url: str, broker: StackHandle,
                                                  devices: dict[str, str]) -> None:
    url = _url(broker)
    live = Session(url, A, devices[A])
    try:
        assert live.connect() == "Success"
        new = credentials(db_url, broker, "--rotate", A)
        assert set(new) == {A} and new[A] != devices[A]
        wait_until(lambda: attempt(url, A, new[A]) == "Success", timeout=10, what="the new password")
        assert attempt(url, A, devices[A]) == "Not authorized"
        assert live.disconnected.wait(5)   # Mosquitto drops a live session whose password went away
        assert attempt(url, B, devices[B]) == "Success"
    finally:
        live.close()
    credentials(db_url, broker, "--revoke", B)
    wait_until(lambda: attempt(url, B, devices[B]) == "Not authorized", timeout=10, what="revocation")


def test_gateway_writes_for_every_device_and_reads_nothing(broker: StackHandle, devices: dict[str, str]) -> None:
    gateway = Session(stack.account_url(broker.settings, "gateway"))
    ingester = Session(stack.account_url(broker.settings, "ingester"))
    try:
        assert gateway.connect() == "Success" and ingester.connect() == "Success"
        assert gateway.publish(TOPIC_A) in DELIVERED and gateway.publish(TOPIC_B) in DELIVERED
        assert gateway.publish("elsewhere/topic") == "Not authorized"
        gateway.subscribe("ioc/#")
        ingester.subscribe(TOPIC_B)
        assert gateway.publish(TOPIC_B, b'{"n": 2}') == "Success"
        wait_until(lambda: ingester.received(TOPIC_B), timeout=5, what="delivery to the ingester")
        assert gateway.messages == []
    finally:
        gateway.close()
        ingester.close()


def test_the_files_hold_hashes_and_the_acl_of_each_device(broker: StackHandle, devices: dict[str, str]) -> None:
    root = broker.settings.state_dir.resolve() / "mosquitto"
    passwd, acl = (root / "passwd").read_text(), (root / "acl").read_text()
    assert stat.S_IMODE((root / "passwd").stat().st_mode) == 0o600
    entries = dict(mqtt_auth.parse_passwd(passwd))
    assert {A, B, "ingester", "gateway", "ioc"} <= set(entries)
    assert all(h.startswith("$7$") for h in entries.values()) and devices[A] not in passwd
    assert mqtt_auth.verify(entries[A], devices[A]) and not mqtt_auth.verify(entries[A], devices[B])
    assert f"user {B}\ntopic write ioc/v1/camera/{B}/+" in acl   # the registered kind, not any kind
    assert f"user {A}\ntopic write ioc/v1/env/{A}/+" in acl and "allow_anonymous false" in \
        (root / "mosquitto.conf").read_text()


def test_out_dir_for_another_broker(db_url: str, db: psycopg.Connection, tmp_path: Path) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered) VALUES ('env-out-1', 'env', true), "
               "('ioc-ingest-old', 'env', true)")
    # issued by an older version, before the services' ioc- prefix was kept from devices: left out, not fatal
    db.execute("INSERT INTO mqtt_credentials (device_id, password_hash) VALUES ('ioc-ingest-old', %s)",
               [mqtt_auth.hash_password("x")])
    env = {"IOC_MQTT_INGESTER_PASSWORD": "ingest-secret-1", "IOC_MQTT_GATEWAY_PASSWORD": "gateway-secret-1"}
    base = ["--database-url", db_url, "--mqtt-url", "mqtt://broker.example:1883", "devices", "credentials"]
    refused = CliRunner(env=env).invoke(cli, base)
    assert refused.exit_code != 0 and "--out" in str(refused.exception)
    done = CliRunner(env=env).invoke(cli, [*base, "--out", str(tmp_path / "auth"), "--secrets",
                                           str(tmp_path / "new.csv")], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "left out of the broker's files ioc-ingest-old" in done.output
    auth = tmp_path / "auth"
    entries = dict(mqtt_auth.parse_passwd((auth / "services.passwd").read_text()))
    assert set(entries) == {"ingester", "gateway"}   # the internal listener's accounts only
    assert mqtt_auth.verify(entries["ingester"], "ingest-secret-1")
    assert [u for u, _ in mqtt_auth.parse_passwd((auth / "devices.passwd").read_text())] == ["env-out-1"]
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o600
    assert "ioc/v1/env/env-out-1/+" in (tmp_path / "new.csv").read_text()
    assert "user gateway\ntopic write ioc/v1/+/+/#" in (auth / "services.acl").read_text()
    assert (auth / "devices.acl").read_text().endswith("user env-out-1\ntopic write ioc/v1/env/env-out-1/+\n")


def test_the_session_url_may_publish_and_subscribe(mqtt_url: str) -> None:
    assert MqttTarget.parse(mqtt_url).username == "ioc"
    session = Session(mqtt_url)
    try:
        assert session.connect() == "Success" and session.subscribe("ioc/v1/#") == "Granted QoS 1"
        assert session.publish("ioc/v1/env/sec-roundtrip/telemetry", b"{}") == "Success"
        wait_until(lambda: session.received("ioc/v1/env/sec-roundtrip/telemetry"), timeout=5, what="round trip")
    finally:
        session.close()


def test_a_device_account_for_device_side_tests(broker: StackHandle, tmp_path: Path) -> None:
    """``helpers.device_account`` (for tests of sensors.device): the helper's own account works, others do not."""
    from sensors.device import DeviceClient
    from tests.security.helpers import device_account

    password = device_account(broker, "x-helper-env")
    url = stack.endpoints(broker.settings).mqtt_url
    ingester = Session(stack.account_url(broker.settings, "ingester"))
    device = DeviceClient(url, "x-helper-env", "env", password=password, buffer_path=tmp_path / "b.db")
    try:
        assert ingester.connect() == "Success" and ingester.subscribe("ioc/v1/env/x-helper-env/#") == "Granted QoS 1"
        device.start()
        wait_until(lambda: ingester.received("ioc/v1/env/x-helper-env/status"), timeout=10, what="its status")
    finally:
        device.close(timeout=2)
        ingester.close()
    assert attempt(_url(broker), "x-helper-env", "not-it") == "Not authorized"
