"""parse(): a received message (topic, payload bytes) into records and rejections. Pure, and never raises on input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import orjson

from ._build import Builder
from ._ranges import MAX_ARRAY, MAX_PAYLOAD_BYTES
from ._records import Record
from ._rejection import Invalid, Rejection, type_name
from ._topic import Topic


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one message gave: its topic (None if the topic is bad), the records to store, the problems found.

    A whole-message problem gives no records and one rejection. In an array, each valid object gives a record
    and each invalid one a rejection carrying its index.
    """

    topic: Topic | None
    records: tuple[Record, ...]
    rejections: tuple[Rejection, ...]


def parse(
    topic: str,
    payload: bytes,
    received_at: datetime,
    *,
    max_future: timedelta = timedelta(minutes=10),
    max_age: timedelta | None = None,
) -> ParseResult:
    """Check a received message against the contract.

    ``received_at`` (timezone-aware; ValueError if naive, a caller's bug) stands in for a missing ``ts`` and is
    the clock a ``ts`` more than ``max_future`` ahead of, or more than ``max_age`` behind, is rejected against.
    """
    if received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    parsed = _topic(topic)
    if isinstance(parsed, Rejection):
        return ParseResult(None, (), (parsed,))
    document = _decode(payload)
    if isinstance(document, Rejection):
        return ParseResult(parsed, (), (document,))
    build = Builder(parsed, received_at.astimezone(UTC), max_future, max_age)
    if type(document) is dict:
        return _one(parsed, build, document)
    if type(document) is list:
        return _many(parsed, build, document)
    reason = f"payload is {type_name(document)}: expected a JSON object or an array of objects"
    return ParseResult(parsed, (), (Rejection("not_object", reason),))


@lru_cache(maxsize=65536)
def _topic(text: str) -> Topic | Rejection:
    """Topic.parse, remembered: a fleet publishes on the same few thousand topics over and over (both results are
    immutable, so sharing them is safe)."""
    return Topic.parse(text)


def _decode(payload: bytes) -> object:
    if len(payload) > MAX_PAYLOAD_BYTES:
        reason = f"payload is {len(payload)} bytes: the limit is {MAX_PAYLOAD_BYTES} (256 KiB); send smaller arrays"
        return Rejection("oversize", reason)
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        return _undecodable(payload, exc)


def _undecodable(payload: bytes, exc: orjson.JSONDecodeError) -> Rejection:
    try:
        bytes(payload).decode("utf-8")
    except UnicodeDecodeError as bad:
        return Rejection("not_utf8", f"payload is not UTF-8: byte {bad.start} is invalid ({bad.reason})")
    return Rejection("bad_json", f"payload is not valid JSON: {exc}")


def _one(topic: Topic, build: Builder, obj: dict[str, object]) -> ParseResult:
    try:
        return ParseResult(topic, (build(obj),), ())
    except Invalid as exc:
        return ParseResult(topic, (), (exc.rejection,))


def _many(topic: Topic, build: Builder, items: list[object]) -> ParseResult:
    if not items:
        reason = f"payload is an empty array: expected 1 to {MAX_ARRAY} objects"
        return ParseResult(topic, (), (Rejection("empty_array", reason),))
    if len(items) > MAX_ARRAY:
        reason = f"payload is an array of {len(items)} objects: at most {MAX_ARRAY} per message, send the rest after"
        return ParseResult(topic, (), (Rejection("array_too_long", reason),))
    records: list[Record] = []
    rejections: list[Rejection] = []
    for index, item in enumerate(items):
        if type(item) is not dict:
            rejections.append(Rejection("not_object", f"{type_name(item)} where an object was expected").at(index))
            continue
        try:
            records.append(build(item))
        except Invalid as exc:
            rejections.append(exc.rejection.at(index))
    return ParseResult(topic, tuple(records), tuple(rejections))
