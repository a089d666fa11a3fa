"""The sink and the registry, fed parsed messages directly (no broker): exact rows, duplicates, dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from pipelines.ingest.message import Message
from pipelines.ingest.sink import PgSink
from sensors.contract import CameraEvent, DeviceStatus, EnvTelemetry, encode, encode_payload, parse

T0 = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)


@pytest.fixture
def sink(db_url: str) -> Iterator[PgSink]:
    s = PgSink(psycopg.connect(db_url))
    yield s
    s.close()


def msg(topic: str, payload: bytes, at: datetime = T0 + timedelta(seconds=5)) -> Message:
    return Message(1, 1, topic, payload, at, parse(topic, payload, at))


def env(device: str, seq: int, pm25: float, ts: datetime = T0, at: datetime | None = None) -> Message:
    record = EnvTelemetry(ts, device, seq, pm25, None, None, None, None, None, None, None, None, None, None)
    return msg(*encode(record), at=at or max(ts, T0) + timedelta(seconds=5))


def test_rows_duplicates_and_dead_letters_are_counted_exactly(db: psycopg.Connection, sink: PgSink) -> None:
    first = sink.write([env("env-1", 1, 10.0), env("env-1", 2, 11.0), msg("ioc/v1/env/env-1/telemetry", b"{oops")])
    assert (first.stored, first.duplicates, first.dead_lettered) == (2, 0, 1)
    again = sink.write([env("env-1", 1, 10.0), env("env-1", 3, 12.0)])
    assert (again.stored, again.duplicates) == (1, 1)
    assert db.execute("SELECT count(*) FROM env_telemetry").fetchone() == (3,)
    topic, payload, reason, code = db.execute("SELECT topic, payload, reason, code FROM dead_letters").fetchone()
    assert topic == "ioc/v1/env/env-1/telemetry" and bytes(payload) == b"{oops" and code == "bad_json" and reason


def test_array_keeps_valid_elements_and_dead_letters_each_invalid_one(db: psycopg.Connection, sink: PgSink) -> None:
    payload = b'[{"ts": 1763686800000, "pm25": 5}, {"ts": 1763686860000, "pm25": -1}, {"ts": 1763686920000, "pm25": 7}]'
    stats = sink.write([msg("ioc/v1/env/env-9/telemetry", payload)])
    assert (stats.stored, stats.dead_lettered) == (2, 1)
    assert db.execute("SELECT element_index, field FROM dead_letters").fetchone() == (1, "pm25")


def test_unregistered_device_is_stored_and_listed(db: psycopg.Connection, sink: PgSink) -> None:
    sink.write([env("ghost-1", 1, 9.0)])
    assert db.execute("SELECT kind, registered, last_data_at FROM devices WHERE device_id='ghost-1'").fetchone() == (
        "env", False, T0)
    assert db.execute("SELECT state FROM device_state WHERE device_id='ghost-1'").fetchone() == ("unregistered",)


def test_status_sets_online_and_never_goes_back_in_time(db: psycopg.Connection, sink: PgSink) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered, location) "
               "VALUES ('cam-1', 'camera', true, ST_SetSRID(ST_MakePoint(106.6, 11.53), 4326))")
    later = DeviceStatus(T0 + timedelta(minutes=5), "cam-1", None, "camera", False, 80.0, -60.0, "1.2", None, None)
    older = DeviceStatus(T0, "cam-1", None, "camera", True, 90.0, -50.0, "1.1", None, None)
    sink.write([msg(*encode(later))])
    sink.write([msg(*encode(older))])   # arrives late: must not flip the device back online
    assert db.execute("SELECT online, battery, firmware FROM devices WHERE device_id='cam-1'").fetchone() == (
        False, 80.0, "1.2")
    assert db.execute("SELECT state FROM device_state WHERE device_id='cam-1'").fetchone() == ("offline",)
    assert db.execute("SELECT count(*) FROM device_status").fetchone() == (2,)


def test_last_will_without_ts_marks_offline_and_says_ts_was_assumed(db: psycopg.Connection, sink: PgSink) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered, online) VALUES ('wifi-1', 'wifi', true, true)")
    sink.write([msg("ioc/v1/wifi/wifi-1/status", b'{"online": false}')])
    assert db.execute("SELECT online FROM devices WHERE device_id='wifi-1'").fetchone() == (False,)
    assert db.execute("SELECT ts_assumed, ts = received_at FROM device_status").fetchone() == (True, True)


def test_reported_location_far_from_registered_is_flagged_not_moved(db: psycopg.Connection, sink: PgSink) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered, location) "
               "VALUES ('env-2', 'env', true, ST_SetSRID(ST_MakePoint(109.19, 12.24), 4326))")
    status = DeviceStatus(T0, "env-2", None, "env", True, None, None, None, 12.25, 109.19)   # ~1.1 km north
    sink.write([msg(*encode(status))])
    row = db.execute("SELECT location_mismatch, ST_Y(location) FROM devices WHERE device_id='env-2'").fetchone()
    assert row == (True, 12.24)


def test_camera_event_and_connection_loss_is_systemic(db_url: str) -> None:
    conn = psycopg.connect(db_url)
    sink = PgSink(conn)
    event = CameraEvent(T0, "cam-2", 4, "accident", 0.9, "https://cam.example/s.jpg", None)
    assert sink.write([msg(*encode(event))]).stored == 1
    conn.close()
    try:
        sink.write([env("env-1", 1, 1.0)])
    except psycopg.OperationalError:
        pass
    else:
        raise AssertionError("a write on a closed connection must raise OperationalError (the writer spools)")
    assert encode_payload("camera", "event", {"type": "fire_smoke", "confidence": 1}).startswith(b"{")


def test_connected_but_silent_device_is_stale(db: psycopg.Connection, sink: PgSink) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    db.execute("INSERT INTO devices (device_id, kind, registered) VALUES ('env-q', 'env', true), "
               "('env-ok', 'env', true)")
    alive = DeviceStatus(now, "env-q", None, "env", True, None, None, None, None, None)
    sink.write([msg(*encode(alive), at=now), env("env-q", 1, 5.0, ts=now - timedelta(minutes=10)),
                msg(*encode(DeviceStatus(now, "env-ok", None, "env", True, None, None, None, None, None)), at=now),
                env("env-ok", 1, 5.0, ts=now - timedelta(seconds=30))])
    states = dict(db.execute("SELECT device_id, state FROM device_state").fetchall())
    assert states == {"env-q": "stale", "env-ok": "online"}   # 3 × 60 s expected interval for env
