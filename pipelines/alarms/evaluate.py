"""One rule against one entity's newest value: raise and clear decisions with ``for`` and hysteresis. Pure.

Phases: ok → pending (raise condition holds, waiting ``for``) → firing → clearing (clear condition holds, waiting
``clear_for``) → ok. Between the two levels (hysteresis band) a firing alarm stays firing. A missing value (no data)
never raises and never clears: a silent sensor is the missing_data rule's business, not a reason to clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pipelines.alarms.rules import Rule

Phase = Literal["ok", "pending", "firing", "clearing"]
Decision = Literal["raise", "clear", "hold"]


@dataclass(frozen=True, slots=True)
class State:
    phase: Phase = "ok"
    since: datetime | None = None      # when the current phase began
    value: float | None = None


OK = State()


@dataclass(frozen=True, slots=True)
class Step:
    state: State
    decision: Decision | None = None   # hold: firing and the raise condition seen again (last_seen, value)


def step(rule: Rule, state: State, value: float | None, now: datetime) -> Step:
    if value is None:
        return Step(state)
    up, down = rule.trigger.holds(value), rule.release.holds(value)
    match state.phase:
        case "ok":
            return _begin_raise(rule, value, now) if up else Step(OK)
        case "pending":
            if not up:
                return Step(OK)
            return _raise_if_due(rule, state, value, now)
        case "firing":
            if down:
                return _begin_clear(rule, value, now)
            return Step(State("firing", state.since, value), "hold" if up else None)
        case _:
            if not down:
                return Step(State("firing", state.since, value), "hold" if up else None)
            return _clear_if_due(rule, state, value, now)


def _begin_raise(rule: Rule, value: float, now: datetime) -> Step:
    return _raise_if_due(rule, State("pending", now, value), value, now)


def _raise_if_due(rule: Rule, state: State, value: float, now: datetime) -> Step:
    assert state.since is not None
    if now - state.since >= timedelta(seconds=rule.for_):
        return Step(State("firing", now, value), "raise")
    return Step(State("pending", state.since, value))


def _begin_clear(rule: Rule, value: float, now: datetime) -> Step:
    return _clear_if_due(rule, State("clearing", now, value), value, now)


def _clear_if_due(rule: Rule, state: State, value: float, now: datetime) -> Step:
    assert state.since is not None
    if now - state.since >= timedelta(seconds=rule.clear_for):
        return Step(OK, "clear")
    return Step(State("clearing", state.since, value))
