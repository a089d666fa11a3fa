"""The shared contract battery: the same checks for every kind and channel the contract has."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from sensors.contract import CHANNELS, FIELDS, KIND_CHANNELS, KINDS, MAX_ARRAY, MAX_PAYLOAD_BYTES, Topic, parse

from .support import (
    DEVICE,
    PAIRS,
    RECEIVED_AT,
    TS,
    accepted,
    body,
    check,
    expected_record,
    rejected,
    topic,
    well_formed,
)

pytestmark = pytest.mark.parametrize(("kind", "channel"), PAIRS, ids=[f"{k}/{c}" for k, c in PAIRS])


def test_valid_object_becomes_its_record(kind: str, channel: str) -> None:
    result = check(kind, channel, body(kind, channel))
    assert result.topic == Topic(kind, DEVICE, channel)
    assert accepted(result) == expected_record(kind, channel)


def test_valid_array_keeps_each_original_timestamp(kind: str, channel: str) -> None:
    expected_ts = [TS - timedelta(minutes=75), TS - timedelta(minutes=45) + timedelta(milliseconds=250), TS]
    stamps = ["2026-11-21T07:00:00+07:00", "2026-11-21T00:30:00.250Z", int(TS.timestamp()) * 1000]
    result = check(kind, channel, [body(kind, channel, ts=stamp, seq=i) for i, stamp in enumerate(stamps)])
    assert not result.rejections
    assert result.records == tuple(expected_record(kind, channel, ts, i) for i, ts in enumerate(expected_ts))


def test_malformed_json(kind: str, channel: str) -> None:
    result = check(kind, channel, b'{"online": true,')
    assert result.topic == Topic(kind, DEVICE, channel)
    assert "not valid JSON" in rejected(result, "bad_json")


def test_not_utf8_is_told_apart_from_bad_json(kind: str, channel: str) -> None:
    payload = orjson.dumps(body(kind, channel, note="café")).replace("é".encode(), b"\xe9")
    assert "not UTF-8" in rejected(check(kind, channel, payload), "not_utf8")


@pytest.mark.parametrize("payload", [b'"text"', b"42", b"4.2", b"null", b"true"])
def test_json_that_is_not_an_object(kind: str, channel: str, payload: bytes) -> None:
    assert "expected a JSON object or an array of objects" in rejected(check(kind, channel, payload), "not_object")


_WRONG: dict[str, list[tuple[object, str]]] = {
    "int": [("5", "a string"), (True, "a boolean"), (5.5, "a decimal number"), (5.0, "a decimal number")],
    "number": [("5", "a string"), (True, "a boolean"), (False, "a boolean")],
    "bool": [(1, "an integer"), ("true", "a string")],
}
_WRONG_TEXT = [(1, "an integer"), (True, "a boolean"), (1.5, "a decimal number")]


def test_wrong_types_for_every_field(kind: str, channel: str) -> None:
    for spec in FIELDS[(kind, channel)]:
        cases = [*_WRONG.get(spec.type, _WRONG_TEXT), ([5], "an array"), ({"v": 5}, "an object")]
        for value, said in cases:
            reason = rejected(check(kind, channel, body(kind, channel, **{spec.key: value})), "wrong_type", spec.key)
            assert f"is {said}: expected " in reason
            assert ("without a decimal point" in reason) == (spec.type == "int" and isinstance(value, float))


def test_out_of_range_is_rejected_not_clamped(kind: str, channel: str) -> None:
    spec = next(s for s in FIELDS[(kind, channel)] if s.type in ("int", "number"))
    reason = rejected(check(kind, channel, body(kind, channel, **{spec.key: spec.hi + 1})), "out_of_range", spec.key)
    assert f"expected {spec.lo}..{spec.hi}" in reason


def test_every_required_field_missing_or_null(kind: str, channel: str) -> None:
    required = [spec for spec in FIELDS[(kind, channel)] if spec.required]
    assert required or kind == "env"  # env/telemetry has no single required field, only "at least one metric"
    for spec in required:
        for sent in (body(kind, channel, **{spec.key: None}), {**body(kind, channel), spec.key: None}):
            assert "is missing" in rejected(check(kind, channel, sent), "missing_field", spec.key)


def test_optional_null_means_absent(kind: str, channel: str) -> None:
    optional = [spec for spec in FIELDS[(kind, channel)] if not spec.required]
    kept = "pm25" if kind == "env" else None  # one metric keeps an env object valid
    record = accepted(
        check(kind, channel, {**body(kind, channel), **{spec.key: None for spec in optional if spec.key != kept}})
    )
    for spec in optional:
        stored = getattr(record, spec.column)
        assert stored == (35.5 if spec.key == kept else spec.default), spec


def test_unknown_keys_are_ignored(kind: str, channel: str) -> None:
    sent = {**body(kind, channel), "firmware_build": "x", "extra": {"nested": [1, 2]}, "v2_field": None}
    assert accepted(check(kind, channel, sent)) == expected_record(kind, channel)


@pytest.mark.parametrize("bad_kind", ["bus", "Camera", "", "+"])
def test_unknown_kind(kind: str, channel: str, bad_kind: str) -> None:
    result = well_formed(parse(f"ioc/v1/{bad_kind}/{DEVICE}/{channel}", orjson.dumps(body(kind, channel)), RECEIVED_AT))
    assert result.topic is None and not result.records
    assert result.rejections[0].code == "unknown_kind" and "camera, wifi, env" in result.rejections[0].reason


def test_unknown_channel(kind: str, channel: str) -> None:
    for bad in ("metrics", "Telemetry", "", *(c for c in CHANNELS if c not in KIND_CHANNELS[kind])):
        result = well_formed(parse(topic(kind, bad), orjson.dumps(body(kind, channel)), RECEIVED_AT))
        assert result.topic is None and result.rejections[0].code == "unknown_channel"
        assert ", ".join(KIND_CHANNELS[kind]) in result.rejections[0].reason


def test_oversize_is_checked_on_bytes(kind: str, channel: str) -> None:
    exact = orjson.dumps(body(kind, channel)).ljust(MAX_PAYLOAD_BYTES, b" ")
    assert accepted(check(kind, channel, exact)) == expected_record(kind, channel)
    result = check(kind, channel, exact + b" ")
    assert f"{MAX_PAYLOAD_BYTES + 1} bytes" in rejected(result, "oversize")
    assert rejected(check(kind, channel, b"\xff" * (MAX_PAYLOAD_BYTES + 1)), "oversize")


def test_missing_ts_takes_received_at_and_says_so(kind: str, channel: str) -> None:
    record = accepted(check(kind, channel, body(kind, channel, ts=None)))
    assert record.ts == RECEIVED_AT and record.ts_assumed is True
    assert record.row()[-1] is True


def test_epoch_milliseconds_ts(kind: str, channel: str) -> None:
    record = accepted(check(kind, channel, body(kind, channel, ts=int(TS.timestamp() * 1000) + 7)))
    assert record.ts == TS + timedelta(milliseconds=7) and not record.ts_assumed


def test_naive_ts_needs_an_offset(kind: str, channel: str) -> None:
    reason = rejected(check(kind, channel, body(kind, channel, ts="2026-11-21T08:15:00")), "bad_ts", "ts")
    assert "offset is required" in reason


def test_future_ts_is_clock_skew(kind: str, channel: str) -> None:
    result = check(kind, channel, body(kind, channel, ts="2026-11-21T08:45:00+07:00"))
    assert "25.0 minutes ahead of the ingester clock" in rejected(result, "future_ts", "ts")


def test_redelivery_gives_equal_records(kind: str, channel: str) -> None:
    payload = orjson.dumps([body(kind, channel, seq=1), body(kind, channel, seq=2)])
    first = check(kind, channel, payload)
    again = check(kind, channel, payload, received_at=RECEIVED_AT + timedelta(minutes=3))
    assert first.records == again.records and len(first.records) == 2
    assert {hash(r) for r in first.records} == {hash(r) for r in again.records}


def test_mixed_array_stores_the_valid_and_indexes_the_invalid(kind: str, channel: str) -> None:
    spec = next(s for s in FIELDS[(kind, channel)] if s.type in ("int", "number"))
    items = [
        body(kind, channel, seq=0),
        body(kind, channel, ts="yesterday"),
        "not an object",
        body(kind, channel, seq=3),
        body(kind, channel, **{spec.key: spec.lo - 1}),
    ]
    result = check(kind, channel, items)
    assert [r.seq for r in result.records] == [0, 3]
    assert [(r.index, r.code, r.field) for r in result.rejections] == [
        (1, "bad_ts", "ts"),
        (2, "not_object", None),
        (4, "out_of_range", spec.key),
    ]


def test_array_length_limits(kind: str, channel: str) -> None:
    full = check(kind, channel, [body(kind, channel, seq=i) for i in range(MAX_ARRAY)])
    assert len(full.records) == MAX_ARRAY and not full.rejections
    too_long = check(kind, channel, [body(kind, channel)] * (MAX_ARRAY + 1))
    assert "1001 objects" in rejected(too_long, "array_too_long")
    assert "empty array" in rejected(check(kind, channel, []), "empty_array")


def test_kinds_and_channels_cover_the_contract(kind: str, channel: str) -> None:
    assert kind in KINDS and channel in KIND_CHANNELS[kind]
    assert parse(topic(kind, channel), b"{}", RECEIVED_AT).topic == Topic(kind, DEVICE, channel)
