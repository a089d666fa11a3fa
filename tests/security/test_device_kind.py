"""The ingester checks the registered kind: a registered device's message under another kind is a dead letter (the
``gateway`` account writes for every device, so the broker's per-device ACL cannot stop that one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import yaml

from ioc.security import mqtt_auth
from pipelines.ingest.message import Message
from pipelines.ingest.service import IngestOptions
from pipelines.ingest.sink import PgSink
from sensors.contract import CameraTelemetry, EnvTelemetry, encode, parse

T0 = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)


@pytest.fixture
def sink(db_url: str) -> Iterator[PgSink]:
    s = PgSink(psycopg.connect(db_url))
    yield s
    s.close()


def _msg(record: EnvTelemetry | CameraTelemetry, at: datetime) -> Message:
    topic, payload = encode(record)
    return Message(1, 1, topic, payload, at, parse(topic, payload, at))


def _camera(device: str, at: datetime) -> Message:
    return _msg(CameraTelemetry(T0, device, 1, 12, 3, 20.0, 60), at)


def _env(device: str, at: datetime) -> Message:
    return _msg(EnvTelemetry(T0, device, 1, 10.0, None, None, None, None, None, None, None, None, None, None), at)


def test_a_registered_device_under_another_kind_is_dead_lettered(db: psycopg.Connection, sink: PgSink) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered) VALUES ('env-kind-1', 'env', true)")
    own, forged = T0 + timedelta(seconds=5), T0 + timedelta(seconds=9)
    stats = sink.write([_env("env-kind-1", own), _camera("env-kind-1", forged), _camera("cam-new-1", forged)])
    assert (stats.stored, stats.dead_lettered) == (2, 1)
    assert db.execute("SELECT count(*) FROM camera_telemetry WHERE device_id = 'env-kind-1'").fetchone() == (0,)
    row = db.execute("SELECT code, device_id, kind, reason FROM dead_letters").fetchone()
    assert row is not None
    code, device, kind, reason = row
    assert (code, device, kind) == ("wrong_kind", "env-kind-1", "camera")
    assert "registered with kind env" in reason and "ioc/v1/env/env-kind-1/" in reason
    # the forged message is not the device being seen; an unknown device still appears, unregistered, as sent
    assert db.execute("SELECT kind, last_seen_at FROM devices WHERE device_id = 'env-kind-1'").fetchone() == \
        ("env", own)
    assert db.execute("SELECT kind, registered FROM devices WHERE device_id = 'cam-new-1'").fetchone() == \
        ("camera", False)


def test_an_unregistered_device_keeps_what_it_first_sent(db: psycopg.Connection, sink: PgSink) -> None:
    """Only the registry's word counts: an unregistered entry's kind is a guess from its first message."""
    db.execute("INSERT INTO devices (device_id, kind, registered) VALUES ('dev-unreg-1', 'env', false)")
    stats = sink.write([_camera("dev-unreg-1", T0 + timedelta(seconds=5))])
    assert (stats.stored, stats.dead_lettered) == (1, 0)


def test_the_ingesters_client_ids_are_ones_no_device_can_have() -> None:
    """The compose TLS listener makes a device's client id its device id, and device ids may not start with the
    services' prefix: the ingester's client ids must keep it, or a device could take over its session."""
    default = IngestOptions("postgresql://x", "mqtt://x", Path("/nonexistent")).client_id
    assert default.startswith(mqtt_auth.SERVICE_PREFIX)
    with pytest.raises(ValueError):
        mqtt_auth.check_device_id(default)
    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    command = [str(part) for part in compose["services"]["ingester"]["command"]]
    if "--client-id" in command:
        assert command[command.index("--client-id") + 1].startswith(mqtt_auth.SERVICE_PREFIX)
