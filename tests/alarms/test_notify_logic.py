"""The pure parts of notifications: grouping, escalation, routes as data, templates and back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ioc.data import data_path
from pipelines.alarms.notify import escalation, grouping, routes, templates
from pipelines.alarms.notify.dispatcher import backoff
from pipelines.alarms.notify.grouping import Event
from pipelines.alarms.rules import RulesError
from tests.alarms.support import VN

T0 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)          # 08:00 in Hà Nội
WAIT, REPEAT = timedelta(seconds=30), timedelta(minutes=5)


def ev(i: int, at: datetime = T0, ward: str | None = "26734", event: str = "raised", rule: str = "camera-offline",
       severity: str = "major") -> Event:
    return Event(i, 1000 + i, at, event, severity, rule, "it_ops", f"cam-{i}", ward, "Camera mất kết nối",
                 "Camera offline", 1.0)


def test_forty_cameras_of_one_ward_are_one_group_after_the_group_wait() -> None:
    events = [ev(i, T0 + timedelta(seconds=i % 10)) for i in range(40)]
    assert grouping.ready(events, {}, T0 + timedelta(seconds=29), WAIT, REPEAT) == []
    [group] = grouping.ready(events, {}, T0 + WAIT, WAIT, REPEAT)
    assert group.key == "camera-offline|26734|major" and len(group.events) == 40 and len(group.alarm_ids) == 40


def test_groups_split_by_rule_ward_and_severity() -> None:
    events = [ev(1), ev(2, ward="26737"), ev(3, rule="pm25-high"), ev(4, severity="critical"), ev(5, ward=None)]
    keys = [g.key for g in grouping.ready(events, {}, T0 + WAIT, WAIT, REPEAT)]
    assert keys == ["camera-offline|26734|major", "camera-offline|26737|major", "pm25-high|26734|major",
                    "camera-offline|26734|critical", "camera-offline|-|major"]


def test_a_group_that_just_sent_waits_for_its_repeat_interval() -> None:
    sent = {"camera-offline|26734|major": T0}
    later = [ev(7, T0 + timedelta(minutes=1))]
    assert grouping.ready(later, sent, T0 + timedelta(minutes=4), WAIT, REPEAT) == []
    assert len(grouping.ready(later, sent, T0 + REPEAT, WAIT, REPEAT)) == 1


def unacked(severity: str = "critical") -> escalation.Unacked:
    return escalation.Unacked(9, "fire", "ward_police", severity, "cam-9", "26734", "Cháy", "Fire", T0)


def test_a_critical_alarm_escalates_once_per_tier_after_its_delay() -> None:
    delays = [timedelta(minutes=15), timedelta(minutes=45)]
    assert escalation.due([unacked()], delays, set(), T0 + timedelta(minutes=14)) == []
    assert [e.tier for e in escalation.due([unacked()], delays, set(), T0 + timedelta(minutes=15))] == [1]
    assert escalation.due([unacked()], delays, {(9, 1)}, T0 + timedelta(minutes=20)) == []
    assert [e.tier for e in escalation.due([unacked()], delays, set(), T0 + timedelta(hours=1))] == [1, 2]
    assert escalation.due([unacked("major")], delays, set(), T0 + timedelta(hours=1)) == []


def test_the_shipped_routes_file_is_valid_and_disabled() -> None:
    loaded = routes.load(data_path("alarms/routes.yaml"))
    assert loaded.routes and not any(r.enabled for r in loaded.routes)
    assert loaded.routes[0].delays[0] == timedelta(minutes=15)


def test_route_errors_name_the_line_and_the_field(tmp_path: Path) -> None:
    text = ("version: 1\nroutes:\n  - name: a\n    match: {severity: loud}\n    notify:\n"
            "      - {channel: fax, to: x}\n")
    with pytest.raises(RulesError) as err:
        routes.parse(text, "routes.yaml")
    assert "routes.yaml:4: routes[0].match.severity" in str(err.value)
    assert "routes.yaml:6: routes[0].notify[0].channel" in str(err.value)


def test_routes_need_growing_escalation_delays_and_unique_names() -> None:
    base = "version: 1\nroutes:\n  - name: a\n    notify: [{channel: email, to: a@b.vn}]\n"
    with pytest.raises(RulesError, match="longer than the one before"):
        routes.parse(base + "    escalate:\n      - {after: 30m, notify: [{channel: email, to: x@b.vn}]}\n"
                            "      - {after: 15m, notify: [{channel: email, to: y@b.vn}]}\n")
    with pytest.raises(RulesError, match="names used twice: a"):
        routes.parse(base + base.split("routes:\n")[1])


def test_matching_routes_by_owner_and_severity() -> None:
    loaded = routes.parse("version: 1\nroutes:\n"
                          "  - {name: env, match: {owner: environment, severity: [critical, major]},"
                          " notify: [{channel: email, to: a@b.vn}]}\n"
                          "  - {name: all, notify: [{channel: telegram, to: '-1'}]}\n"
                          "  - {name: spare, enabled: false, notify: [{channel: telegram, to: '-2'}]}\n")
    assert [r.name for r in loaded.matching("environment", "major", "pm25-high", "26734")] == ["env", "all"]
    assert [r.name for r in loaded.matching("environment", "minor", "pm25-high", "26734")] == ["all"]


def test_group_message_is_vietnamese_first_in_local_time_and_bounded() -> None:
    [group] = grouping.ready([ev(i) for i in range(40)], {}, T0 + WAIT, WAIT, REPEAT)
    msg = templates.group_message(group, VN, T0 + WAIT)
    assert msg.subject.startswith("[CAO / MAJOR] Camera mất kết nối — phường 26734: 40")
    assert msg.body.index("Camera mất kết nối") < msg.body.index("— English —") < msg.body.index("Camera offline")
    assert "40 đang xảy ra (lúc 08:00 05/12/2026" in msg.body and "40 firing" in msg.body
    assert "… và 30 đối tượng khác" in msg.body and msg.body.count("- cam-") == 20
    assert len(msg.data["events"]) == 40 and msg.data["zns"]["count"] == 40


def test_escalation_message_says_the_tier_and_how_long() -> None:
    msg = templates.escalation_message(escalation.Escalation(unacked(), 1), VN, T0 + timedelta(minutes=16))
    assert msg.subject.startswith("[CHUYỂN CẤP 1 / ESCALATED 1] [NGHIÊM TRỌNG / CRITICAL] Cháy")
    assert "Chưa ai tiếp nhận sau 16 phút (phát sinh lúc 08:00 05/12/2026)" in msg.body


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(a).total_seconds() for a in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20) == timedelta(hours=1)
