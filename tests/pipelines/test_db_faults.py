"""A message the database refuses, a database that refuses everything, and stop() meanwhile (issue 14, item 5).

Real broker, real database: a trigger raises the errors PostgreSQL itself raises (see fault_support).
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from pipelines.ingest.service import Ingester
from tests.pipelines.fault_support import POISON, env_messages, install_faults, set_mode, started
from tests.pipelines.ingest_support import options
from tests.support import count, publish_all, wait_until

STORED = "SELECT count(*) FROM env_telemetry"


def poisoned(prefix: str) -> list[tuple[str, bytes]]:
    """30 readings, the one the site rule refuses (another device), 30 more."""
    good = env_messages(60, prefix)
    return [*good[:30], env_messages(1, f"{prefix}-poison-", pm25=POISON)[0], *good[30:]]


def refused(db_url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(db_url) as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute("SELECT device_id, code, reason FROM dead_letters")]


def test_a_message_the_database_refuses_is_dead_lettered_alone_and_later_ones_are_stored(
        db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    install_faults(db_url)
    with started(Ingester(options(db_url, mqtt_url, tmp_path))) as ing:
        publish_all(mqtt_url, poisoned("fa"))
        wait_until(lambda: count(db_url, STORED) == 60, 30, what="the 60 good readings stored")
        publish_all(mqtt_url, env_messages(10, "fb"))
        wait_until(lambda: count(db_url, STORED) == 70, 30, what="later readings stored")
    assert refused(db_url) == [("fa-poison-0", "db_refused", "the database refused this message's rows: "
                                "site rule: pm25 666 is a sensor self-test value, not a measurement")]
    assert ing.spool.count == 0 and ing.counters.spooled == 0


def test_spool_replay_backs_off_then_splits_out_the_refused_message(db_url: str, mqtt_url: str,
                                                                   tmp_path: Path) -> None:
    install_faults(db_url)
    set_mode(db_url, "down")
    with started(Ingester(options(db_url, mqtt_url, tmp_path))) as ing:
        publish_all(mqtt_url, poisoned("fc"))
        wait_until(lambda: ing.spool.count == 61, 30, what="61 messages spooled while the server's disk is full")
        errors = ing.counters.db_errors
        time.sleep(4)
        # back-off 0.5, 1, 2 … s: a handful of attempts, not a reconnect loop (which made hundreds)
        assert ing.counters.db_errors - errors <= 5
        assert not ing.counters.db_up
        set_mode(db_url, "ok")
        wait_until(lambda: ing.spool.count == 0, 30, what="the spool replayed")
        publish_all(mqtt_url, env_messages(10, "fd"))
        wait_until(lambda: count(db_url, STORED) == 70, 30, what="later readings stored")
    assert [(d, c) for d, c, _ in refused(db_url)] == [("fc-poison-0", "db_refused")]
    assert ing.counters.db_up


def test_stop_returns_while_neither_the_database_nor_the_spool_takes_messages(
        db_url: str, mqtt_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    install_faults(db_url)
    set_mode(db_url, "down")
    ing = Ingester(options(db_url, mqtt_url, tmp_path, spool_max_bytes=1))
    with started(ing):
        messages = env_messages(40, "fe")
        publish_all(mqtt_url, messages[:20])
        wait_until(lambda: ing.spool.count == 20, 30, what="a first batch spooled, filling the spool")
        publish_all(mqtt_url, messages[20:])
        wait_until(lambda: not ing.counters.acknowledging, 30, what="the writer holding the second batch")
    # started() asserts that stop() returned within 15 s; the held messages stay with the broker
    assert "no longer acknowledging" in caplog.text
    set_mode(db_url, "ok")
    with started(Ingester(options(db_url, mqtt_url, tmp_path, spool_max_bytes=1,
                                  client_id=ing.opt.client_id))):
        wait_until(lambda: count(db_url, STORED) == 40, 30, what="the spooled and the held readings stored")


def test_a_database_that_never_answers_times_out_spools_and_stop_still_returns(db_url: str, mqtt_url: str,
                                                                               tmp_path: Path) -> None:
    """A statement that hangs is cancelled by the sink's statement_timeout: the batch is spooled (an outage, not the
    message's fault), stop() returns, and everything is stored once the database answers again."""
    install_faults(db_url)
    set_mode(db_url, "hang")
    messages = env_messages(30, "fh")
    with started(Ingester(options(db_url, mqtt_url, tmp_path, statement_timeout_s=1.0))) as ing:
        publish_all(mqtt_url, messages)
        wait_until(lambda: ing.spool.count == 30, 30, what="the hung batch cancelled and spooled")
        assert not ing.counters.db_up
    set_mode(db_url, "ok")
    with started(Ingester(options(db_url, mqtt_url, tmp_path, statement_timeout_s=1.0))):
        wait_until(lambda: count(db_url, STORED) == 30, 30, what="the spool replayed once the database answers")
    assert count(db_url, "SELECT count(*) FROM dead_letters") == 0
