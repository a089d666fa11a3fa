"""docker compose: no anonymous MQTT, TLS for devices (mqtts) and browsers (HTTPS), certificates mounted. The
compose broker's own configuration file is run with a real Mosquitto, certificates from docker/make-certs.sh and
files from ``ioc devices credentials --out``."""

from __future__ import annotations

import os
import pwd
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from ioc.stack._proc import free_port
from smartward.cli import cli
from tests.security.mqtt_client import Session
from tests.support import service_dir, wait_until

REPO = Path(__file__).resolve().parents[2]


def test_compose_runs_mqtt_and_http_behind_tls_with_generated_credentials() -> None:
    doc = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = doc["services"]
    mqtt, https, auth = services["mqtt"], services["https"], services["mqtt-auth"]
    assert mqtt["ports"] == ["8883:8883"]   # plain 1883 is not published
    assert "./docker/certs:/mosquitto/certs:ro" in mqtt["volumes"] and "mqtt-auth:/mosquitto/auth:ro" in mqtt["volumes"]
    assert mqtt["depends_on"]["mqtt-auth"]["condition"] == "service_completed_successfully"
    assert auth["command"][:3] == ["devices", "credentials", "--out"]
    assert "443:443" in https["ports"] and "./docker/certs:/etc/nginx/certs:ro" in https["volumes"]
    assert services["dashboard"]["ports"] == ["127.0.0.1:8050:8050"]
    assert services["dashboard"]["environment"]["IOC_PROXY_HOPS"] == "1"
    for name in ("ingester", "simulator"):
        url = (services[name].get("environment") or doc["x-ioc"]["environment"])["IOC_MQTT_URL"]
        assert url.startswith(("mqtt://ingester:", "mqtt://gateway:")), name
    conf = (REPO / "docker" / "mosquitto" / "mosquitto.conf").read_text()
    assert "allow_anonymous false" in conf and "allow_anonymous true" not in conf and "listener 8883" in conf
    nginx = (REPO / "docker" / "nginx" / "ioc.conf").read_text()
    assert "listen 443 ssl" in nginx and "X-Forwarded-For $remote_addr" in nginx


