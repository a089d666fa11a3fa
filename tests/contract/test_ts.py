"""ts: RFC 3339 with offset or epoch milliseconds, not before 2000, not too far ahead of the ingester's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sensors.contract import ParseResult, parse

from .support import RECEIVED_AT, TS, accepted, body, check, rejected, topic


def _ts(value: object, max_future: timedelta | None = None) -> ParseResult:
    return check("env", "telemetry", body("env", "telemetry", ts=value), max_future=max_future)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-21T08:15:00+07:00",
        "2026-11-21T01:15:00Z",
        "2026-11-21t01:15:00z",
        "2026-11-21 01:15:00Z",
        "2026-11-21T01:15:00+00:00",
        "2026-11-21T01:15:00-00:00",
        "2026-11-20T20:15:00-05:00",
        "2026-11-21T08:15:00.000+07:00",
        "2026-11-21T08:15:00.000000000+07:00",
    ],
)
def test_rfc3339_forms_name_the_same_instant(text: str) -> None:
    record = accepted(_ts(text))
    assert record.ts == TS and record.ts.tzinfo is UTC and record.ts_assumed is False


def test_fractions_are_kept_to_the_microsecond() -> None:
    assert accepted(_ts("2026-11-21T08:15:00.123456789+07:00")).ts == TS + timedelta(microseconds=123456)
    assert accepted(_ts("2026-11-21T08:15:00.5+07:00")).ts == TS + timedelta(milliseconds=500)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-11-21T08:15:00", "offset is required"),
        ("2026-11-21 08:15:00.250", "offset is required"),
        ("2026-11-21", "not an RFC 3339 time"),
        ("21/11/2026 08:15", "not an RFC 3339 time"),
        ("2026-11-21T08:15:00+0700", "not an RFC 3339 time"),
        ("20261121T081500Z", "not an RFC 3339 time"),
        ("2026-11-21T08:15Z", "not an RFC 3339 time"),
        ("２０２６-11-21T08:15:00Z", "not an RFC 3339 time"),
        ("2026-02-30T08:15:00Z", "not a valid time"),
        ("2026-11-21T08:15:60Z", "not a valid time"),
        ("2026-11-21T08:15:00+24:00", "not a valid time"),
        ("9999-12-31T23:59:59-23:59", "not a valid time"),
        ("", "not an RFC 3339 time"),
    ],
)
def test_bad_text_ts(text: str, says: str) -> None:
    assert says in rejected(_ts(text), "bad_ts", "ts")


@pytest.mark.parametrize("value", [1795137300000.0, True, [1], {"t": 1}])
def test_ts_of_the_wrong_type(value: object) -> None:
    reason = rejected(_ts(value), "wrong_type", "ts")
    assert "RFC 3339 time with offset" in reason and "epoch milliseconds" in reason


def test_epoch_milliseconds_bounds() -> None:
    assert accepted(_ts(946684800000)).ts == datetime(2000, 1, 1, tzinfo=UTC)
    assert "before 2000-01-01" in rejected(_ts(946684799999), "bad_ts", "ts")
    assert "not a time before year 10000" in rejected(_ts(2**62), "bad_ts", "ts")
    assert "before 2000-01-01" in rejected(_ts(-1), "bad_ts", "ts")


def test_epoch_seconds_get_a_hint() -> None:
    assert "looks like epoch seconds" in rejected(_ts(int(TS.timestamp())), "bad_ts", "ts")
    assert "looks like epoch seconds" not in rejected(_ts(0), "bad_ts", "ts")


def test_unset_clock_before_2000() -> None:
    assert accepted(_ts("2000-01-01T07:00:00+07:00")).ts == datetime(2000, 1, 1, tzinfo=UTC)
    reason = rejected(_ts("1970-01-01T00:00:00Z"), "bad_ts", "ts")
    assert "clock is not set" in reason
    assert rejected(_ts("1999-12-31T23:59:59.999Z"), "bad_ts", "ts")


def test_future_limit_is_inclusive_and_adjustable() -> None:
    limit = RECEIVED_AT + timedelta(minutes=10)
    assert accepted(_ts(int(limit.timestamp() * 1000))).ts == limit
    reason = rejected(_ts(int(limit.timestamp() * 1000) + 1), "future_ts", "ts")
    assert "ahead of the ingester clock (at most 10 allowed): device clock skew?" in reason
    ahead = "2026-11-21T09:20:00+07:00"  # an hour after RECEIVED_AT
    assert rejected(_ts(ahead, max_future=timedelta(minutes=59)), "future_ts", "ts")
    assert accepted(_ts(ahead, max_future=timedelta(hours=1))).ts == RECEIVED_AT + timedelta(hours=1)


def test_received_at_in_any_zone_is_stored_as_utc() -> None:
    local = RECEIVED_AT.astimezone(timezone(timedelta(hours=7)))
    record = accepted(check("env", "telemetry", body("env", "telemetry", ts=None), received_at=local))
    assert record.ts == RECEIVED_AT and record.ts.tzinfo is UTC and record.ts_assumed


def test_naive_received_at_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse(topic("env", "telemetry"), b'{"pm25": 1}', datetime(2026, 11, 21, 8, 15))
