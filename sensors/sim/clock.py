"""Simulated time: durations, the fast-forward clock, and the local calendar (weekends, holidays, Tết) behaviour
follows. Pure, apart from :func:`tet_day`'s cache of the holiday calendar."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

# Day kinds, in the order a day is classified: Tết first, then the other public holidays, then the weekend.
TET, TET_EVE, PRE_TET, HOLIDAY, WEEKEND, WEEKDAY = "tet", "tet_eve", "pre_tet", "holiday", "weekend", "weekday"
RUSH_HOURS = ((6.5, 8.0), (16.5, 18.5))  # local time, working days


def parse_duration(text: str) -> timedelta:
    """``"30d"``, ``"15m"``, ``"90s"``, ``"1h30m"``: a positive duration. ValueError otherwise."""
    cleaned = text.strip().lower()
    parts = _DURATION.findall(cleaned)
    if not parts or _DURATION.sub("", cleaned).strip():
        raise ValueError(f"{text!r} is not a duration such as 90s, 15m, 2h, 30d or 1h30m")
    seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class SimClock:
    """Simulated time runs ``speed`` times faster than the wall clock from ``start``, but never ahead of the real
    time: a reading from the future is rejected by the contract, so a fast run starts in the past and, once it has
    caught up, goes on in real time."""

    start: datetime  # aware
    speed: float
    wall0: float  # the monotonic wall time ``start`` corresponds to

    def at(self, wall: float, real_now: datetime) -> datetime:
        ahead = self.start + timedelta(seconds=(wall - self.wall0) * self.speed)
        return min(ahead, real_now)


@lru_cache(maxsize=64)
def tet_day(year: int) -> date:
    """The first day of the lunar new year in ``year`` (from the Vietnamese holiday calendar)."""
    calendar = holidays.country_holidays("VN", years=year, language="en_US")
    named = [day for day, name in calendar.items() if name == "Lunar New Year"]
    if named:
        return min(named)
    eve = min(day for day, name in calendar.items() if "Eve" in name and "Lunar" in name)
    return eve + timedelta(days=1)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


@lru_cache(maxsize=4096)
def day_kind(day: date) -> str:
    """How a day behaves: Tết (first 4 days), its eve, the week before it, a public holiday, weekend, weekday."""
    tet = tet_day(day.year)
    offset = (day - tet).days
    if 0 <= offset <= 3:
        return TET
    if offset == -1:
        return TET_EVE
    if -8 <= offset <= -2:
        return PRE_TET
    if day in _public_holidays(day.year):
        return HOLIDAY
    return WEEKEND if day.weekday() >= 5 else WEEKDAY


def hour_of_day(local: datetime) -> float:
    return local.hour + local.minute / 60 + local.second / 3600


def is_rush_hour(local: datetime) -> bool:
    """6:30-8:00 and 16:30-18:30 on working days."""
    if day_kind(local.date()) not in (WEEKDAY, PRE_TET):
        return False
    hour = hour_of_day(local)
    return any(lo <= hour < hi for lo, hi in RUSH_HOURS)


def profile(knots: Sequence[tuple[float, float]], x: float) -> float:
    """Piecewise-linear value at ``x`` through ``knots`` (x ascending); flat beyond the ends."""
    xs = [k[0] for k in knots]
    i = bisect_right(xs, x)
    if i == 0:
        return knots[0][1]
    if i == len(knots):
        return knots[-1][1]
    (x0, y0), (x1, y1) = knots[i - 1], knots[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def clock_minutes(text: str) -> int:
    """``"05:30"`` as minutes after midnight (``"24:00"`` is 1440)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
