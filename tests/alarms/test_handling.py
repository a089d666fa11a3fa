"""People and alarms: operators acknowledge, assign, resolve, close (each step audited); viewers cannot; silences
record without notifying; ``ioc alarms`` end to end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from ioc.config import Settings
from ioc.data import data_path
from ioc.security import users
from pipelines.alarms import actions, store
from pipelines.alarms.actions import AlarmActionError
from pipelines.alarms.rules import RulesError
from smartward.cli import main
from tests.alarms.support import NOW, cycle, device, install, pm25, rows, rule


def raised(db: psycopg.Connection) -> int:
    install(db, rule())
    device(db, "env-1")
    pm25(db, "env-1", 120, NOW)
    cycle(db, NOW)
    return int(rows(db, "SELECT id FROM alarms")[0][0])


def test_an_operator_handles_an_alarm_and_every_step_is_audited(db: psycopg.Connection) -> None:
    alarm = raised(db)
    users.add(db, "lan", "operator", actor="test")
    assert actions.act(db, alarm, "acknowledge", "lan", "đang xử lý") == "acknowledged"
    actions.assign(db, alarm, "tuan", "lan")
    assert actions.act(db, alarm, "resolve", "lan", "đã thay cảm biến") == "resolved"
    assert actions.act(db, alarm, "close", "lan") == "closed"
    trail = rows(db, "SELECT actor, action, from_state, to_state, note FROM alarm_transitions ORDER BY id")
    assert trail == [("system", "raised", None, "open", None),
                     ("lan", "acknowledge", "open", "acknowledged", "đang xử lý"),
                     ("lan", "assigned", "acknowledged", "acknowledged", "→ tuan"),
                     ("lan", "resolve", "acknowledged", "resolved", "đã thay cảm biến"),
                     ("lan", "close", "resolved", "closed", None)]
    assert rows(db, "SELECT assignee, resolved_at IS NOT NULL, closed_at IS NOT NULL FROM alarms") == [
        ("tuan", True, True)]
    assert [r[0] for r in rows(db, "SELECT event FROM alarm_events ORDER BY id")] == [
        "raised", "acknowledged", "resolved", "closed"]


def test_viewers_and_strangers_cannot_and_wrong_moves_change_nothing(db: psycopg.Connection) -> None:
    alarm = raised(db)
    users.add(db, "xem", "viewer", actor="test")
    users.add(db, "lan", "operator", actor="test")
    with pytest.raises(AlarmActionError, match="'xem' is a viewer: only operators and admins handle alarms"):
        actions.act(db, alarm, "acknowledge", "xem")
    with pytest.raises(AlarmActionError, match="'ghost' is not an active user"):
        actions.act(db, alarm, "acknowledge", "ghost")
    actions.act(db, alarm, "acknowledge", "lan")
    with pytest.raises(AlarmActionError, match="is acknowledged: it cannot be acknowledged"):
        actions.act(db, alarm, "acknowledge", "lan")
    assert rows(db, "SELECT count(*) FROM alarm_transitions") == [(2,)]


def test_an_acknowledged_alarm_stays_acknowledged_while_firing_and_reopens_after_a_clear(db: psycopg.Connection
                                                                                        ) -> None:
    alarm = raised(db)
    users.add(db, "lan", "operator", actor="test")
    actions.act(db, alarm, "acknowledge", "lan")
    for i, value in enumerate([130, 10, 150], start=1):
        pm25(db, "env-1", value, NOW + timedelta(minutes=i))
        cycle(db, NOW + timedelta(minutes=i))
        if i == 1:
            assert rows(db, "SELECT state FROM alarms") == [("acknowledged",)]
    assert rows(db, "SELECT id, state, count FROM alarms") == [(alarm, "open", 2)]


def test_resolving_by_hand_while_the_condition_holds_raises_it_again(db: psycopg.Connection) -> None:
    alarm = raised(db)
    users.add(db, "lan", "operator", actor="test")
    actions.act(db, alarm, "resolve", "lan", "tưởng đã xong")
    pm25(db, "env-1", 140, NOW + timedelta(minutes=1))
    cycle(db, NOW + timedelta(minutes=1))
    assert rows(db, "SELECT id, state, count FROM alarms") == [(alarm, "open", 2)]


def test_a_silenced_alarm_is_recorded_but_nobody_is_told(db: psycopg.Connection) -> None:
    install(db, rule())
    device(db, "env-1")
    device(db, "env-2", ward="26737")
    sid = store.add_silence(db, matcher={"ward": "26734"}, reason="bảo trì trạm", created_by="lan",
                            starts_at=NOW - timedelta(minutes=1), expires_at=NOW + timedelta(hours=1))
    pm25(db, "env-1", 120, NOW)
    pm25(db, "env-2", 120, NOW)
    cycle(db, NOW)
    told = rows(db, "SELECT a.entity, e.notify, e.held_by FROM alarm_events e JOIN alarms a ON a.id = e.alarm_id "
                    "ORDER BY a.entity")
    assert told == [("env-1", False, f"silence:{sid}"), ("env-2", True, None)]


@pytest.mark.parametrize(("kw", "reason"), [
    ({"matcher": {}}, "matcher: use one or more of"),
    ({"matcher": {"colour": "red"}}, "unknown: colour"),
    ({"reason": "  "}, "needs a reason"),
    ({"created_by": ""}, "needs a reason"),
    ({"expires_at": NOW - timedelta(hours=1)}, "must end after it starts"),
    ({"windows": ["25:00-26:00"]}, "window: '25:00-26:00' is not a window"),
    ({"weekdays": [1]}, "only a recurring silence"),
])
def test_a_silence_needs_every_field(db: psycopg.Connection, kw: dict[str, object], reason: str) -> None:
    args: dict[str, object] = {"matcher": {"rule": "x"}, "reason": "bảo trì", "created_by": "lan",
                               "starts_at": NOW, "expires_at": NOW + timedelta(hours=1)} | kw
    with pytest.raises(RulesError, match=reason):
        store.add_silence(db, **args)  # type: ignore[arg-type]


def test_the_cli_loads_lists_runs_acknowledges_and_silences(db: psycopg.Connection, settings: Settings,
                                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    base = ["--database-url", str(settings.database_url), "alarms"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(data_path("alarms/default_rules.yaml").read_text().replace("severity: critical", "severity: hot", 1))
    assert main([*base, "rules", "load", str(bad)]) == 2
    assert "bad.yaml:37: rules[3].severity: Input should be" in capsys.readouterr().err
    assert rows(db, "SELECT count(*) FROM alarm_rules") == [(0,)]          # an invalid file changes nothing
    assert main([*base, "rules", "load", str(data_path("alarms/default_rules.yaml"))]) == 0
    assert main([*base, "rules", "list"]) == 0
    assert "vn-aqi-bad" in capsys.readouterr().out
    device(db, "cam-1", kind="camera", online=False, last_data_at=NOW)
    db.execute("UPDATE alarm_rules SET definition = definition || '{\"for\": 0}' WHERE id = 'camera-offline'")
    db.execute("INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at) VALUES ('w', now(), now())")
    assert main([*base, "run", "--once"]) == 0
    assert "1 raised" in capsys.readouterr().out
    assert main([*base, "list"]) == 0
    assert "camera-offline" in capsys.readouterr().out
    users.add(db, "lan", "operator", actor="test")
    alarm = rows(db, "SELECT id FROM alarms")[0][0]
    assert main([*base, "ack", str(alarm), "--actor", "lan", "--note", "đã biết"]) == 0
    assert main([*base, "ack", str(alarm), "--actor", "lan"]) == 2
    assert main([*base, "silence", "--match", "rule=camera-offline", "--match", "ward=26734,26737", "--reason",
                 "bảo trì camera", "--by", "lan", "--expires", "2099-01-01", "--window", "02:00-04:00",
                 "--window", "13:00-13:30", "--weekday", "6"]) == 0
    assert rows(db, "SELECT matcher, windows, weekdays FROM alarm_silences") == [(
        {"rule": "camera-offline", "ward": ["26734", "26737"]},
        [{"start": "02:00", "end": "04:00"}, {"start": "13:00", "end": "13:30"}], [6])]
    capsys.readouterr()
    assert main([*base, "silences"]) == 0
    listed = capsys.readouterr().out
    assert "rule=camera-offline ward=26734,26737  02:00-04:00 13:00-13:30 days 6  until 01/01/2099 00:00  by lan: " \
           "bảo trì camera" in listed
    sid = rows(db, "SELECT id FROM alarm_silences")[0][0]
    assert main([*base, "unsilence", str(sid), "--by", "lan"]) == 0
    assert main([*base, "unsilence", str(sid), "--by", "lan"]) == 2
    assert rows(db, "SELECT revoked_at IS NOT NULL, reason FROM alarm_silences") == [
        (True, "bảo trì camera [ended by lan]")]
