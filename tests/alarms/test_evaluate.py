"""The pure state machine: `for`, hysteresis, clear_for, and no data neither raises nor clears."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pipelines.alarms.evaluate import OK, State, step
from pipelines.alarms.rules import Rule

T0 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def aqi_rule(**kw: object) -> Rule:
    return Rule.model_validate({"id": "aqi", "name": {"vi": "Xấu", "en": "Bad"}, "kind": "vn_aqi",
                                "severity": "major", "owner": "env", "raise": {"op": ">=", "value": 151},
                                "clear": {"op": "<", "value": 130}} | kw)


def run(rule: Rule, values: Sequence[float | None], every: timedelta = timedelta(minutes=1)) -> list[str | None]:
    state, out = OK, list[str | None]()
    for i, v in enumerate(values):
        result = step(rule, state, v, T0 + i * every)
        state = result.state
        out.append(result.decision)
    return out


def test_raises_at_once_without_for_and_holds_inside_the_hysteresis_band() -> None:
    assert run(aqi_rule(), [120, 151, 160, 140, 131, 129, 140]) == [None, "raise", "hold", None, None, "clear", None]


def test_for_waits_and_a_dip_restarts_it() -> None:
    rule = aqi_rule(**{"for": "2m"})
    assert run(rule, [151, 160, 140, 151, 152, 153]) == [None, None, None, None, None, "raise"]


def test_clear_for_waits_and_a_return_above_the_clear_level_keeps_it_firing() -> None:
    rule = aqi_rule(clear_for="2m")
    assert run(rule, [151, 100, 135, 100, 100, 100]) == ["raise", None, None, None, None, "clear"]


def test_no_data_neither_raises_nor_clears() -> None:
    rule = aqi_rule()
    assert run(rule, [None, 151, None, None, 100]) == [None, "raise", None, None, "clear"]
    firing = State("firing", T0, 160)
    assert step(rule, firing, None, T0 + timedelta(hours=5)).state == firing


def test_a_falling_rule_works_the_other_way() -> None:
    rule = Rule.model_validate({"id": "low", "name": {"vi": "Thấp", "en": "Low"}, "kind": "ingest_health",
                                "metric": "completeness", "severity": "minor", "owner": "it",
                                "raise": {"op": "<", "value": 80}, "clear": {"op": ">=", "value": 90}})
    assert run(rule, [95, 79, 85, 91]) == [None, "raise", None, "clear"]
