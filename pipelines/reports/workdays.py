"""Which days are working days in Vietnam: weekends and public holidays off, make-up Saturdays on.

The national calendar comes from the ``holidays`` package (``holidays.VN``: New Year, the lunar Tết days, Hùng
Kings' day, 30/4, 1/5, National Day and the government's bridge days, with the weekend days worked in exchange).
Local decisions override it per day (table ``report_calendar_days``). A calendar covers the years it was built
for and refuses any other day rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import holidays

WEEKEND = frozenset({5, 6})   # Saturday, Sunday (date.weekday())


@dataclass(frozen=True)
class Calendar:
    first_year: int
    last_year: int
    days_off: frozenset[date]         # holidays falling on weekdays or not
    days_worked: frozenset[date]      # weekend days that are working days
    names: Mapping[date, str]

    def is_working_day(self, day: date) -> bool:
        if not self.first_year <= day.year <= self.last_year:
            raise ValueError(f"{day.isoformat()} is outside the calendar ({self.first_year}-{self.last_year})")
        if day in self.days_worked:
            return True
        return day.weekday() not in WEEKEND and day not in self.days_off


def vietnam(years: Iterable[int], overrides: Mapping[date, bool] | None = None) -> Calendar:
    """The national calendar for ``years``; ``overrides`` maps a day to True (worked) or False (off)."""
    span = sorted(set(years))
    if not span:
        raise ValueError("a calendar needs at least one year")
    national = holidays.country_holidays("VN", years=range(span[0], span[-1] + 1))
    off = set(national)
    worked = {d for d in national.weekend_workdays if span[0] <= d.year <= span[-1]}
    for day, working in (overrides or {}).items():
        (worked if working else off).add(day)
        (off if working else worked).discard(day)
    return Calendar(span[0], span[-1], frozenset(off), frozenset(worked), dict(national.items()))


def years_around(*days: date, before: int = 1, after: int = 2) -> range:
    """The years a clock started on these days may need: a margin for pauses and extensions."""
    return range(min(d.year for d in days) - before, max(d.year for d in days) + after + 1)
