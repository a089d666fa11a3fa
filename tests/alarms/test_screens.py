"""Alarms on screen without a browser: the wall tile's numbers (silenced ones counted, the pulse only while a
critical alarm is unacknowledged), the /alarms page's handling (role, notes, silence from an alarm) and who may
open the page. Against the real database; the browser test is tests/dashboards/test_alarms_browser.py."""

from __future__ import annotations

import json
from datetime import timedelta

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards import context, maps
from dashboards.queries import alarms as alarm_q
from dashboards.views import alarm_actions, alarm_rules, wall_alarms
from dashboards.views import alarms as view
from ioc.config import Settings
from ioc.security import policy, roles, users
from ioc.security.principal import Principal
from pipelines.alarms import actions, store
from tests.alarms.support import NOW, VN, cycle, device, install, pm25, rows, rule

CRITICAL = {"id": "pm25-critical", "severity": "critical"}


@pytest.fixture
def ioc(settings: Settings, pool: ConnectionPool) -> context.IocContext:
    return context.IocContext(settings, given=pool)


def _two_alarms(db: psycopg.Connection) -> None:
    install(db, rule(), rule(**CRITICAL, scope={"devices": ["env-2"]}))
    device(db, "env-1")
    device(db, "env-2", ward="26737")
    pm25(db, "env-1", 120, NOW)
    pm25(db, "env-2", 130, NOW)
    cycle(db, NOW)


def _text(component: object) -> str:
    return json.dumps(component, ensure_ascii=False, default=lambda c: c.to_plotly_json())


def test_the_summary_counts_live_alarms_by_severity_and_those_a_silence_holds(db: psycopg.Connection,
                                                                               pool: ConnectionPool) -> None:
    _two_alarms(db)
    store.add_silence(db, matcher={"rule": "pm25-high"}, reason="bảo trì", created_by="lan",
                      expires_at=NOW + timedelta(hours=2), starts_at=NOW - timedelta(minutes=1))
    found = alarm_q.summary(pool, NOW, VN, None)
    assert found.by_severity == {"critical": 1, "major": 2}   # env-2 is under both rules
    assert (found.total, found.unacknowledged, found.critical_open) == (3, 3, 1)
    assert found.silenced == 2 and found.newest[0]["rule_id"] == "pm25-critical"
    # one ward's scene: that ward's alarms only (26737 holds env-2)
    assert alarm_q.summary(pool, NOW, VN, ["26737"]).total == 2
    assert alarm_q.summary(pool, NOW, VN, ["99999"]).total == 0
    # an alarm of no ward (the pipeline, the system) is on every ward's scene
    db.execute("UPDATE alarms SET ward_code = NULL WHERE entity = 'env-1'")
    assert alarm_q.summary(pool, NOW, VN, ["99999"]).total == 1


def test_the_tile_is_red_and_pulses_only_while_a_critical_alarm_is_unacknowledged(
        db: psycopg.Connection, pool: ConnectionPool, ioc: context.IocContext) -> None:
    _two_alarms(db)
    found = alarm_q.summary(pool, NOW, VN, None)
    made = wall_alarms.tile(found, NOW, VN, "vi")
    assert made.value == "3" and made.color == wall_alarms.SEVERITY_HEX["critical"]
    assert "Nghiêm trọng 1 · Cao 2" in _text(made.detail) and "Bụi mịn cao" in _text(made.detail)
    assert made.caption == "3 chưa xác nhận · 0 đang tạm tắt"
    assert "ioc-alarm-pulse" in wall_alarms.css_class(made, found)
    users.add(db, "lan", "operator", actor="test")
    critical = rows(db, "SELECT id FROM alarms WHERE rule_id = 'pm25-critical'")[0][0]
    assert alarm_q.summary(pool, NOW, VN, None).critical_open == 1
    assert alarm_actions.handle(ioc, critical, "acknowledge", alarm_actions.Form(), "lan", "vi")[0]
    after = alarm_q.summary(pool, NOW, VN, None)
    classes = wall_alarms.css_class(wall_alarms.tile(after, NOW, VN, "vi"), after)
    assert "ioc-alarm-critical" in classes and "ioc-alarm-pulse" not in classes
    quiet = alarm_q.AlarmSummary()
    assert wall_alarms.tile(quiet, NOW, VN, "en").detail == ["No alarms"]
    assert wall_alarms.css_class(wall_alarms.tile(quiet, NOW, VN, "en"), quiet) == "ioc-tile ioc-tile-alarms"


def test_the_page_handles_an_alarm_and_refuses_what_is_not_allowed(db: psycopg.Connection, pool: ConnectionPool,
                                                                   ioc: context.IocContext) -> None:
    _two_alarms(db)
    users.add(db, "lan", "operator", actor="test")
    users.add(db, "xem", "viewer", actor="test")
    alarm = rows(db, "SELECT id FROM alarms WHERE rule_id = 'pm25-high' AND entity = 'env-1'")[0][0]
    form = alarm_actions.Form

    ok, message = alarm_actions.handle(ioc, alarm, "acknowledge", form(), None, "vi")
    assert not ok and "Chỉ điều hành viên" in message
    ok, message = alarm_actions.handle(ioc, alarm, "acknowledge", form(), "xem", "en")
    assert not ok and "only operators and admins handle alarms" in message
    ok, message = alarm_actions.handle(ioc, alarm, "resolve", form(note=" "), "lan", "vi")
    assert not ok and "cần ghi chú" in message
    assert alarm_actions.handle(ioc, alarm, "assign", form(assignee="tuan"), "lan", "vi")[0]
    ok, message = alarm_actions.handle(ioc, alarm, "silence", form(note="đang thay cảm biến", hours=2), "lan", "vi")
    assert ok, message
    silence = rows(db, "SELECT matcher, created_by, expires_at - starts_at FROM alarm_silences")
    assert silence == [({"rule": "pm25-high", "entity": "env-1"}, "lan", timedelta(hours=2))]
    assert alarm_actions.handle(ioc, alarm, "resolve", form(note="đã thay cảm biến"), "lan", "vi")[0]
    found, history = alarm_q.detail(pool, alarm)
    assert found is not None and found["state"] == "resolved" and found["assignee"] == "tuan"
    assert [h["action"] for h in history] == ["raised", "assigned", "silenced", "resolve"]
    shown = _text(view.detail(found, history, VN, "vi"))
    assert "Tạm tắt thông báo" in shown and "đã thay cảm biến" in shown and "Đã xử lý" in shown
    assert "Bộ phận quan trắc môi trường" in shown and "environment" not in shown    # the owner by name, not code
    assert "Environmental monitoring unit" in _text(view.detail(found, history, VN, "en"))
    ok, message = alarm_actions.handle(ioc, alarm, "silence", form(note="muộn rồi"), "lan", "vi")
    assert not ok and "no longer live" in message


