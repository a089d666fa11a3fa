"""Shared examples and checks for the contract tests: one valid object per kind and channel, and what it becomes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import orjson

from sensors.contract import (
    CODES,
    FIELDS,
    CameraEvent,
    CameraTelemetry,
    DeviceStatus,
    EnvTelemetry,
    LightTelemetry,
    ParseResult,
    Record,
    WifiTelemetry,
    parse,
)

RECEIVED_AT = datetime(2026, 11, 21, 1, 20, tzinfo=UTC)
TS_TEXT = "2026-11-21T08:15:00+07:00"
TS = datetime(2026, 11, 21, 1, 15, tzinfo=UTC)
DEVICE = "dev-01"
PAIRS = tuple(FIELDS)  # every (kind, channel) the contract has
TOPIC_CODES = {"bad_topic", "unknown_kind", "unknown_channel"}

VALID: Mapping[tuple[str, str], dict[str, object]] = {
    ("camera", "telemetry"): {"vehicles": 12, "people": 3, "avg_speed_kmh": 31.5, "interval_s": 300},
    ("camera", "event"): {
        "type": "accident",
        "confidence": 0.87,
        "snapshot_url": "https://cdn.example.vn/snap/1.jpg",
        "note": "Va chạm xe máy ở ngã tư",
    },
    ("wifi", "telemetry"): {"clients": 42, "new_sessions": 7, "bytes_up": 1_048_576, "bytes_down": 8_388_608},
    ("env", "telemetry"): {"pm25": 35.5, "relativeHumidity": 0.8, "LAeq": 61.2, "waterLevel": -12},
    # a lamp burning dimmed as commanded; small enough that 1000 of them fit in 256 KiB (a full one does not)
    ("light", "telemetry"): {
        "deviceType": "lamp",
        "powerState": "on",
        "commandedPowerState": "on",
        "illuminanceLevel": 0.7,
        "activePower": 84.5,
        "lampFailure": False,
        "interval_s": 600,
    },
    **{
        (kind, "status"): {
            "online": True,
            "battery": 87,
            "rssi": -71,
            "firmware": "1.4.2",
            "lat": 21.0285,
            "lon": 105.85,
        }
        for kind in ("camera", "wifi", "env", "light")
    },
}


def expected_record(kind: str, channel: str, ts: datetime = TS, seq: int | None = 5) -> Record:
    """What VALID[kind, channel] sent at ``ts`` with ``seq`` must become, written out field by field."""
    head = (ts, DEVICE, seq)
    if channel == "status":
        return DeviceStatus(*head, kind, True, 87.0, -71.0, "1.4.2", 21.0285, 105.85)
    made: dict[tuple[str, str], Record] = {
        ("camera", "telemetry"): CameraTelemetry(*head, 12, 3, 31.5, 300),
        ("camera", "event"): CameraEvent(
            *head, "accident", 0.87, "https://cdn.example.vn/snap/1.jpg", "Va chạm xe máy ở ngã tư"
        ),
        ("wifi", "telemetry"): WifiTelemetry(*head, 42, 7, 1_048_576, 8_388_608, 60),
        ("env", "telemetry"): EnvTelemetry(*head, 35.5, None, None, None, None, None, None, 0.8, 61.2, None, -12.0),
        ("light", "telemetry"): LightTelemetry(
            *head, "lamp", "on", "on", 0.7, active_power=84.5, lamp_failure=False, interval_s=600
        ),
    }
    return made[(kind, channel)]


def topic(kind: str, channel: str, device: str = DEVICE) -> str:
    return f"ioc/v1/{kind}/{device}/{channel}"


def body(kind: str, channel: str, /, **changes: object) -> dict[str, object]:
    """VALID[kind, channel] stamped with TS_TEXT and seq 5, with ``changes`` applied (None deletes a key)."""
    obj: dict[str, object] = {"ts": TS_TEXT, "seq": 5, **VALID[(kind, channel)]}
    for key, new in changes.items():
        if new is None:
            obj.pop(key, None)
        else:
            obj[key] = new
    return obj


def check(
    kind: str,
    channel: str,
    payload: object,
    *,
    received_at: datetime = RECEIVED_AT,
    max_future: timedelta | None = None,
) -> ParseResult:
    """parse() of ``payload`` (bytes as is, anything else as JSON) on the device's topic, checked well-formed."""
    raw = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    extra = {} if max_future is None else {"max_future": max_future}
    return well_formed(parse(topic(kind, channel), raw, received_at, **extra))


def well_formed(result: ParseResult) -> ParseResult:
    """Asserts what must hold of every parse result, whatever the input; returns it for further checks."""
    for rejection in result.rejections:
        assert rejection.code in CODES, rejection
        assert rejection.reason.strip(), rejection
        if rejection.field is not None:
            assert f"'{rejection.field}'" in rejection.reason, rejection
        if rejection.index is not None:
            assert rejection.reason.startswith(f"element {rejection.index}: "), rejection
    whole = [r for r in result.rejections if r.index is None]
    if whole:
        assert len(result.rejections) == 1 and not result.records, result
    if result.topic is None:
        assert result.rejections[0].code in TOPIC_CODES, result
    indexes = [r.index for r in result.rejections if r.index is not None]
    assert indexes == sorted(set(indexes)), indexes
    for record in result.records:
        assert result.topic is not None and record.device_id == result.topic.device_id
        assert record.ts.tzinfo is UTC, record
    return result


def rejected(result: ParseResult, code: str, field: str | None = None) -> str:
    """Asserts a single-object message was rejected with ``code`` on ``field``; returns the reason."""
    assert not result.records, result
    assert len(result.rejections) == 1, result
    rejection = result.rejections[0]
    assert (rejection.code, rejection.field) == (code, field), rejection
    return rejection.reason


def accepted(result: ParseResult) -> Record:
    """Asserts a single-object message gave one record and no rejection; returns the record."""
    assert not result.rejections, result.rejections
    assert len(result.records) == 1, result
    return result.records[0]
