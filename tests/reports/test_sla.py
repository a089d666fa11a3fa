"""The SLA clock: whole working days in local time, weekends, Tết and other holidays off, pauses and extensions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.reports import sla, workdays
from tests.reports.helpers import TZ, local

CAL = workdays.vietnam(range(2025, 2028))


def test_holidays_vn_knows_tet_2026_and_hung_kings() -> None:
    vn = holidays.country_holidays("VN", years=2026)
    assert vn.get(date(2026, 2, 17)) == "Lunar New Year"        # first day of the lunar year Bính Ngọ
    assert {date(2026, 2, d) for d in range(16, 21)} <= set(vn)  # eve to the fourth day, Monday to Friday
    assert "Hung Kings" in (vn.get(date(2026, 4, 26)) or "")
    assert not any(CAL.is_working_day(date(2026, 2, d)) for d in range(14, 23))   # weekend, Tết, weekend
    assert CAL.is_working_day(date(2026, 2, 13)) and CAL.is_working_day(date(2026, 2, 23))


def test_one_working_day_over_a_weekend() -> None:
    friday = local(2026, 10, 16, 15, 0)
    assert sla.due_at(friday, 1, CAL, TZ) == local(2026, 10, 19, 15, 0)          # Monday 15:00
    assert sla.due_at(local(2026, 10, 17, 10, 0), 1, CAL, TZ) == local(2026, 10, 20, 0, 0)  # Saturday: end of Monday
    assert sla.working_seconds(friday, local(2026, 10, 19, 15, 0), CAL, TZ) == 86_400


def test_two_working_days_across_tet_2026() -> None:
    # Friday 13 Feb 15:00: 9 h that day, Tết (16-20 Feb) and two weekends off, 24 h on Monday 23, 15 h on Tuesday
    assert sla.due_at(local(2026, 2, 13, 15, 0), 2, CAL, TZ) == local(2026, 2, 24, 15, 0)


def test_a_make_up_saturday_counts() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))          # worked to bridge the 2 September holiday
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert sla.due_at(local(2026, 8, 21, 12, 0), 1, CAL, TZ) == local(2026, 8, 22, 12, 0)


def test_a_pause_stops_the_clock_for_its_working_time_only() -> None:
    monday = local(2026, 10, 12, 9, 0)
    assert sla.due_at(monday, 2, CAL, TZ) == local(2026, 10, 14, 9, 0)
    one_day = [sla.Pause(local(2026, 10, 12, 12, 0), local(2026, 10, 13, 12, 0))]
    assert sla.due_at(monday, 2, CAL, TZ, one_day) == local(2026, 10, 15, 9, 0)
    # Friday 12:00 to Monday 12:00 waiting: 12 h of Friday and 12 h of Monday were working time
    over_weekend = [sla.Pause(local(2026, 10, 16, 12, 0), local(2026, 10, 19, 12, 0))]
    thursday = local(2026, 10, 15, 9, 0)
    assert sla.due_at(thursday, 2, CAL, TZ, over_weekend) == local(2026, 10, 20, 9, 0)


def test_an_open_pause_holds_the_clock() -> None:
    start = local(2026, 10, 12, 9, 0)
    waiting = [sla.Pause(local(2026, 10, 12, 10, 0))]
    assert sla.due_at(start, 1, CAL, TZ, waiting) is None
    later = sla.clock(start, 1, CAL, TZ, local(2026, 10, 30, 9, 0), waiting)
    assert later.paused and not later.overdue and later.used_days == pytest.approx(1 / 24)
    assert later.due_at == local(2026, 10, 13, 9, 0)   # the due time over closed pauses only


def test_overdue_and_an_extension() -> None:
    start = local(2026, 10, 12, 9, 0)
    now = local(2026, 10, 15, 9, 0)
    assert sla.clock(start, 2, CAL, TZ, now).overdue
    assert not sla.clock(start, 2 + 2, CAL, TZ, now).overdue
    done = sla.clock(start, 2, CAL, TZ, now, finished_at=local(2026, 10, 13, 17, 0))
    assert not done.overdue and done.remaining_days == pytest.approx(2 - 32 / 24)


def test_pauses_are_read_back_from_history() -> None:
    a, b, c = local(2026, 10, 12, 10, 0), local(2026, 10, 12, 11, 0), local(2026, 10, 12, 12, 0)
    events = [("assign", a), ("pause", a), ("resume", b), ("pause", c), ("pause", c)]
    assert sla.pauses_from_history(events) == [sla.Pause(a, b), sla.Pause(c)]


def test_local_overrides_and_refusals() -> None:
    cal = workdays.vietnam([2026], {date(2026, 10, 16): False, date(2026, 10, 17): True})
    assert not cal.is_working_day(date(2026, 10, 16)) and cal.is_working_day(date(2026, 10, 17))
    with pytest.raises(ValueError, match="outside the calendar"):
        cal.is_working_day(date(2030, 1, 2))
    with pytest.raises(ValueError, match="no time zone"):
        sla.due_at(datetime(2026, 10, 12, 9, 0), 1, CAL, TZ)  # naive on purpose
    with pytest.raises(ValueError, match="positive"):
        sla.due_at(local(2026, 10, 12, 9, 0), 0, CAL, TZ)


@settings(max_examples=150, deadline=None)
@given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(UTC)),
       budget=st.floats(min_value=0.01, max_value=15), pause_h=st.integers(min_value=0, max_value=200))
def test_due_time_is_when_the_budget_is_used(start: datetime, budget: float, pause_h: int) -> None:
    pauses = [sla.Pause(start + timedelta(hours=3), start + timedelta(hours=3 + pause_h))] if pause_h else []
    due = sla.due_at(start, budget, CAL, TZ, pauses)
    assert due is not None and due > start
    assert sla.working_seconds(start, due, CAL, TZ, pauses) == pytest.approx(budget * 86_400, abs=1e-3)
    assert sla.working_seconds(start, due - timedelta(seconds=1), CAL, TZ, pauses) < budget * 86_400
