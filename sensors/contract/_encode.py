"""encode(): records into the messages a device would publish. Whatever encode() returns, parse() accepts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

import orjson

from ._build import Builder
from ._ranges import FIELDS, MAX_ARRAY, MAX_PAYLOAD_BYTES
from ._records import (
    CameraEvent,
    CameraTelemetry,
    DeviceStatus,
    EnvTelemetry,
    LightTelemetry,
    Record,
    WifiTelemetry,
)
from ._rejection import Invalid
from ._topic import Topic

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_WILL_PAYLOAD = b'{"online":false}'
_KIND_CHANNEL: Mapping[type, tuple[str, str]] = MappingProxyType(
    {
        CameraTelemetry: ("camera", "telemetry"),
        CameraEvent: ("camera", "event"),
        WifiTelemetry: ("wifi", "telemetry"),
        EnvTelemetry: ("env", "telemetry"),
        LightTelemetry: ("light", "telemetry"),
    }
)


def encode(record: Record, *, tz: tzinfo = VN_TZ) -> tuple[str, bytes]:
    """The topic and JSON object a device publishes for ``record``; ``ts`` is written in ``tz``.

    A record whose ``ts_assumed`` is set is written without ``ts``, as a device without a clock would send it.
    Raises ValueError for a record that the contract would reject.
    """
    topic = topic_of(record)
    return str(topic), _dumps(_checked_object(topic, record, tz))


def encode_many(records: Sequence[Record], *, tz: tzinfo = VN_TZ) -> tuple[str, bytes]:
    """One array message of 1..1000 records of one device and channel, written oldest first (a buffer flush).

    Raises ValueError for no records, too many, mixed topics, an invalid record, or a payload over 256 KiB.
    """
    if not 1 <= len(records) <= MAX_ARRAY:
        raise ValueError(f"an array message carries 1 to {MAX_ARRAY} records, not {len(records)}")
    topics = {topic_of(record) for record in records}
    if len(topics) != 1:
        raise ValueError(f"an array message is for one device and channel, not {sorted(map(str, topics))}")
    topic = topics.pop()
    ordered = sorted(records, key=lambda record: record.ts)
    payload = _dumps([_checked_object(topic, record, tz) for record in ordered])
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"the array payload is {len(payload)} bytes, over {MAX_PAYLOAD_BYTES}: send fewer records")
    return str(topic), payload


def encode_payload(kind: str, channel: str, obj: Mapping[str, object]) -> bytes:
    """``obj`` as JSON for a ``kind``/``channel`` topic, values unchecked: for fault injection and simulators.

    Datetimes are written as RFC 3339 (a naive one without offset, as a broken device would). Raises ValueError
    only for a kind and channel pair the contract does not have.
    """
    if (kind, channel) not in FIELDS:
        raise ValueError(f"the contract has no {kind!r}/{channel!r} topic")
    return orjson.dumps(dict(obj))


def last_will(kind: str, device_id: str) -> tuple[str, bytes]:
    """The last-will topic and payload a device sets when it connects (publish it retained)."""
    return str(Topic(kind, device_id, "status")), LAST_WILL_PAYLOAD


def topic_of(record: Record) -> Topic:
    """The topic ``record`` is published on."""
    if isinstance(record, DeviceStatus):
        return Topic(record.kind, record.device_id, "status")
    kind, channel = _KIND_CHANNEL[type(record)]
    return Topic(kind, record.device_id, channel)


def format_ts(when: datetime, tz: tzinfo) -> str:
    """RFC 3339 with offset, in milliseconds unless the time has finer digits (so it reads back exactly)."""
    precision = "milliseconds" if when.microsecond % 1000 == 0 else "microseconds"
    return when.astimezone(tz).isoformat(timespec=precision)


def _checked_object(topic: Topic, record: Record, tz: tzinfo) -> dict[str, object]:
    if record.ts.utcoffset() is None:
        raise ValueError(f"{type(record).__name__}.ts must be timezone-aware, not {record.ts!r}")
    obj = _object(topic, record, tz)
    try:
        # The parser's own checks, against a clock that is the record's time: every message encoded parses.
        read_back = Builder(topic, record.ts.astimezone(UTC), timedelta.max)(obj)
    except Invalid as exc:
        raise ValueError(f"{type(record).__name__} breaks the contract: {exc.rejection.reason}") from None
    if read_back != record:
        raise ValueError(f"{record!r} would be read back as {read_back!r}")
    return obj


def _dumps(document: object) -> bytes:
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError as exc:  # a lone surrogate in a string: no UTF-8 for it
        raise ValueError(f"the record cannot be written as UTF-8 JSON: {exc}") from None


def _object(topic: Topic, record: Record, tz: tzinfo) -> dict[str, object]:
    obj: dict[str, object] = {} if record.ts_assumed else {"ts": format_ts(record.ts, tz)}
    if record.seq is not None:
        obj["seq"] = record.seq
    for spec in FIELDS[(topic.kind, topic.channel)]:
        field_value = getattr(record, spec.column)
        if field_value is not None:
            obj[spec.key] = field_value
    return obj
