"""ISO weeks at local midnight, year-end weeks, and when Monday's briefing is due. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipelines.briefing import schedule
from pipelines.briefing.archive import Recipient
from pipelines.briefing.week import Week, WeekError, containing, last_complete, parse

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_week_starts_at_local_midnight_monday_which_is_17h_utc_on_sunday() -> None:
    start, end = parse("2026-W49").bounds(VN)
    assert start.astimezone(UTC) == datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
    assert (parse("2026-W49").monday, parse("2026-W49").sunday) == (date(2026, 11, 30), date(2026, 12, 6))


def test_sunday_evening_utc_is_already_the_next_week_in_vietnam() -> None:
    assert containing(datetime(2026, 12, 6, 16, 59, tzinfo=UTC), VN).label == "2026-W49"
    assert containing(datetime(2026, 12, 6, 17, 0, tzinfo=UTC), VN).label == "2026-W50"


@pytest.mark.parametrize(("day", "label"), [
    (date(2025, 12, 29), "2026-W01"),     # Monday of ISO week 1 of 2026 lies in 2025
    (date(2027, 1, 3), "2026-W53"),       # 2026 has 53 ISO weeks; its last ends on 3 January 2027
    (date(2027, 1, 4), "2027-W01"),
    (date(2021, 1, 1), "2020-W53"),
])
def test_year_end_weeks_follow_iso_8601(day: date, label: str) -> None:
    start, _ = parse(label).bounds(VN)
    assert containing(datetime(day.year, day.month, day.day, 12, tzinfo=VN), VN).label == label
    assert start.date() <= day


def test_week_2026_w53_spans_the_new_year_and_its_previous_is_w52() -> None:
    w = parse("2026-W53")
    assert (w.monday, w.sunday) == (date(2026, 12, 28), date(2027, 1, 3))
    assert w.previous() == Week(2026, 52) and parse("2027-W01").previous() == w


@pytest.mark.parametrize("bad", ["2026-W54", "2025-W53", "2026-49", "W49", "2026-W00", ""])
def test_bad_weeks_are_refused_with_the_expected_form(bad: str) -> None:
    with pytest.raises(WeekError, match="2026-W49|ISO week"):
        parse(bad)


def test_the_briefing_is_due_from_monday_0700_local_for_last_week_only() -> None:
    monday_0659 = datetime(2026, 12, 7, 6, 59, tzinfo=VN)
    assert schedule.due(monday_0659, VN) is None
    assert schedule.due(datetime(2026, 12, 7, 7, 0, tzinfo=VN), VN) == parse("2026-W49")
    assert schedule.due(datetime(2026, 12, 13, 23, 0, tzinfo=VN), VN) == parse("2026-W49")   # catch-up all week
    assert last_complete(datetime(2026, 12, 7, 0, 30, tzinfo=VN), VN) == parse("2026-W49")


def test_recipients_are_grouped_into_one_briefing_per_scope_and_language() -> None:
    found = schedule.audiences([Recipient("a@x.vn", "*", "vi"), Recipient("b@x.vn", "*", "vi"),
                                Recipient("c@x.vn", "22333", "en")])
    assert found == {("*", "vi"): ["a@x.vn", "b@x.vn"], ("22333", "en"): ["c@x.vn"]}
