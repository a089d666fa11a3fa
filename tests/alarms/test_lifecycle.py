"""Raise, fold, hold, resolve, reopen against the real database; one live alarm per (rule, entity) by the index."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from pipelines.alarms import runner
from tests.alarms.support import NOW, VN, cycle, device, install, pm25, rows, rule
from tests.support import count, wait_until


def test_a_reading_raises_one_alarm_with_audit_and_outbox(db: psycopg.Connection) -> None:
    install(db, rule())
    device(db, "env-1")
    pm25(db, "env-1", 120, NOW)
    assert cycle(db, NOW).raised == 1
    pm25(db, "env-1", 130, NOW + timedelta(seconds=30))
    assert cycle(db, NOW + timedelta(seconds=30)).raised == 0           # still firing: no second raise
    (alarm,) = rows(db, "SELECT id, state, count, value, ward_code, last_seen_at FROM alarms")
    assert alarm[1:5] == ("open", 1, 130.0, "26734") and alarm[5] == NOW + timedelta(seconds=30)
    assert rows(db, "SELECT actor, action, to_state FROM alarm_transitions") == [("system", "raised", "open")]
    assert rows(db, "SELECT event, severity, notify, payload->>'name_vi' FROM alarm_events") == [
        ("raised", "major", True, "Bụi mịn cao")]


def test_hysteresis_resolves_below_the_clear_level_and_a_new_raise_reopens_the_same_row(db: psycopg.Connection
                                                                                        ) -> None:
    install(db, rule())
    device(db, "env-1")
    for i, value in enumerate([120, 70, 40, 110]):
        at = NOW + timedelta(minutes=i)
        pm25(db, "env-1", value, at)
        cycle(db, at)
    assert rows(db, "SELECT state, count FROM alarms") == [("open", 2)]
    assert [r[0] for r in rows(db, "SELECT action FROM alarm_transitions ORDER BY id")] == [
        "raised", "resolved", "reopened"]
    assert [r[0] for r in rows(db, "SELECT event FROM alarm_events ORDER BY id")] == ["raised", "resolved", "reraised"]
    # people were last told "resolved": the raise that reopens it is told too, however soon it comes
    assert rows(db, "SELECT event, notify FROM alarm_events ORDER BY id") == [
        ("raised", True), ("resolved", True), ("reraised", True)]


def test_the_database_refuses_a_second_live_alarm(db: psycopg.Connection) -> None:
    install(db, rule())
    insert = ("INSERT INTO alarms (rule_id, entity, severity, owner, state, raised_at, last_raised_at, last_seen_at) "
              "VALUES ('pm25-high', 'env-1', 'major', 'x', %s, now(), now(), now())")
    db.execute(insert, ["closed"])
    db.execute(insert, ["acknowledged"])
    with pytest.raises(psycopg.errors.UniqueViolation, match="alarms_one_live"):
        db.execute(insert, ["open"])
    db.execute(insert, ["closed"])


def test_a_restart_neither_forgets_nor_re_raises(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        install(conn, rule(**{"for": "1m"}))
        device(conn, "env-1")
        pm25(conn, "env-1", 120, NOW)
        cycle(conn, NOW)
        pm25(conn, "env-1", 125, NOW + timedelta(seconds=70))
        assert cycle(conn, NOW + timedelta(seconds=70)).raised == 1
    with psycopg.connect(db_url, autocommit=True) as conn:     # a new process: only the database remembers
        pm25(conn, "env-1", 126, NOW + timedelta(seconds=100))
        assert cycle(conn, NOW + timedelta(seconds=100)).raised == 0
        assert rows(conn, "SELECT count(*) FROM alarm_events") == [(1,)]
        pm25(conn, "env-1", 20, NOW + timedelta(seconds=130))
        assert cycle(conn, NOW + timedelta(seconds=130)).resolved == 1


def test_for_counts_from_the_first_reading_even_without_new_data(db: psycopg.Connection) -> None:
    install(db, rule(**{"for": "1m"}))
    device(db, "env-1")
    pm25(db, "env-1", 120, NOW)
    assert cycle(db, NOW).raised == 0
    assert cycle(db, NOW + timedelta(seconds=61)).raised == 1             # no new reading: the last one stands


def test_flapping_is_marked_and_told_once_for_the_spell(db: psycopg.Connection) -> None:
    install(db, rule())
    device(db, "env-1")
    for i in range(16):      # 8 raises and 8 clears, one a minute
        at = NOW + timedelta(minutes=i)
        pm25(db, "env-1", 120 if i % 2 == 0 else 10, at)
        cycle(db, at)
    (alarm,) = rows(db, "SELECT count, flapping FROM alarms")
    assert alarm == (8, True)
    told = rows(db, "SELECT event, held_by FROM alarm_events WHERE notify ORDER BY id")
    assert [e for e, _ in told].count("flapping") == 1
    assert told[-1][0] == "flapping"                    # nothing reaches people after the spell began
    assert rows(db, "SELECT count(*) FROM alarm_events WHERE held_by = 'flapping'")[0][0] >= 2


def test_renotify_and_closing_after_a_quiet_spell(db: psycopg.Connection) -> None:
    install(db, rule(renotify="10m"))
    device(db, "env-1")
    pm25(db, "env-1", 120, NOW)
    cycle(db, NOW)
    assert cycle(db, NOW + timedelta(minutes=5)).renotified == 0
    assert cycle(db, NOW + timedelta(minutes=11)).renotified == 1
    pm25(db, "env-1", 10, NOW + timedelta(minutes=12))
    cycle(db, NOW + timedelta(minutes=12))
    assert cycle(db, NOW + timedelta(minutes=20)).closed == 0
    assert cycle(db, NOW + timedelta(minutes=28)).closed == 1
    assert rows(db, "SELECT state FROM alarms") == [("closed",)]


def test_scope_keeps_other_wards_out(db: psycopg.Connection) -> None:
    install(db, rule(scope={"wards": ["26737"]}))
    device(db, "env-1")
    pm25(db, "env-1", 500, NOW)
    assert cycle(db, NOW).raised == 0


def test_the_loop_raises_within_seconds_and_a_second_evaluator_stands_by(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        install(conn, rule())
        device(conn, "env-1")
    stop = threading.Event()
    loops = [threading.Thread(target=runner.run, args=(db_url, VN, 120, stop, 0.5), daemon=True) for _ in range(2)]
    for loop in loops:
        loop.start()
    try:
        with psycopg.connect(db_url, autocommit=True) as conn:
            pm25(conn, "env-1", 150, datetime.now(UTC))
            wait_until(lambda: count(db_url, "SELECT count(*) FROM alarms") == 1, 10, what="the alarm")
            holders = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                                   [runner.LOCK_ID & 0xFFFFFFFF]).fetchone()
            assert holders == (1,)
    finally:
        stop.set()
        for loop in loops:
            loop.join(10)
    assert not any(loop.is_alive() for loop in loops)
    assert count(db_url, "SELECT count(*) FROM alarm_events") == 1
