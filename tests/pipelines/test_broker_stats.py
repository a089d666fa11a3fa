"""The broker stage of the accounting (issue 16): Mosquitto's $SYS counters, recorded by the ingester, in the audit.

A broker of the test's own (a small session queue, $SYS every second) really drops messages for an ingester that is
away, and ``ioc ingest audit`` must say so and fail; the stack's broker lets the ingester's own account read $SYS.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import psycopg
import pytest

from ioc import config, migrate, stack
from ioc.mqtt import MqttTarget
from ioc.stack import _proc
from pipelines.ingest import broker_stats
from pipelines.ingest.broker_stats import BrokerSampler, parse_value, window
from tests.pipelines.ingest_support import options, running, wait_stored
from tests.pipelines.test_accounting_e2e import Traffic, audit
from tests.support import count, publish_all, service_dir, wait_until

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def row(seconds: int, uptime: int, received: int, dropped: int, sent: int = 0) -> dict[str, Any]:
    return {"sampled_at": T0 + timedelta(seconds=seconds), "uptime_s": uptime, "publish_received": received,
            "publish_sent": sent, "publish_dropped": dropped, "store_messages": 3, "clients_connected": 2}


def test_a_window_adds_increases_since_the_baseline_and_counts_again_after_a_restart() -> None:
    baseline = row(0, 1000, 500, 7)
    w = window([row(10, 1010, 520, 7), row(20, 1020, 530, 9),
                row(25, 5, 4, 1),            # restarted: its counters start again from zero
                row(35, 15, 10, 1)], baseline)
    assert (w.samples, w.restarts, w.publish_received, w.publish_dropped) == (4, 1, 30 + 4 + 6, 2 + 1)
    # no baseline: the first row counts from the broker's start; a worker one tick behind adds nothing
    w = window([row(10, 100, 50, 2), row(10, 100, 50, 2), row(20, 110, 60, 2)], None)
    assert (w.restarts, w.publish_received, w.publish_dropped, w.store_messages) == (0, 60, 2, 3)
    assert window([], baseline).samples == 0


def test_values_and_ticks() -> None:
    assert parse_value(b"123 seconds") == 123 and parse_value(b"42") == 42
    assert parse_value(b"mosquitto version 2.0.11") is None
    sampler = BrokerSampler(MqttTarget.parse("mqtt://127.0.0.1:1"), "t")   # never connected: fed by hand

    def tick(topic: str, payload: bytes) -> None:
        msg = mqtt.MQTTMessage(topic=topic.encode())
        msg.payload = payload
        sampler._on_message(sampler.client, None, msg)

    assert sampler.take(0) is None   # nothing yet
    tick("$SYS/broker/publish/messages/dropped", b"0")
    tick("$SYS/broker/uptime", b"10 seconds")
    tick("$SYS/broker/load/publish/dropped/1min", b"0.00")   # not a counter we keep
    taken = sampler.take(0)
    assert taken is not None and taken[1] == {"uptime_s": 10, "publish_dropped": 0}
    tick("$SYS/broker/uptime", b"20 seconds")
    assert sampler.take(10) is None   # nothing moved but the uptime, under a minute after the last row
    assert sampler.take(61) is not None   # a row a minute at least
    tick("$SYS/broker/publish/messages/dropped", b"4")
    assert sampler.take(62) is not None   # a drop is written at once
    tick("$SYS/broker/uptime", b"3 seconds")
    assert sampler.take(63) is not None   # and so is a restart
    sampler.forget()
    assert sampler.take(64) is not None   # the last one was not written: again


@pytest.fixture
def small_broker() -> Iterator[str]:
    """An anonymous Mosquitto of this test: 10 messages queued per session at most, $SYS every second."""
    root = service_dir("sysbroker")
    port = _proc.free_port()
    (root / "m.conf").write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\nsys_interval 1\n"
                                 "persistence false\nmax_queued_messages 10\nmax_inflight_messages 10\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(root / "m.conf")], stderr=subprocess.DEVNULL)
    try:
        url = f"mqtt://127.0.0.1:{port}"
        wait_until(lambda: _proc.port_in_use(port), 10, what="the test broker listening")
        yield url
    finally:
        broker.terminate()
        broker.wait(10)


@pytest.mark.slow
def test_the_audit_fails_when_the_broker_dropped_messages(db_url: str, small_broker: str, tmp_path: Path) -> None:
    urls = stack.Endpoints(db_url, small_broker)
    opt = options(db_url, small_broker, tmp_path, client_id="t-drops", batch_seconds=0.02)
    first = Traffic("ok", valid=30, late=0, invalid=0).valid
    with running(opt):
        publish_all(small_broker, first)
        wait_stored(db_url, 30)
        wait_until(lambda: count(db_url, "SELECT count(*) FROM broker_stats") > 0, 15, what="a $SYS sample")
    code, result = audit(urls)
    assert code == 0, result
    assert result["broker"]["publish_dropped"] == 0 and result["broker"]["publish_received"] >= 30
    # the ingester is away (its session stays): the broker keeps 10 of these 50 and drops 40
    publish_all(small_broker, Traffic("gone", valid=50, late=0, invalid=0).valid)
    with running(opt):
        wait_stored(db_url, 40)
        wait_until(lambda: audit(urls)[1]["broker"]["publish_dropped"] == 40, 20, what="the drops recorded")
    code, result = audit(urls)
    assert code == 1, (result["broker"], result["problems"], result["notes"])
    assert result["problems"] == ["the broker dropped 40 message(s) ($SYS/broker/publish/messages/dropped: a "
                                  "session's queue was full, or a message too large)"]
    assert (result["received"], result["stored"]) == (40, 40)   # what reached the ingester still balances
    text = subprocess.run(audit_cmd(urls), capture_output=True, text=True, timeout=60)
    assert text.returncode == 1 and "dropped 40" in text.stdout


def audit_cmd(urls: stack.Endpoints) -> list[str]:
    return [sys.executable, "-m", "smartward", "--database-url", urls.database_url, "--mqtt-url", urls.mqtt_url,
            "ingest", "audit", "--since", "6h"]


@pytest.mark.slow
def test_the_ingesters_own_account_reads_the_brokers_counters(tmp_path: Path) -> None:
    """The stack's ACL: the ``ingester`` account (what compose runs with) may read $SYS/broker/#."""
    settings = config.load(state_dir=service_dir("sysacl"))
    urls = stack.up(settings)
    try:
        with psycopg.connect(urls.database_url) as conn:
            migrate.apply(conn)
        ingester_url = stack.account_url(settings, "ingester")
        with running(options(urls.database_url, ingester_url, tmp_path, client_id="t-sysacl")):
            wait_until(lambda: count(urls.database_url, "SELECT count(*) FROM broker_stats") > 0, 20,
                       what="a $SYS sample read with the ingester's account")
        with psycopg.connect(urls.database_url) as conn:
            # the uptime alone was readable before; the counters need $SYS/broker/# (NULL when the ACL refuses them)
            dropped, stored = conn.execute("SELECT publish_dropped, store_messages FROM broker_stats "
                                           "ORDER BY sampled_at DESC LIMIT 1").fetchone()  # type: ignore[misc]
            assert dropped == 0 and stored is not None
            assert broker_stats.read_window(conn, T0).samples >= 1
    finally:
        stack.down(settings)
