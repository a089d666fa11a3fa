"""Faults with the real database: a rule that fails does not blind the others; a killed connection is reopened."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import psycopg
import pytest

from pipelines.alarms import runner
from tests.alarms.support import NOW, VN, cycle, device, install, pm25, rows, rule
from tests.support import count, wait_until

LOCK_HOLDER = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted"
OVERDUE = {"id": "report-overdue", "name": {"vi": "Phản ánh quá hạn", "en": "Report overdue"},
           "kind": "report_overdue", "severity": "warning", "owner": "ward_office"}


def test_a_failing_rule_is_rolled_back_and_logged_and_the_others_still_run(db: psycopg.Connection) -> None:
    install(db, rule(), rule(OVERDUE))
    device(db, "env-1")
    pm25(db, "env-1", 150, NOW)
    db.execute("ALTER TABLE reports RENAME TO reports_elsewhere")     # the report rule's query now fails
    stats = cycle(db, NOW)
    assert stats.failed == ["report-overdue"] and stats.raised == 1
    assert rows(db, "SELECT rule_id FROM alarms") == [("pm25-high",)]


def test_a_rule_row_that_no_longer_validates_is_skipped_and_named(db: psycopg.Connection,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    install(db, rule(), rule(OVERDUE))
    db.execute("""UPDATE alarm_rules SET definition = definition || '{"severity": "loud"}'
                  WHERE id = 'report-overdue'""")                         # edited by hand, past the loader
    device(db, "env-1")
    pm25(db, "env-1", 150, NOW)
    assert cycle(db, NOW).raised == 1                                     # the others still run
    assert "alarm rule 'report-overdue' skipped" in caplog.text and "severity" in caplog.text


def test_the_loop_reconnects_after_its_connection_is_killed(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        install(conn, rule())
        device(conn, "env-1")
    stop = threading.Event()
    loop = threading.Thread(target=runner.run, args=(db_url, VN, 120, stop, 0.5), daemon=True)
    loop.start()
    try:
        with psycopg.connect(db_url, autocommit=True) as conn:
            def holder() -> tuple[int] | None:
                return conn.execute(LOCK_HOLDER, [runner.LOCK_ID & 0xFFFFFFFF]).fetchone()

            wait_until(lambda: holder() is not None, 10, what="the evaluator's lock")
            first = holder()
            assert first is not None
            conn.execute("SELECT pg_terminate_backend(%s)", [first[0]])
            wait_until(lambda: (row := holder()) is not None and row != first, 15,
                       interval=0.2, what="a new evaluator session")
            pm25(conn, "env-1", 150, datetime.now(UTC))
            wait_until(lambda: count(db_url, "SELECT count(*) FROM alarms") == 1, 10, what="the alarm")
    finally:
        stop.set()
        loop.join(15)
    assert not loop.is_alive()
