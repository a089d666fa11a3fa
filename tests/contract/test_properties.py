"""Properties: every valid record round-trips, and parse() never raises whatever arrives."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sensors.contract import FIELDS, KINDS, DeviceStatus, FieldSpec, Record, encode, encode_many, parse
from sensors.contract._records import RECORD_TYPES

from .support import PAIRS, RECEIVED_AT, accepted, well_formed

DEVICE_IDS = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
TIMES = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
URLS = st.from_regex(
    r"https?://[a-z0-9]{1,20}(\.[a-z]{2,5}){1,2}(:[0-9]{1,4})?(/[A-Za-z0-9._~%-]{0,30}){0,4}", fullmatch=True
)
STORABLE = st.characters(exclude_categories=["Cs"], exclude_characters=["\x00"])


def _value(spec: FieldSpec) -> st.SearchStrategy[object]:
    if spec.type == "int":
        return st.integers(int(spec.lo), int(spec.hi))
    if spec.type == "number":
        return st.floats(spec.lo, spec.hi, allow_nan=False, allow_infinity=False)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "choice":
        return st.sampled_from(spec.choices)
    if spec.type == "url":
        return URLS
    printable = st.characters(exclude_categories=["Cs", "Cc"])
    return st.text(printable if spec.key == "firmware" else STORABLE, max_size=spec.max_len)


def _field(spec: FieldSpec) -> st.SearchStrategy[object]:
    required = spec.required or spec.default is not None  # a defaulted field is always present in a record
    return _value(spec) if required else st.none() | _value(spec)


@st.composite
def records(draw: st.DrawFn, pair: tuple[str, str] | None = None) -> Record:
    kind, channel = pair or draw(st.sampled_from(PAIRS))
    values = [draw(_field(spec)) for spec in FIELDS[(kind, channel)]]
    if channel == "status":
        values[-2:] = draw(st.just((None, None)) | st.tuples(*map(_value, FIELDS[(kind, channel)][-2:])))
    elif kind == "env" and all(v is None for v in values):
        values[0] = draw(_value(FIELDS[(kind, channel)][0]))
    head = [draw(TIMES), draw(DEVICE_IDS), draw(st.none() | st.integers(0, 2**63 - 1))]
    if channel == "status":
        head.append(kind)
    make: Callable[..., Record] = RECORD_TYPES[(kind, channel)]
    return make(*head, *values, ts_assumed=draw(st.booleans()))


ZONES = st.sampled_from([ZoneInfo("Asia/Ho_Chi_Minh"), UTC, timezone(timedelta(hours=-5, minutes=-30))])


@given(records(), ZONES)
def test_every_valid_record_round_trips(record: Record, zone: tzinfo) -> None:
    topic, payload = encode(record, tz=zone)
    assert accepted(well_formed(parse(topic, payload, record.ts))) == record


@given(st.sampled_from(PAIRS).flatmap(lambda pair: st.lists(records(pair), min_size=1, max_size=20)))
def test_arrays_of_one_device_round_trip(batch: list[Record]) -> None:
    first = batch[0]
    same: list[Record] = [dataclasses.replace(r, device_id=first.device_id, ts_assumed=False) for r in batch]
    if isinstance(first, DeviceStatus):
        same = [dataclasses.replace(r, kind=first.kind) if isinstance(r, DeviceStatus) else r for r in same]
    topic, payload = encode_many(same)
    latest = max(r.ts for r in same)
    result = well_formed(parse(topic, payload, latest))
    assert result.records == tuple(sorted(same, key=lambda r: r.ts)) and not result.rejections


SOME_TOPICS = st.sampled_from([f"ioc/v1/{k}/dev-1/{c}" for k in KINDS for c in ("telemetry", "event", "status")])
ANY_TEXT = st.text(st.characters(exclude_categories=()))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT | SOME_TOPICS, st.binary(max_size=2000))
def test_parse_never_raises_on_any_bytes(topic: str, payload: bytes) -> None:
    result = well_formed(parse(topic, payload, RECEIVED_AT))
    assert result.records or result.rejections


KEYS = st.sampled_from(sorted({spec.key for specs in FIELDS.values() for spec in specs} | {"ts", "seq"})) | ANY_TEXT
STAMPS = st.sampled_from(
    ["2026-11-21T08:15:00+07:00", "2026-11-21T08:15:00", "1999-12-31T23:59:59Z", "2026-13-01T00:00:00Z"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**64), 2**64)
    | st.floats()
    | st.sampled_from([0, 1, -1, 0.5, 1.0, 1e15, 2**63, 946684800000, 1795137300000])
    | ANY_TEXT
    | STAMPS
    | st.sampled_from(["traffic_violation", "https://e.vn/a.jpg", "ftp://e.vn", "http://[::1", "http://e.vn:99999"])
)
JSONISH = st.recursive(
    SCALARS, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(KEYS, kids, max_size=5), max_leaves=12
)
OBJECTS = st.dictionaries(KEYS, JSONISH, max_size=12)
DOCUMENTS = OBJECTS | st.lists(OBJECTS | JSONISH, max_size=6) | JSONISH


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(SOME_TOPICS, DOCUMENTS, st.sampled_from([RECEIVED_AT, datetime(2001, 1, 1, tzinfo=UTC)]))
def test_parse_never_raises_on_any_json(topic: str, document: object, received_at: datetime) -> None:
    payload = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    result = well_formed(parse(topic, payload, received_at, max_future=timedelta(minutes=10)))
    if result.topic is None or any(r.index is None for r in result.rejections):
        return  # a whole-message problem: well_formed() checked it is alone, with no records
    # Otherwise every element gave exactly one record or one rejection.
    expected = len(document) if isinstance(document, list) else 1
    assert isinstance(document, list | dict)
    assert len(result.records) + len(result.rejections) == expected