def test_the_buttons_follow_the_state_and_the_role() -> None:
    assert _text(view.buttons("open", False, "vi")).count("alarms-act") == 0
    live = view.buttons("acknowledged", True, "vi")
    enabled = {b.id["action"] for b in live if not b.disabled}
    assert enabled == {"assign", "resolve", "close", "silence"}
    assert {b.id["action"] for b in view.buttons("resolved", True, "vi") if not b.disabled} == {"close"}


@pytest.mark.parametrize(("role", "kind", "verdict"), [("viewer", "user", "allow"), ("operator", "user", "allow"),
                                                       ("kiosk", "kiosk", "forbidden")])
def test_viewers_see_the_page_kiosks_only_the_wall(role: str, kind: str, verdict: str) -> None:
    perms = roles.KIOSK if kind == "kiosk" else roles.permissions_of(role)
    who = Principal(kind, "x", role, perms)  # type: ignore[arg-type]
    assert policy.decide(policy.page_requirement("/alarms"), who) == verdict
    assert policy.decide(policy.page_requirement("/wall"), who) == "allow"


def test_the_wall_map_rings_an_alarmed_device_in_its_severity_colour(db: psycopg.Connection,
                                                                     pool: ConnectionPool) -> None:
    _two_alarms(db)
    db.execute("UPDATE devices SET location = ST_SetSRID(ST_MakePoint(109.19, 12.24), 4326) WHERE device_id = 'env-2'")
    found = wall_alarms.map_points(alarm_q.located(pool, None), "vi")
    assert sorted(p["severity"] for p in found) == ["critical", "major"]  # env-1 has no location: not on the map
    traces = maps.alarm_traces(found, "vi")
    assert [t["name"] for t in traces] == ["⚠ Nghiêm trọng (1)", "⚠ Cao (1)"]
    assert traces[0]["lon"] == [109.19] and traces[0]["marker"]["color"] == wall_alarms.SEVERITY_HEX["critical"]
    assert "Bụi mịn cao · env-2" in traces[1]["hovertext"][0]
    assert maps.alarm_traces([], "vi") == []
    assert alarm_q.located(pool, ["26734"]) == []     # env-2 is in 26737


def test_the_rules_editor_checks_with_line_and_field_and_saves_through_the_loader(
        db: psycopg.Connection, ioc: context.IocContext) -> None:
    install(db, rule(), rule(**CRITICAL))
    text = alarm_rules.current(ioc)
    assert alarm_rules.apply(ioc, "check", text, "an", "vi") == (True, ["Hợp lệ: 2 quy tắc"])
    broken = text.replace("severity: critical", "severity: dire")
    ok, lines = alarm_rules.apply(ioc, "save", broken, "an", "en")
    line = 1 + next(i for i, s in enumerate(broken.splitlines()) if "dire" in s)
    assert not ok and lines[0].startswith("Not saved: 1 errors")
    assert lines[1].startswith(f"yaml:{line}: rules[") and ".severity: Input should be 'critical'" in lines[1]
    assert rows(db, "SELECT severity FROM alarm_rules WHERE id = 'pm25-critical'") == [("critical",)]  # unchanged
    # one rule left, another's severity changed: saved, and the missing rule disabled (its alarms keep history)
    only = alarm_rules.as_yaml([rule(**(CRITICAL | {"severity": "major"})).as_json()])
    ok, lines = alarm_rules.apply(ioc, "save", only, "an", "vi")
    assert ok and lines == ["Đã áp dụng 1 quy tắc; 1 quy tắc không còn trong văn bản đã bị tắt"]
    assert rows(db, "SELECT id, severity, enabled, source FROM alarm_rules ORDER BY id") == [
        ("pm25-critical", "major", True, "/alarms by an"), ("pm25-high", "major", False, "test")]
    assert alarm_rules.apply(ioc, "check", "version: 2", "an", "vi")[1][1] == (
        "yaml:1: expected a mapping with 'version: 1' and a list 'rules'")


def test_a_page_past_the_end_of_a_shrunk_list_shows_the_last_one(db: psycopg.Connection,
                                                                 pool: ConnectionPool) -> None:
    _two_alarms(db)
    live = actions.AlarmFilter(alarm_q.LIVE)
    page, total, found = alarm_q.page_of(pool, live, 5, 2)
    assert (page, total, [a["entity"] for a in found]) == (1, 3, ["env-1"])
    assert found[0]["device_name"] is None and found[0]["ward_name"] is None   # names where the registry has them
    assert alarm_q.page_of(pool, actions.AlarmFilter(("closed",)), 3, 2) == (0, 0, [])
