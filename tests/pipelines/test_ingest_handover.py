"""The two-process hot path (``ioc ingest``'s default: paho in one process, parse and write in a second one).

Real broker, real database. Each message is stored once, a redelivered one is a counted duplicate, an invalid one is
a dead letter; nothing is acknowledged to the broker before its rows are committed (a kill -9 while the database holds
the batch loses nothing), and the writer process dies with the receiving one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from tests.pipelines.ingest_support import (
    distinct_readings,
    end_sessions,
    options,
    running,
    stored,
    valid_messages,
    wait_stored,
)
from tests.pipelines.test_ingest_backpressure import flood_qos0
from tests.support import count, publish_all, wait_until

REPO = Path(__file__).resolve().parents[2]
TABLES = ("env_telemetry", "camera_telemetry", "wifi_telemetry")
LOCK_ALL = sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.SQL(", ").join(map(sql.Identifier, TABLES)))


def test_the_writer_process_stores_each_message_once_and_dead_letters_the_invalid(db_url: str, mqtt_url: str,
                                                                                   tmp_path: Path) -> None:
    valid = valid_messages(3000, prefix="ho")
    invalid = [(f"ioc/v1/env/hobad{i % 3}/telemetry", b"{oops") for i in range(20)]
    invalid += [(f"ioc/v1/env/hobad{i % 3}/telemetry", b'{"pm25": -5}') for i in range(10)]   # out of range
    opt = options(db_url, mqtt_url, tmp_path, writer_process=True)
    with running(opt) as ing:
        assert ing.handover is not None
        publish_all(mqtt_url, valid + invalid + valid[:500])   # the last 500 again: redeliveries
        wait_until(lambda: ing.counters.stored + ing.counters.duplicates == 3500
                   and ing.counters.dead_lettered == 30, 60, what="every message written")
        wait_until(lambda: ing.handover.qsize() == 0, 10, what="every message acknowledged")   # type: ignore[union-attr]
        assert (ing.counters.received, ing.counters.stored, ing.counters.duplicates) == (3530, 3000, 500)
    with running(opt) as again:   # the same session: had any acknowledgement not reached the broker, it redelivers
        time.sleep(2.0)
        assert again.counters.received == 0
    assert stored(db_url) == distinct_readings(db_url) == 3000
    assert count(db_url, "SELECT count(*) FROM dead_letter_messages WHERE device_id LIKE %s", ["hobad%"]) == 30
    assert count(db_url, "SELECT count(DISTINCT code) FROM dead_letters WHERE device_id LIKE %s", ["hobad%"]) == 2
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT sum(received), sum(stored), sum(rejected), sum(duplicates) FROM ingest_accounting "
                           "WHERE device_id LIKE 'ho%'").fetchone()
    assert row == (3530, 3000, 30, 500)


def test_nothing_is_acknowledged_before_its_commit(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    """While the tables are locked the writer process holds the batch uncommitted: every message stays unacknowledged
    (counted in the receiving process); they are acknowledged once the lock goes and the rows commit."""
    messages = valid_messages(600, prefix="hl")
    with running(options(db_url, mqtt_url, tmp_path, writer_process=True)) as ing:
        assert ing.handover is not None
        with psycopg.connect(db_url) as lock:
            lock.execute(LOCK_ALL)
            publish_all(mqtt_url, messages)
            wait_until(lambda: ing.counters.received == 600, 30, what="every message received")
            time.sleep(2.5)   # ample time for the writer process to commit (and report twice), were it able to
            assert ing.handover.qsize() == 600 and ing.counters.stored == 0
        wait_stored(db_url, 600, timeout=60)
        wait_until(lambda: ing.handover.qsize() == 0, 10, what="acknowledged after the commit")   # type: ignore[union-attr]
    assert stored(db_url) == 600


def test_the_queue_bound_holds_across_both_processes(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    """A QoS 0 flood while the writer process is stuck: what is received and not acknowledged, wherever it is (lists,
    pipe, writer process), stops at --queue-messages; paho stops reading and the broker keeps the rest."""
    messages = valid_messages(2000, prefix="hq")
    with running(options(db_url, mqtt_url, tmp_path, writer_process=True, queue_messages=200)) as ing:
        assert ing.handover is not None
        with psycopg.connect(db_url) as lock:
            lock.execute(LOCK_ALL)
            flood_qos0(mqtt_url, messages)
            wait_until(lambda: ing.handover.qsize() == 200, 30, what="the bound reached")  # type: ignore[union-attr]
            time.sleep(1.0)
            assert ing.handover.qsize() == 200 and ing.counters.received <= 201   # one waits in paho's callback
        wait_stored(db_url, 2000, timeout=90)
    assert stored(db_url) == distinct_readings(db_url) == 2000


def test_a_kill_9_before_the_commit_loses_nothing_and_ends_the_writer_process(db_url: str, mqtt_url: str,
                                                                                tmp_path: Path) -> None:
    """`ioc ingest` killed with SIGKILL while its batch waits on locked tables: the broker still holds every message
    (none was acknowledged), the writer process exits by itself, and the next start stores each message once."""
    cid = f"hk-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    cmd = [sys.executable, "-m", "smartward", "--database-url", db_url, "--mqtt-url", mqtt_url, "--state-dir",
           str(tmp_path), "ingest", "--client-id", cid]
    messages = valid_messages(900, prefix="hk")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: count(db_url, "SELECT count(*) FROM ingest_heartbeat WHERE worker = %s", [f"{cid}-0"]),
                   30, what="the ingester's first heartbeat")
        with psycopg.connect(db_url) as lock:
            lock.execute(LOCK_ALL)
            publish_all(mqtt_url, messages)
            wait_until(lambda: count(db_url, "SELECT (counters->>'received')::int FROM ingest_heartbeat "
                                             "WHERE worker = %s", [f"{cid}-0"]) == 900, 30, what="all received")
            writer_pids = _children(proc.pid)
            assert writer_pids, "no writer process"
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            wait_until(lambda: not any(_alive(p) for p in writer_pids), 10, what="the writer process ending")
            lock.rollback()
        assert stored(db_url) == 0   # the killed batch was never committed
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
        wait_stored(db_url, 900, timeout=90)
        time.sleep(1.0)
        assert stored(db_url) == distinct_readings(db_url) == 900
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        end_sessions(mqtt_url, [f"{cid}-0"])
    assert proc.returncode == 0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
