"""The SLA clock, pure: how much working time a report has used and when it falls due.

The rule (whole working days, local time): the clock runs during every minute of a working day, 00:00 to 24:00 in
the display zone (Asia/Ho_Chi_Minh), and stands still on weekends, public holidays and while the report waits for
the citizen (a pause). A budget of N working days is N × 24 hours of running clock. So a report received on a
Friday at 15:00 with one working day is due on Monday at 15:00; one received on a Saturday is due at the end of
Monday. Extensions add working days to the budget. Fractions work the same way (0.5 day = 12 hours of clock).
A ward that counts office hours only would change :func:`_day_window` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipelines.reports.workdays import Calendar

DAY_S = 86_400.0
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None = None    # None: still waiting


@dataclass(frozen=True)
class Clock:
    budget_days: float
    used_days: float
    due_at: datetime | None       # None while paused with no time left to compute from
    overdue: bool
    paused: bool

    @property
    def remaining_days(self) -> float:
        return self.budget_days - self.used_days


def _aware(ts: datetime) -> datetime:
    if ts.tzinfo is None:
        raise ValueError(f"{ts.isoformat()} has no time zone; the SLA clock needs aware times")
    return ts.astimezone(UTC)


def _day_window(day: datetime, tz: ZoneInfo) -> Span:
    start = datetime.combine(day.date(), time(), tz)
    return start.astimezone(UTC), datetime.combine(day.date() + timedelta(days=1), time(), tz).astimezone(UTC)


def _working_spans(start: datetime, cal: Calendar, tz: ZoneInfo) -> Iterator[Span]:
    """The running clock's spans from ``start`` on, in order, one per working day (unbounded: the caller stops)."""
    day = start.astimezone(tz)
    while True:
        lo, hi = _day_window(day, tz)
        if cal.is_working_day(day.date()):
            yield max(lo, start), hi
        day = hi.astimezone(tz)


def _merged(pauses: Sequence[Pause], horizon: datetime) -> list[Span]:
    spans = sorted((_aware(p.start), _aware(p.end) if p.end else horizon) for p in pauses)
    out: list[Span] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def _minus(span: Span, pauses: list[Span]) -> list[Span]:
    pieces, (a, b) = [], span
    for p, q in pauses:
        if q <= a or p >= b:
            continue
        if p > a:
            pieces.append((a, p))
        a = max(a, q)
    if a < b:
        pieces.append((a, b))
    return pieces


def working_seconds(start: datetime, end: datetime, cal: Calendar, tz: ZoneInfo,
                    pauses: Sequence[Pause] = ()) -> float:
    """Running-clock seconds in [start, end); an open pause runs to ``end``."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return 0.0
    stopped = _merged(pauses, end)
    total = 0.0
    for a, b in _working_spans(start, cal, tz):
        if a >= end:
            break
        total += sum((q - p).total_seconds() for p, q in _minus((a, min(b, end)), stopped))
    return total


def due_at(start: datetime, budget_days: float, cal: Calendar, tz: ZoneInfo,
           pauses: Sequence[Pause] = ()) -> datetime | None:
    """When the clock started at ``start`` has run ``budget_days`` working days; None while an open pause holds it."""
    if budget_days <= 0:
        raise ValueError(f"the SLA budget must be positive, not {budget_days}")
    start = _aware(start)
    far = datetime.max.replace(tzinfo=UTC)
    stopped = _merged(pauses, far)
    held_from = stopped[-1][0] if stopped and stopped[-1][1] == far else far
    remaining = budget_days * DAY_S
    for span in _working_spans(start, cal, tz):
        if span[0] >= held_from:
            return None
        for a, b in _minus(span, stopped):
            length = (b - a).total_seconds()
            if remaining <= length:
                return a + timedelta(seconds=remaining)
            remaining -= length
    raise AssertionError("unreachable: the working spans never end")  # pragma: no cover


def clock(start: datetime, budget_days: float, cal: Calendar, tz: ZoneInfo, now: datetime,
          pauses: Sequence[Pause] = (), finished_at: datetime | None = None) -> Clock:
    """The clock's state at ``now`` (or frozen at ``finished_at`` once resolved or rejected)."""
    end = finished_at or now
    used = working_seconds(start, end, cal, tz, pauses) / DAY_S
    paused = finished_at is None and any(p.end is None for p in pauses)
    closed = [p for p in pauses if p.end is not None]
    return Clock(budget_days, used, due_at(start, budget_days, cal, tz, closed), used > budget_days, paused)


def pauses_from_history(events: Sequence[tuple[str, datetime]]) -> list[Pause]:
    """Pause intervals from (action, at) history rows in time order; an unmatched pause is still open."""
    out: list[Pause] = []
    opened: datetime | None = None
    for action, at in events:
        if action == "pause" and opened is None:
            opened = at
        elif action == "resume" and opened is not None:
            out.append(Pause(opened, at))
            opened = None
    if opened is not None:
        out.append(Pause(opened))
    return out
