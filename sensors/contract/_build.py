"""One received object into its record: ts, seq, the fields of its kind and channel, and the cross-field rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from . import _fields
from ._ranges import ENV_TELEMETRY, FIELDS
from ._records import RECORD_TYPES, Record
from ._rejection import Invalid
from ._topic import Topic

_ENV_KEYS = ", ".join(spec.key for spec in ENV_TELEMETRY)


class Builder:
    """Turns one object received on ``topic`` into its record, or raises Invalid for its first problem."""

    __slots__ = ("_make", "_specs", "_topic", "_received_at", "_max_future", "_max_age")

    def __init__(self, topic: Topic, received_at: datetime, max_future: timedelta,
                 max_age: timedelta | None = None) -> None:
        key = (topic.kind, topic.channel)
        self._topic = topic
        self._specs = FIELDS[key]
        self._make: Callable[..., Record] = RECORD_TYPES[key]
        self._received_at = received_at
        self._max_future = max_future
        self._max_age = max_age

    def __call__(self, obj: dict[str, object]) -> Record:
        raw_ts = obj.get("ts")
        assumed = raw_ts is None
        when = self._received_at if assumed else _fields.ts(raw_ts, self._received_at, self._max_future, self._max_age)
        head: tuple[object, ...] = (when, self._topic.device_id, _fields.seq(obj.get("seq")))
        values = [_fields.value(spec, obj.get(spec.key)) for spec in self._specs]
        if self._topic.channel == "status":
            _check_position(obj)
            head = (*head, self._topic.kind)
        elif self._topic.kind == "env" and all(v is None for v in values):
            raise Invalid("no_metric", f"no metric in the object: expected at least one of {_ENV_KEYS}")
        return self._make(*head, *values, ts_assumed=assumed)


def _check_position(obj: dict[str, object]) -> None:
    has_lat, has_lon = obj.get("lat") is not None, obj.get("lon") is not None
    if has_lat != has_lon:
        missing = "lon" if has_lat else "lat"
        reason = f"field '{missing}' is missing: 'lat' and 'lon' are given together or not at all"
        raise Invalid("missing_field", reason, missing)
