"""ISO weeks bounded at local midnight (Asia/Ho_Chi_Minh by default): ``2026-W49`` is Monday 00:00 local to the next
Monday 00:00 local, stored and queried as UTC. Pure.

ISO 8601 weeks, not calendar ones: week 1 holds the year's first Thursday, so 2026-W53 ends on 3 January 2027 and
29 December 2025 is in 2026-W01. Python's ``date.fromisocalendar`` does that arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ioc.errors import IocError

_PATTERN = re.compile(r"^(?P<y>\d{4})-?W(?P<w>\d{1,2})$", re.IGNORECASE)
SEND_AT = time(7, 0)      # Monday 07:00 local: last week's briefing goes out


class WeekError(IocError, ValueError):
    """A week is written YYYY-Www (ISO 8601), e.g. 2026-W49."""


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[Monday 00:00 local, next Monday 00:00 local) as aware datetimes (compare them with UTC freely)."""
        return _midnight(self.monday, tz), _midnight(self.monday + timedelta(days=7), tz)

    def previous(self) -> Week:
        return of(self.monday - timedelta(days=7))

    def send_time(self, tz: ZoneInfo) -> datetime:
        """When this week's briefing is due: the Monday after it, 07:00 local."""
        return datetime.combine(self.monday + timedelta(days=7), SEND_AT, tz)


def parse(text: str) -> Week:
    m = _PATTERN.match(str(text).strip())
    if not m:
        raise WeekError(f"week {text!r}: expected YYYY-Www, e.g. 2026-W49")
    year, number = int(m["y"]), int(m["w"])
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise WeekError(f"week {text!r}: {year} has no ISO week {number}") from None
    return Week(year, number)


def of(day: date) -> Week:
    iso = day.isocalendar()
    return Week(iso.year, iso.week)


def containing(moment: datetime, tz: ZoneInfo) -> Week:
    return of(moment.astimezone(tz).date())


def last_complete(now: datetime, tz: ZoneInfo) -> Week:
    """The newest week that is over at ``now`` (local time): last week."""
    return containing(now, tz).previous()


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)
