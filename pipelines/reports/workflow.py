"""The handling workflow as a pure state machine: ``received → assigned → in_progress → resolved | rejected → closed``.

:func:`decide` takes the report's state and an action and returns the new state or a refusal with its reason;
it touches nothing. Waiting for the citizen is not a status but a flag (``paused``) on an open report: it stops
the SLA clock, and while it is set only ``resume`` and ``reject`` are allowed (the citizen may never answer).
Resolving or rejecting a paused report ends the pause at that moment.

Escalation is a flag too (``escalated``): staff hand an open report up to the ward's leadership (``escalate``, with
the reason as its note) and take it back (``deescalate``); resolving or rejecting it ends the escalation. The alarm
rule kind ``report_escalated`` raises while the flag is set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipelines.reports.model import OPEN_STATUSES

ACTIONS = ("assign", "start", "resolve", "reject", "close", "pause", "resume", "extend", "escalate", "deescalate")
MAX_EXTENSION_DAYS = 30.0


@dataclass(frozen=True)
class State:
    status: str
    paused: bool = False
    department: str | None = None
    escalated: bool = False


@dataclass(frozen=True)
class Action:
    kind: str
    department: str | None = None
    note: str = ""          # internal note, kept in the history
    response: str = ""      # the public response (resolve, reject)
    days: float = 0.0       # extend: working days added to the SLA


@dataclass(frozen=True)
class Change:
    """The accepted outcome: the new state and what the database edge must do besides."""

    before: State
    after: State
    action: Action
    ends_pause: bool = False      # the report was paused and the clock restarts now
    starts_pause: bool = False
    leaves_work: bool = False     # resolved or rejected now: resolution time is set
    closes: bool = False
    extension_days: float = 0.0
    starts_escalation: bool = False
    ends_escalation: bool = False  # deescalate, or resolved or rejected while escalated

    @property
    def recompute_due(self) -> bool:
        return self.ends_pause or self.extension_days > 0


@dataclass(frozen=True)
class Refusal:
    reason: str


def decide(state: State, action: Action) -> Change | Refusal:
    """The new state after ``action``, or why it is refused."""
    if action.kind not in ACTIONS:
        return Refusal(f"unknown action {action.kind!r}; expected one of {', '.join(ACTIONS)}")
    if state.status == "closed":
        return Refusal("the report is closed; a closed report cannot change")
    if state.paused and action.kind not in ("resume", "reject"):
        return Refusal(f"cannot {action.kind}: the report is waiting for the citizen; resume it first")
    return _RULES[action.kind](state, action)


def _assign(s: State, a: Action) -> Change | Refusal:
    if s.status not in OPEN_STATUSES:
        return Refusal(f"cannot assign a {s.status} report; only received, assigned or in-progress ones")
    if not a.department:
        return Refusal("assign needs a department")
    if s.status == "assigned" and s.department == a.department:
        return Refusal(f"the report is already assigned to {a.department}")
    return Change(s, replace(s, status="assigned", department=a.department), a)


def _start(s: State, a: Action) -> Change | Refusal:
    if s.status != "assigned":
        return Refusal(f"cannot start work on a {s.status} report; assign it to a department first"
                       if s.status == "received" else f"cannot start work on a {s.status} report")
    return Change(s, replace(s, status="in_progress"), a)


def _resolve(s: State, a: Action) -> Change | Refusal:
    if s.status != "in_progress":
        return Refusal(f"cannot resolve a {s.status} report; only one in progress")
    if not a.response.strip():
        return Refusal("resolve needs a public response telling the citizen what was done")
    return Change(s, replace(s, status="resolved", escalated=False), a, leaves_work=True,
                  ends_escalation=s.escalated)


def _reject(s: State, a: Action) -> Change | Refusal:
    if s.status not in OPEN_STATUSES:
        return Refusal(f"cannot reject a {s.status} report")
    if not a.response.strip():
        return Refusal("reject needs a public response giving the reason")
    return Change(s, replace(s, status="rejected", paused=False, escalated=False), a, ends_pause=s.paused,
                  leaves_work=True, ends_escalation=s.escalated)


def _close(s: State, a: Action) -> Change | Refusal:
    if s.status not in ("resolved", "rejected"):
        return Refusal(f"cannot close a {s.status} report; resolve or reject it first")
    return Change(s, replace(s, status="closed"), a, closes=True)


def _pause(s: State, a: Action) -> Change | Refusal:
    if s.status not in OPEN_STATUSES:
        return Refusal(f"cannot wait for the citizen on a {s.status} report")
    if not a.note.strip():
        return Refusal("pause needs a note saying what the citizen was asked")
    return Change(s, replace(s, paused=True), a, starts_pause=True)


def _resume(s: State, a: Action) -> Change | Refusal:
    if not s.paused:
        return Refusal("the report is not waiting for the citizen")
    return Change(s, replace(s, paused=False), a, ends_pause=True)


def _extend(s: State, a: Action) -> Change | Refusal:
    if s.status not in OPEN_STATUSES:
        return Refusal(f"cannot extend the deadline of a {s.status} report")
    if not 0 < a.days <= MAX_EXTENSION_DAYS:
        return Refusal(f"an extension is more than 0 and at most {MAX_EXTENSION_DAYS:g} working days, not {a.days:g}")
    if not a.note.strip():
        return Refusal("extend needs a note giving the reason")
    return Change(s, s, a, extension_days=a.days)


def _escalate(s: State, a: Action) -> Change | Refusal:
    if s.status not in OPEN_STATUSES:
        return Refusal(f"cannot escalate a {s.status} report; only received, assigned or in-progress ones")
    if s.escalated:
        return Refusal("the report is already escalated")
    if not a.note.strip():
        return Refusal("escalate needs a note giving the reason")
    return Change(s, replace(s, escalated=True), a, starts_escalation=True)


def _deescalate(s: State, a: Action) -> Change | Refusal:
    if not s.escalated:
        return Refusal("the report is not escalated")
    return Change(s, replace(s, escalated=False), a, ends_escalation=True)


_RULES = {"assign": _assign, "start": _start, "resolve": _resolve, "reject": _reject, "close": _close,
          "pause": _pause, "resume": _resume, "extend": _extend, "escalate": _escalate, "deescalate": _deescalate}


def allowed(state: State) -> list[str]:
    """The actions that would be accepted now, with their required fields filled (for buttons)."""
    probe = Action("", department="\x00probe", note="x", response="x", days=1.0)
    return [k for k in ACTIONS if isinstance(decide(state, replace(probe, kind=k)), Change)]
