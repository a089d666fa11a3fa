"""A full local disk under the spool (issue 14, item 7): no half batch, no crash, nothing acknowledged is lost.

A size-limited tmpfs is the disk (the tests run as root); the database refuses writes through a trigger raising
disk_full, so the ingester must spool, and its heartbeat still reaches the database for /healthz.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from psycopg_pool import ConnectionPool

from dashboards.queries import health
from pipelines.ingest.counters import CountersCollector
from pipelines.ingest.message import Message
from pipelines.ingest.service import Ingester
from pipelines.ingest.spool import Spool
from sensors.contract import ParseResult
from tests.pipelines.fault_support import env_messages, fill, install_faults, set_mode, small_disk, started
from tests.pipelines.ingest_support import options
from tests.support import count, publish_all, wait_until


def rows_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM spool").fetchone()[0])


def test_a_spool_append_on_a_full_disk_keeps_all_or_nothing(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    batch = [Message(i, 1, "ioc/v1/env/x/telemetry", bytes(1024), now, ParseResult(None, (), ()))
             for i in range(300)]
    with small_disk(tmp_path / "disk", 1024) as disk:
        spool = Spool(disk / "spool.sqlite", 1 << 30)
        filler = fill(disk, 64 * 1024)
        assert spool.append(batch) is False          # 300 KiB into 64 KiB: refused, not raised
        assert spool.error and "full" in spool.error
        assert rows_in(disk / "spool.sqlite") == 0 == spool.count
        filler.unlink()
        assert spool.append(batch) is True and spool.error is None
        assert rows_in(disk / "spool.sqlite") == 300 == spool.count
        spool.close()


def test_a_spool_that_filled_its_own_disk_still_drains(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    batch = [Message(i, 1, "ioc/v1/env/x/telemetry", bytes(2000), now, ParseResult(None, (), ())) for i in range(5)]
    with small_disk(tmp_path / "disk", 1024) as disk:
        spool = Spool(disk / "spool.sqlite", 1 << 30, reserve_bytes=128 * 1024)
        while spool.append(batch):
            pass
        assert spool.count > 50 and spool.error
        while spool.count:     # replayed rows are deleted even though the disk is full
            assert spool.delete_through(spool.oldest(10)[-1][0]), spool.error
        assert spool.append(batch) and rows_in(disk / "spool.sqlite") == 5
        spool.close()


def test_a_full_spool_disk_stops_acknowledging_says_so_and_resumes(db_url: str, mqtt_url: str, tmp_path: Path,
                                                                  pool: ConnectionPool,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    install_faults(db_url)
    set_mode(db_url, "down")
    messages = env_messages(1500, "df")
    with small_disk(tmp_path / "disk", 1024) as disk:
        filler = fill(disk, 96 * 1024)
        with started(Ingester(options(db_url, mqtt_url, disk, batch_size=200))) as ing:
            publish_all(mqtt_url, messages)
            wait_until(lambda: ing.counters.spool_disk_full, 60, what="the spool's disk refusing a write")
            assert not ing.counters.acknowledging
            assert "no longer acknowledging" in caplog.text
            metrics = {m.name: m.samples[0].value for m in CountersCollector(ing.counters, "w").collect()}
            assert metrics["ioc_ingest_spool_disk_full"] == 1 and metrics["ioc_ingest_acknowledging"] == 0
            wait_until(lambda: health.ingest_status(pool).spool_disk_full, 10, what="the heartbeat telling /healthz")
            status = health.ingest_status(pool)
            assert not status.acknowledging
            assert rows_in(disk / "spool" / f"{ing.opt.client_id}.sqlite") == ing.spool.count < 1500
            filler.unlink()             # space returns, then the database
            set_mode(db_url, "ok")
            wait_until(lambda: count(db_url, "SELECT count(*) FROM env_telemetry") == 1500, 60,
                       what="every reading stored")
            wait_until(lambda: ing.spool.count == 0 and ing.counters.acknowledging, 30, what="spool drained")
        assert not ing.counters.spool_disk_full
    assert count(db_url, "SELECT count(DISTINCT (device_id, ts, seq)) FROM env_telemetry") == 1500
