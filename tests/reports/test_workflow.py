"""The handling workflow as a pure state machine: the legal path, and every illegal step refused with a reason."""

from __future__ import annotations

import pytest

from pipelines.reports.workflow import Action, Change, Refusal, State, allowed, decide


def _ok(state: State, action: Action) -> State:
    found = decide(state, action)
    assert isinstance(found, Change), found
    return found.after


def _refused(state: State, action: Action) -> str:
    found = decide(state, action)
    assert isinstance(found, Refusal), found
    return found.reason


def test_the_whole_path_from_received_to_closed() -> None:
    s = State("received")
    s = _ok(s, Action("assign", department="drainage"))
    assert (s.status, s.department) == ("assigned", "drainage")
    s = _ok(s, Action("start"))
    s = _ok(s, Action("resolve", response="Đã nạo vét cống."))
    assert s.status == "resolved"
    assert _ok(s, Action("close")).status == "closed"


@pytest.mark.parametrize(("state", "action", "reason"), [
    (State("received"), Action("start"), "assign it to a department first"),
    (State("received"), Action("resolve", response="x"), "only one in progress"),
    (State("assigned", department="urban"), Action("close"), "resolve or reject it first"),
    (State("in_progress"), Action("resolve"), "needs a public response"),
    (State("received"), Action("assign"), "needs a department"),
    (State("assigned", department="urban"), Action("assign", department="urban"), "already assigned to urban"),
    (State("closed"), Action("assign", department="urban"), "a closed report cannot change"),
    (State("resolved"), Action("reject", response="x"), "cannot reject a resolved report"),
    (State("received"), Action("reject"), "public response giving the reason"),
    (State("received"), Action("resume"), "not waiting for the citizen"),
    (State("received"), Action("pause"), "what the citizen was asked"),
    (State("received", paused=True), Action("assign", department="urban"), "resume it first"),
    (State("received", paused=True), Action("pause", note="again"), "resume it first"),
    (State("assigned"), Action("extend", note="rain", days=0), "more than 0"),
    (State("assigned"), Action("extend", note="rain", days=31), "at most 30"),
    (State("resolved"), Action("extend", note="x", days=1), "cannot extend"),
    (State("received"), Action("teleport"), "unknown action"),
])
def test_illegal_transitions_are_refused_with_a_reason(state: State, action: Action, reason: str) -> None:
    assert reason in _refused(state, action)


def test_pause_flags_the_report_and_resume_or_reject_end_it() -> None:
    paused = _ok(State("assigned", department="urban"), Action("pause", note="asked for the house number"))
    assert paused.paused and paused.status == "assigned"
    resumed = decide(paused, Action("resume"))
    assert isinstance(resumed, Change) and resumed.ends_pause and not resumed.after.paused
    rejected = decide(paused, Action("reject", response="no answer from the citizen"))
    assert isinstance(rejected, Change) and rejected.ends_pause and rejected.leaves_work
    assert rejected.after == State("rejected", False, "urban")


def test_extension_keeps_the_state_and_asks_for_a_new_due_time() -> None:
    found = decide(State("in_progress"), Action("extend", note="waiting for parts", days=2))
    assert isinstance(found, Change) and found.after == State("in_progress") and found.recompute_due


def test_allowed_lists_what_the_buttons_may_offer() -> None:
    assert allowed(State("received")) == ["assign", "reject", "pause", "extend", "escalate"]
    assert allowed(State("in_progress")) == ["assign", "resolve", "reject", "pause", "extend", "escalate"]
    escalated = State("in_progress", escalated=True)
    assert allowed(escalated) == ["assign", "resolve", "reject", "pause", "extend", "deescalate"]
    assert allowed(State("resolved")) == ["close"]
    assert allowed(State("assigned", paused=True)) == ["reject", "resume"]
    assert allowed(State("closed")) == []
