"""Faults a field device shows, each at a configurable rate: going offline (and flushing its buffer when back),
falling silent while connected, a skewed clock, malformed messages (see ``malformed``). Pure transitions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

PPM = 1_000_000
WENT_OFFLINE, CAME_BACK, WENT_SILENT, SPOKE_AGAIN = "went_offline", "came_back", "went_silent", "spoke_again"


@dataclass(frozen=True)
class FaultConfig:
    """Rates: outages and silences per device per day with their mean length, the share of devices whose clock is
    off (by up to ``max_skew_s`` either way), and the share of live data messages sent malformed."""

    offline_per_day: float = 0.0
    offline_minutes: float = 20.0
    silent_per_day: float = 0.0
    silent_minutes: float = 30.0
    skew_share: float = 0.0
    max_skew_s: float = 120.0
    malformed: float = 0.0

    def __post_init__(self) -> None:
        for name in ("offline_per_day", "silent_per_day"):
            if not 0 <= getattr(self, name) <= 1440:
                raise ValueError(f"{name} is a rate per device per day in 0..1440, not {getattr(self, name)}")
        for name in ("skew_share", "malformed"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} is a share in 0..1, not {getattr(self, name)}")
        if self.offline_minutes <= 0 or self.silent_minutes <= 0 or self.max_skew_s < 0:
            raise ValueError("fault durations are positive and the clock skew is not negative")


@dataclass(frozen=True, slots=True)
class FaultState:
    offline_until: datetime | None = None
    silent_until: datetime | None = None
    skew_s: float = 0.0

    @property
    def offline(self) -> bool:
        return self.offline_until is not None

    @property
    def silent(self) -> bool:
        return self.silent_until is not None


def initial_state(config: FaultConfig, rng: np.random.Generator) -> FaultState:
    """A device's faults at start: only the clock skew is decided up front."""
    if config.skew_share and rng.random() < config.skew_share:
        return FaultState(skew_s=round(float(rng.uniform(-config.max_skew_s, config.max_skew_s)), 3))
    return FaultState()


def advance(state: FaultState, config: FaultConfig, now: datetime, interval_s: int,
            rng: np.random.Generator) -> tuple[FaultState, str | None]:
    """The state at the device's tick ``now`` and what changed (one of the module's transition names, or None)."""
    if state.offline_until is not None:
        return (replace(state, offline_until=None), CAME_BACK) if now >= state.offline_until else (state, None)
    if state.silent_until is not None:
        return (replace(state, silent_until=None), SPOKE_AGAIN) if now >= state.silent_until else (state, None)
    if _starts(config.offline_per_day, interval_s, rng):
        return replace(state, offline_until=now + _length(config.offline_minutes, interval_s, rng)), WENT_OFFLINE
    if _starts(config.silent_per_day, interval_s, rng):
        return replace(state, silent_until=now + _length(config.silent_minutes, interval_s, rng)), WENT_SILENT
    return state, None


def _starts(per_day: float, interval_s: int, rng: np.random.Generator) -> bool:
    return per_day > 0 and rng.random() < per_day * interval_s / 86400


def _length(mean_minutes: float, interval_s: int, rng: np.random.Generator) -> timedelta:
    # At least two ticks, so an outage always leaves something to flush.
    return timedelta(seconds=max(2 * interval_s, float(rng.exponential(mean_minutes * 60))))


class ShareSchedule:
    """Picks exactly floor(n × share) of the first n candidates, spread evenly: a share a test can count exactly."""

    __slots__ = ("_ppm", "_seen")

    def __init__(self, share: float) -> None:
        self._ppm = round(share * PPM)  # integers: no float drift over millions of messages
        self._seen = 0

    def take(self) -> bool:
        before = self._seen * self._ppm // PPM
        self._seen += 1
        return self._seen * self._ppm // PPM > before

    @property
    def seen(self) -> int:
        return self._seen
