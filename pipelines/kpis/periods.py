"""Reporting periods: a year, a quarter or a month, bounded at local midnight (Asia/Ho_Chi_Minh by default).

A dossier belongs to the period that holds its receipt date in local time (the spec's period rule), so a dossier
received 2025-01-31T17:30Z (00:30 on 1 February in Vietnam) is a February dossier. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from ioc.errors import IocError

_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{1,2})|[Qq](?P<q>[1-4])))?$")


class PeriodError(IocError, ValueError):
    """A period is written 2025, 2025-Q2 or 2025-06."""


@dataclass(frozen=True, order=True)
class Period:
    """The local dates [start, end) of a year, quarter or month."""

    start: date
    end: date
    kind: str  # year, quarter, month

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def year(self) -> int:
        return self.start.year

    def months(self) -> list[date]:
        """First day of each month of the period."""
        return [d.date() for d in pd.date_range(self.start, self.end, freq="MS", inclusive="left")]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes: local midnight of its first day and of the day after its last."""
        return local_midnight(self.start, tz), local_midnight(self.end, tz)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def parse(text: str) -> Period:
    """``2025`` → the year, ``2025-Q2`` → the quarter, ``2025-06`` → the month."""
    m = _PATTERN.match(str(text).strip())
    if not m:
        raise PeriodError(f"period {text!r}: expected YYYY, YYYY-Qn or YYYY-MM (e.g. 2025, 2025-Q2, 2025-06)")
    year = int(m["y"])
    if m["q"]:
        first = 3 * (int(m["q"]) - 1) + 1
        return Period(date(year, first, 1), _add_months(date(year, first, 1), 3), "quarter")
    if m["m"]:
        month = int(m["m"])
        if not 1 <= month <= 12:
            raise PeriodError(f"period {text!r}: month {month} is not 1-12")
        return Period(date(year, month, 1), _add_months(date(year, month, 1), 1), "month")
    return Period(date(year, 1, 1), date(year + 1, 1, 1), "year")


def month_of(day: date) -> Period:
    return parse(f"{day.year}-{day.month:02d}")


def _add_months(day: date, n: int) -> date:
    total = day.year * 12 + day.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def add_months(day: date, n: int) -> date:
    """The first day of the month ``n`` months after ``day``'s month (negative: before)."""
    return _add_months(day.replace(day=1), n)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def local_month(ts: pd.Series, tz: ZoneInfo) -> pd.Series:
    """First day (a ``date``) of the local month of each aware timestamp."""
    local = pd.to_datetime(ts, utc=True).dt.tz_convert(tz)
    return local.dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.date


def as_of(period: Period, now: datetime, tz: ZoneInfo) -> datetime:
    """When a period is judged: its end, or ``now`` for the current period (the spec's rule)."""
    return min(period.bounds(tz)[1], now)


def months_ahead(period: Period, now: datetime, tz: ZoneInfo) -> list[tuple[date, float]]:
    """(month, share of it still to come) for the months of ``period`` not over by ``now``: 1 for a month not yet
    begun, the part not yet elapsed for the current one."""
    out = []
    for m in period.months():
        start, end = local_midnight(m, tz), local_midnight(add_months(m, 1), tz)
        if end <= now:
            continue
        out.append((m, 1.0 if start >= now else (end - now) / (end - start)))
    return out


def parse_now(text: str | None) -> datetime:
    """A command's ``--now`` (an ISO time with its offset), or the current time."""
    if not text:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise IocError("--now needs a time zone offset, e.g. 2025-08-15T12:00:00+07:00")
    return parsed
