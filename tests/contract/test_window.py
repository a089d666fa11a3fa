"""The storage window: a ts further back than ``max_age`` is refused (``old_ts``) with a reason an installer can act on.

Every distinct old day would create its own hypertable chunk; the ingester passes the raw retention period."""

from __future__ import annotations

from datetime import timedelta

import orjson

from sensors.contract import ParseResult, parse

from .support import RECEIVED_AT, TS, accepted, body, rejected, topic

WINDOW = timedelta(days=30)


def _parse(ts: str, max_age: timedelta | None = WINDOW) -> ParseResult:
    payload = orjson.dumps(body("env", "telemetry", ts=ts))
    return parse(topic("env", "telemetry"), payload, RECEIVED_AT, max_age=max_age)


def test_a_reading_inside_the_window_is_kept() -> None:
    assert accepted(_parse("2026-10-22T01:20:00Z")).ts == RECEIVED_AT - timedelta(days=30)


def test_a_reading_older_than_the_window_says_how_old_and_what_to_change() -> None:
    reason = rejected(_parse("2001-01-01T00:00:00Z"), "old_ts", "ts")
    assert reason.startswith("field 'ts' = \"2001-01-01T00:00:00Z\" is 9455.1 days old")
    assert "older than 30 days are not stored" in reason and "IOC_INGEST_MAX_AGE_DAYS" in reason


def test_no_window_keeps_any_age_after_2000() -> None:
    assert accepted(_parse("2001-01-01T00:00:00Z", max_age=None)).ts.year == 2001


def test_each_old_element_of_an_array_is_refused_with_its_index() -> None:
    items = [body("env", "telemetry", ts="2001-01-01T00:00:00Z", seq=1), body("env", "telemetry", seq=2)]
    result = parse(topic("env", "telemetry"), orjson.dumps(items), RECEIVED_AT, max_age=WINDOW)
    assert [r.ts for r in result.records] == [TS]
    assert [(r.code, r.index) for r in result.rejections] == [("old_ts", 0)]
    assert result.rejections[0].reason.startswith("element 0: field 'ts'")
