"""encode(): what simulators and device helpers publish, and the rows the ingester writes."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from sensors.contract import (
    CameraEvent,
    CameraTelemetry,
    DeviceStatus,
    EnvTelemetry,
    Record,
    WifiTelemetry,
    encode,
    encode_many,
    encode_payload,
    parse,
)

from .support import PAIRS, TS, accepted, check, expected_record, rejected, well_formed

RECORDS = [expected_record(kind, channel) for kind, channel in PAIRS]

# The contract's storage table, plus what the brief adds: ts_assumed everywhere, and seq and kind in device_status.
STORAGE = {
    "camera_telemetry": ("ts", "device_id", "seq", "vehicles", "people", "avg_speed_kmh", "interval_s"),
    "camera_events": ("ts", "device_id", "seq", "type", "confidence", "snapshot_url", "note"),
    "wifi_telemetry": ("ts", "device_id", "seq", "clients", "new_sessions", "bytes_up", "bytes_down", "interval_s"),
    "env_telemetry": (
        "ts",
        "device_id",
        "seq",
        "pm25",
        "pm10",
        "no2",
        "o3",
        "co",
        "so2",
        "temperature",
        "relative_humidity",
        "laeq",
        "precipitation",
        "water_level",
    ),  # fmt: skip
    # docs/mqtt-contract.md, light section: lamps and cabinets share one table
    "light_telemetry": (
        "ts", "device_id", "seq", "device_type", "power_state", "commanded_power_state", "illuminance_level",
        "commanded_illuminance_level", "active_power", "active_energy", "energy_consumed", "operating_hours", "status",
        "lamp_failure", "supply_loss", "lamp_unexpected_on", "control_gear_comm_failure", "working_mode",
        "voltage_l1", "voltage_l2", "voltage_l3", "current_l1", "current_l2", "current_l3", "power_factor",
        "cabinet_door_open", "interval_s",
    ),  # fmt: skip
    "device_status": ("ts", "device_id", "seq", "kind", "online", "battery", "rssi", "firmware", "lat", "lon"),
}


def _round_trip(record: Record) -> Record:
    return accepted(well_formed(parse(*encode(record), record.ts)))


@pytest.mark.parametrize("record", RECORDS, ids=[f"{k}/{c}" for k, c in PAIRS])
def test_round_trip(record: Record) -> None:
    assert _round_trip(record) == record
    fine = dataclasses.replace(record, ts=TS + timedelta(microseconds=123_457), seq=None)
    assert _round_trip(fine) == fine
    clockless = dataclasses.replace(record, ts_assumed=True)
    topic, payload = encode(clockless)
    assert b'"ts"' not in payload and _round_trip(clockless) == clockless


@pytest.mark.parametrize("record", RECORDS, ids=[f"{k}/{c}" for k, c in PAIRS])
def test_rows_follow_the_storage_columns(record: Record) -> None:
    assert record.COLUMNS == (*STORAGE[record.TABLE], "ts_assumed")
    assert record.COLUMNS == tuple(field.name for field in dataclasses.fields(record))
    assert record.row() == tuple(getattr(record, column) for column in record.COLUMNS)
    assert record.row()[:3] == (TS, "dev-01", 5) and record.row()[-1] is False


def test_ts_is_written_in_vietnam_time_or_the_given_zone() -> None:
    topic, payload = encode(expected_record("env", "telemetry"))
    assert topic == "ioc/v1/env/dev-01/telemetry"
    assert orjson.loads(payload) == {
        "ts": "2026-11-21T08:15:00.000+07:00",
        "seq": 5,
        "pm25": 35.5,
        "relativeHumidity": 0.8,
        "LAeq": 61.2,
        "waterLevel": -12.0,
    }
    _, utc_payload = encode(expected_record("env", "telemetry"), tz=UTC)
    assert orjson.loads(utc_payload)["ts"] == "2026-11-21T01:15:00.000+00:00"


EMPTY_ENV = EnvTelemetry(
    TS, "st-1", None, pm25=None, pm10=None, no2=None, o3=None, co=None, so2=None, temperature=None,
    relative_humidity=None, laeq=None, precipitation=None, water_level=None,
)  # fmt: skip
STATUS = DeviceStatus(TS, "st-1", None, "env", True, None, None, None, None, None)


@pytest.mark.parametrize(
    ("record", "says"),
    [
        (CameraTelemetry(TS, "cam-1", None, -1, 0, None, 60), "'vehicles' = -1 is out of range"),
        (CameraTelemetry(TS, "cam-1", None, 1, 0, None, 0), "'interval_s' = 0 is out of range"),
        (CameraTelemetry(TS, "cam-1", None, True, 0, None, 60), "'vehicles' = true is a boolean"),
        (CameraTelemetry(TS, "cam-1", None, 1, 0, None, None), "would be read back as"),  # type: ignore[arg-type]
        (CameraTelemetry(TS, "cam-1", -5, 1, 0, None, 60), "'seq' = -5 is out of range"),
        (CameraTelemetry(datetime(2026, 11, 21, 8, 15), "cam-1", None, 1, 0, None, 60), "timezone-aware"),
        (CameraTelemetry(datetime(1999, 1, 1, tzinfo=UTC), "cam-1", None, 1, 0, None, 60), "before 2000-01-01"),
        (CameraTelemetry(TS, "cam/1", None, 1, 0, None, 60), "device id"),
        (CameraEvent(TS, "cam-1", None, "fire", 0.5, None, None), "'type' = \"fire\" is not a known value"),
        (CameraEvent(TS, "cam-1", None, "crowd", float("nan"), None, None), "'confidence' = nan is out of range"),
        (CameraEvent(TS, "cam-1", None, "crowd", 0.5, "file:///etc/passwd", None), "not an http or https URL"),
        (CameraEvent(TS, "cam-1", None, "crowd", 0.5, None, "lone \ud800 surrogate"), "cannot be written as UTF-8"),
        (WifiTelemetry(TS, "ap-1", None, 1, 1, 1, 10**16, 60), "'bytes_down' = 10000000000000000 is out of range"),
        (EMPTY_ENV, "no metric"),
        (dataclasses.replace(EMPTY_ENV, pm25=float("inf")), "'pm25' = inf is out of range"),
        (dataclasses.replace(STATUS, lat=10.0), "'lon' is missing"),
        (dataclasses.replace(STATUS, kind="lamp"), "unknown device kind"),
        (dataclasses.replace(STATUS, online=1), "'online' = 1 is an integer"),  # type: ignore[arg-type]
    ],
)
def test_encode_refuses_what_parse_would_reject(record: Record, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        encode(record)


def _env(minutes: int, device: str = "st-1") -> EnvTelemetry:
    return dataclasses.replace(
        EMPTY_ENV, ts=TS + timedelta(minutes=minutes), device_id=device, seq=10 + minutes, pm25=10.0 + minutes % 100
    )


def test_encode_many_writes_oldest_first_and_round_trips() -> None:
    records = [_env(3), _env(-2), _env(0)]
    topic, payload = encode_many(records)
    assert topic == "ioc/v1/env/st-1/telemetry"
    assert [item["seq"] for item in orjson.loads(payload)] == [8, 10, 13]
    result = well_formed(parse(topic, payload, TS + timedelta(minutes=3)))
    assert result.records == (_env(-2), _env(0), _env(3)) and not result.rejections


def test_encode_many_limits() -> None:
    with pytest.raises(ValueError, match="1 to 1000"):
        encode_many([])
    with pytest.raises(ValueError, match="1 to 1000"):
        encode_many([_env(i) for i in range(1001)])
    assert len(orjson.loads(encode_many([_env(i) for i in range(1000)])[1])) == 1000
    with pytest.raises(ValueError, match="one device and channel"):
        encode_many([_env(0), _env(1, device="st-2")])
    with pytest.raises(ValueError, match="one device and channel"):
        encode_many([expected_record("camera", "status"), expected_record("env", "status")])
    long_event = CameraEvent(TS, "cam-1", None, "other", 0.5, "https://e.vn/" + "a" * 2000, "n" * 500)
    with pytest.raises(ValueError, match="over 262144"):
        encode_many([long_event] * 200)


def test_encode_payload_is_unchecked_for_fault_injection() -> None:
    payload = encode_payload("env", "telemetry", {"ts": datetime(2026, 11, 21, 8, 15), "pm25": -3})
    assert payload == b'{"ts":"2026-11-21T08:15:00","pm25":-3}'
    assert "offset is required" in rejected(check("env", "telemetry", payload), "bad_ts", "ts")
    aware = datetime(2026, 11, 21, 8, 15, tzinfo=timezone(timedelta(hours=7)))
    assert encode_payload("camera", "status", {"ts": aware, "online": True}) == (
        b'{"ts":"2026-11-21T08:15:00+07:00","online":true}'
    )
    with pytest.raises(ValueError, match="no 'env'/'event' topic"):
        encode_payload("env", "event", {})