@pytest.fixture
def compose_broker(db_url: str, db: psycopg.Connection) -> Iterator[tuple[int, int, Path, dict[str, str]]]:
    """The compose mosquitto.conf on free ports, with fresh certificates and generated credentials."""
    root = service_dir("compose-mqtt")
    certs, auth = root / "certs", root / "auth"
    certs.mkdir()
    subprocess.run([str(REPO / "docker" / "make-certs.sh")], env={**os.environ, "IOC_CERTS_DIR": str(certs)},
                   check=True, capture_output=True, timeout=120)
    db.execute("INSERT INTO devices (device_id, kind, registered) VALUES ('env-tls-1', 'env', true)")
    account = pwd.getpwnam("mosquitto")
    env = {"IOC_MQTT_INGESTER_PASSWORD": "ingest-pass-1", "IOC_MQTT_GATEWAY_PASSWORD": "gateway-pass-1"}
    done = CliRunner(env=env).invoke(cli, [
        "--database-url", db_url, "--mqtt-url", "mqtt://mqtt:1883", "--state-dir", str(root / "state"),
        "devices", "credentials", "--out", str(auth), "--owner", f"{account.pw_uid}:{account.pw_gid}",
        "--secrets", "-"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    password = done.output.strip().splitlines()[-1].split(",")[2]
    plain, tls = free_port(), free_port()
    conf = (REPO / "docker" / "mosquitto" / "mosquitto.conf").read_text()
    for old, new in (("/mosquitto/data/", f"{root}/data/"), ("/mosquitto/auth/", f"{auth}/"),
                     ("/mosquitto/certs/", f"{certs}/"), ("listener 1883", f"listener {plain} 127.0.0.1"),
                     ("listener 8883", f"listener {tls} 127.0.0.1")):
        assert old in conf, old
        conf = conf.replace(old, new)
    (root / "data").mkdir()
    os.chown(root / "data", account.pw_uid, account.pw_gid)
    (root / "mosquitto.conf").write_text(conf)
    proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(root / "mosquitto.conf")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        yield plain, tls, certs, {"env-tls-1": password}
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_compose_broker_speaks_tls_to_devices_and_refuses_strangers(
        compose_broker: tuple[int, int, Path, dict[str, str]]) -> None:
    plain, tls, certs, passwords = compose_broker
    ca = str(certs / "ca.crt")

    def connect(url: str, ca_file: str | None = None, timeout: float = 5.0) -> str:
        session = Session(url, ca_file=ca_file)
        try:
            return session.connect(timeout)
        finally:
            session.close()

    device = f"mqtts://env-tls-1:{passwords['env-tls-1']}@127.0.0.1:{tls}"
    wait_until(lambda: connect(f"mqtt://ingester:ingest-pass-1@127.0.0.1:{plain}") == "Success", timeout=15,
               what="the compose broker to start")
    assert connect(device.replace("mqtts://", "mqtt://"), None, 1.5) != "Success"   # no plain MQTT on 8883
    session = Session(device, ca_file=ca)
    try:
        assert session.connect() == "Success"
        assert session.publish("ioc/v1/env/env-tls-1/telemetry") in ("Success", "No matching subscribers")
        assert session.publish("ioc/v1/env/other/telemetry") == "Not authorized"
        assert session.publish("ioc/v1/camera/env-tls-1/telemetry") == "Not authorized"   # its id, another kind
    finally:
        session.close()
    assert connect(f"mqtts://127.0.0.1:{tls}", ca) == "Not authorized"                 # anonymous
    assert connect(f"mqtts://env-tls-1:wrong@127.0.0.1:{tls}", ca) == "Not authorized"
    assert connect(f"mqtt://127.0.0.1:{plain}") == "Not authorized"


def test_service_accounts_stay_off_the_tls_listener_and_devices_off_the_internal_one(
        compose_broker: tuple[int, int, Path, dict[str, str]]) -> None:
    plain, tls, certs, passwords = compose_broker
    ca = str(certs / "ca.crt")
    wait_until(lambda: _answer(f"mqtt://ingester:ingest-pass-1@127.0.0.1:{plain}") == "Success", timeout=15,
               what="the compose broker to start")
    assert _answer(f"mqtt://gateway:gateway-pass-1@127.0.0.1:{plain}") == "Success"
    assert _answer(f"mqtts://env-tls-1:{passwords['env-tls-1']}@127.0.0.1:{tls}", ca) == "Success"
    assert _answer(f"mqtts://ingester:ingest-pass-1@127.0.0.1:{tls}", ca) == "Not authorized"
    assert _answer(f"mqtts://gateway:gateway-pass-1@127.0.0.1:{tls}", ca) == "Not authorized"
    assert _answer(f"mqtt://env-tls-1:{passwords['env-tls-1']}@127.0.0.1:{plain}") == "Not authorized"


def test_a_device_cannot_take_over_the_ingesters_session(
        compose_broker: tuple[int, int, Path, dict[str, str]]) -> None:
    """Client ids are broker-wide: without use_username_as_clientid on 8883, a device connecting with the
    ingester's client id would disconnect it and inherit its persistent session."""
    plain, tls, certs, passwords = compose_broker
    ingest_id = "ioc-ingest-compose-0"
    wait_until(lambda: _answer(f"mqtt://ingester:ingest-pass-1@127.0.0.1:{plain}") == "Success", timeout=15,
               what="the compose broker to start")
    ingester = Session(f"mqtt://ingester:ingest-pass-1@127.0.0.1:{plain}", client_id=ingest_id)
    device = Session(f"mqtts://env-tls-1:{passwords['env-tls-1']}@127.0.0.1:{tls}", ca_file=str(certs / "ca.crt"),
                     client_id=ingest_id)
    try:
        assert ingester.connect() == "Success" and ingester.subscribe("ioc/v1/#") == "Granted QoS 1"
        assert device.connect() == "Success"   # under its own name: the broker replaced the client id
        assert not ingester.disconnected.wait(2), "the device took over the ingester's session"
        assert device.publish("ioc/v1/env/env-tls-1/telemetry", b'{"n": 1}') == "Success"
        wait_until(lambda: ingester.received("ioc/v1/env/env-tls-1/telemetry"), timeout=5, what="delivery")
    finally:
        device.close()
        ingester.close()


def _answer(url: str, ca_file: str | None = None) -> str:
    session = Session(url, ca_file=ca_file)
    try:
        return session.connect()
    finally:
        session.close()
