"""Whether an alarm's event should reach people: silences, maintenance windows, flapping, re-notify. Pure.

Every event is recorded; these rules only decide ``notify`` and, when it is false, say why (``held_by``), so the
notifier never has to re-derive them and an operator can see why nobody was told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

FLAP_WINDOW = timedelta(minutes=15)
FLAP_LIMIT = 5          # more than this many raise/clear cycles inside the window is flapping
MATCH_KEYS = ("rule", "entity", "severity", "owner", "kind", "device", "ward")


@dataclass(frozen=True, slots=True)
class Labels:
    """What a silence can match on. kind is the device kind (camera, env, wifi) when the entity is a device."""

    rule: str
    entity: str
    severity: str
    owner: str
    kind: str | None = None
    device: str | None = None
    ward: str | None = None

    def get(self, key: str) -> str | None:
        return getattr(self, key) if key in MATCH_KEYS else None


@dataclass(frozen=True, slots=True)
class Silence:
    id: int
    matcher: Mapping[str, str | Sequence[str]]
    starts_at: datetime
    expires_at: datetime
    windows: tuple[tuple[time, time], ...] = ()   # empty: ad hoc, active from start to expiry
    weekdays: frozenset[int] = field(default_factory=frozenset)  # ISO weekdays; empty: every day

    def active(self, now: datetime, tz: ZoneInfo) -> bool:
        if not self.starts_at <= now < self.expires_at:
            return False
        if not self.windows:
            return True
        local = now.astimezone(tz)
        return any(_in_window(local, start, end, self.weekdays) for start, end in self.windows)

    def matches(self, labels: Labels) -> bool:
        """Every key of the matcher must match; a list matches any of its values."""
        for key, want in self.matcher.items():
            got = labels.get(key)
            if got is None or (got != want if isinstance(want, str) else got not in want):
                return False
        return True


def _in_window(local: datetime, start: time, end: time, weekdays: frozenset[int]) -> bool:
    """A window may run past midnight (22:00–02:00); the weekday is that of the window's start."""
    now_t = local.timetz().replace(tzinfo=None)
    if start <= end:
        return start <= now_t < end and (not weekdays or local.isoweekday() in weekdays)
    if now_t >= start:
        return not weekdays or local.isoweekday() in weekdays
    if now_t < end:
        return not weekdays or (local - timedelta(days=1)).isoweekday() in weekdays
    return False


def parse_window(text: str) -> tuple[time, time]:
    """``HH:MM-HH:MM`` (local time) to a pair of times; a window of zero length is refused."""
    try:
        a, b = (time.fromisoformat(p.strip()) for p in text.split("-"))
    except ValueError:
        raise ValueError(f"{text!r} is not a window like 02:00-04:30") from None
    if a == b:
        raise ValueError(f"{text!r} is empty: start and end are the same")
    return a, b


def silenced_by(silences: Iterable[Silence], labels: Labels, now: datetime, tz: ZoneInfo) -> int | None:
    return next((s.id for s in silences if s.active(now, tz) and s.matches(labels)), None)


def recent(times: Iterable[datetime], now: datetime) -> tuple[datetime, ...]:
    return tuple(t for t in times if now - t <= FLAP_WINDOW)


def is_flapping(raises: Sequence[datetime]) -> bool:
    """A raise after a clear is one cycle; the first raise of the spell is not a cycle."""
    return len(raises) - 1 > FLAP_LIMIT


@dataclass(frozen=True, slots=True)
class Verdict:
    notify: bool
    held_by: str | None = None


def on_raise(*, silence: int | None, was_flapping: bool, flapping: bool, folded: bool,
             last_notified_at: datetime | None, renotify_s: float, now: datetime) -> Verdict:
    """A raise: silenced → recorded only; flapping starts → this one event tells people (once for the spell);
    still flapping → held; a raise folded into a recently notified alarm → held until the re-notify interval."""
    if silence is not None:
        return Verdict(False, f"silence:{silence}")
    if flapping:
        return Verdict(True) if not was_flapping else Verdict(False, "flapping")
    if folded and last_notified_at and now - last_notified_at < timedelta(seconds=renotify_s):
        return Verdict(False, "renotify")
    return Verdict(True)


def on_other(*, silence: int | None, flapping: bool) -> Verdict:
    """A clear, a re-notify or a hand action: silences and flapping hold it back."""
    if silence is not None:
        return Verdict(False, f"silence:{silence}")
    return Verdict(False, "flapping") if flapping else Verdict(True)


def renotify_due(last_notified_at: datetime | None, renotify_s: float, now: datetime) -> bool:
    return renotify_s > 0 and last_notified_at is not None and now - last_notified_at >= timedelta(seconds=renotify_s)
