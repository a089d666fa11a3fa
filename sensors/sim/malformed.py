"""Malformed messages, one builder per rejection code of the contract, each a mistake a real installer makes.

Each starts from what the contract encodes for the reading it replaces, then breaks one thing, so the contract's
parse rejects the whole message with exactly one rejection of that code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, tzinfo
from types import MappingProxyType

import orjson

from sensors.contract import CODES, FIELDS, MAX_ARRAY, MAX_PAYLOAD_BYTES, Record, Topic, encode, encode_payload

Builder = Callable[[Record, tzinfo], tuple[str, bytes]]
_TEN_YEARS = timedelta(days=3653)


def _valid(record: Record, tz: tzinfo) -> tuple[Topic, dict[str, object]]:
    text, payload = encode(record, tz=tz)
    topic = Topic.parse(text)
    assert isinstance(topic, Topic), "encode() always gives a valid topic"
    return topic, orjson.loads(payload)


def _first_field(topic: Topic, obj: dict[str, object], types: tuple[str, ...], required: bool = False) -> str | None:
    for spec in FIELDS[(topic.kind, topic.channel)]:
        if spec.type in types and spec.key in obj and (spec.required or not required):
            return spec.key
    return None


def _status(topic: Topic, obj: dict[str, object], **fields: object) -> tuple[str, bytes]:
    """A status message (never retained when malformed) carrying the reading's ts and ``fields``."""
    status = Topic(topic.kind, topic.device_id, "status")
    return str(status), encode_payload(status.kind, "status", {"ts": obj["ts"], **fields})


def not_utf8(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, payload = encode(record, tz=tz)
    return topic, payload[:1] + b'"\xff\xfe":0,' + payload[1:]  # a Latin-1 key from an old firmware


def bad_json(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, payload = encode(record, tz=tz)
    return topic, payload[:-1]  # cut short


def oversize(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    return str(topic), encode_payload(topic.kind, topic.channel, {**obj, "debug": "x" * MAX_PAYLOAD_BYTES})


def bad_topic(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, payload = encode(record, tz=tz)
    device_id = record.device_id
    return topic.replace(f"/{device_id}/", f"/{device_id}.local/"), payload  # a hostname for an id


def unknown_kind(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, payload = encode(record, tz=tz)
    parts = topic.split("/")
    return "/".join([*parts[:2], "sensor", *parts[3:]]), payload


def unknown_channel(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, payload = encode(record, tz=tz)
    return topic.rsplit("/", 1)[0] + "/data", payload


def not_object(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    return str(topic), orjson.dumps(obj.get("seq", 0))  # a bare number


def empty_array(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, _ = encode(record, tz=tz)
    return topic, b"[]"


def array_too_long(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, payload = encode(record, tz=tz)
    return topic, b"[" + b",".join([payload] * (MAX_ARRAY + 1)) + b"]"  # a whole backlog in one message


def missing_field(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    key = _first_field(topic, obj, ("int", "number", "choice"), required=True)
    if key is None:  # nothing required in env telemetry: a status without "online"
        return _status(topic, obj, battery=80)
    del obj[key]
    return str(topic), encode_payload(topic.kind, topic.channel, obj)


def wrong_type(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    key = _first_field(topic, obj, ("int", "number"))
    if key is None:
        return _status(topic, obj, online="yes")
    obj[key] = str(obj[key])  # a number sent as text
    return str(topic), encode_payload(topic.kind, topic.channel, obj)


def out_of_range(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    if "relativeHumidity" in obj:
        obj["relativeHumidity"] = round(float(str(obj["relativeHumidity"])) * 100, 1)  # % instead of a fraction
    elif (key := _first_field(topic, obj, ("int", "number"))) is not None:
        obj[key] = -1  # an underflowed counter
    else:
        return _status(topic, obj, online=True, battery=140)
    return str(topic), encode_payload(topic.kind, topic.channel, obj)


def bad_value(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    if topic.channel == "event":
        obj["type"] = "explosion"  # not in the contract's list
        return str(topic), encode_payload(topic.kind, topic.channel, obj)
    return _status(topic, obj, online=True, firmware="build " + "0123456789abcdef" * 5)  # a changelog


def no_metric(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    return str(topic), encode_payload(topic.kind, topic.channel, {"ts": obj["ts"], "seq": obj.get("seq", 0)})


def bad_ts(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    obj["ts"] = int(record.ts.timestamp())  # epoch seconds where milliseconds are expected
    return str(topic), encode_payload(topic.kind, topic.channel, obj)


def future_ts(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    # A real-time clock reset to the wrong decade.
    obj["ts"] = (record.ts + _TEN_YEARS).astimezone(tz).isoformat(timespec="milliseconds")
    return str(topic), encode_payload(topic.kind, topic.channel, obj)


def old_ts(record: Record, tz: tzinfo) -> tuple[str, bytes]:
    topic, obj = _valid(record, tz)
    # A real-time clock that lost its battery and restarted years back (the ingester's window refuses it).
    obj["ts"] = (record.ts - _TEN_YEARS).astimezone(tz).isoformat(timespec="milliseconds")
    return str(topic), encode_payload(topic.kind, topic.channel, obj)


BUILDERS = MappingProxyType({
    "not_utf8": not_utf8, "bad_json": bad_json, "oversize": oversize, "bad_topic": bad_topic,
    "unknown_kind": unknown_kind, "unknown_channel": unknown_channel, "not_object": not_object,
    "empty_array": empty_array, "array_too_long": array_too_long, "missing_field": missing_field,
    "wrong_type": wrong_type, "out_of_range": out_of_range, "bad_value": bad_value, "no_metric": no_metric,
    "bad_ts": bad_ts, "future_ts": future_ts, "old_ts": old_ts,
})


def codes_for(kind: str) -> tuple[str, ...]:
    """The rejection codes a device of ``kind`` can produce: every code, but only env telemetry lacks metrics."""
    return tuple(code for code in CODES if code != "no_metric" or kind == "env")


def build(code: str, record: Record, tz: tzinfo) -> tuple[str, bytes]:
    """A malformed message of rejection ``code`` in place of ``record``: (topic, payload)."""
    return BUILDERS[code](record, tz)
