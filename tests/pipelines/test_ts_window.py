"""Readings dated before the storage window (issue 14, item 4): refused with a reason, no chunk storm, and a rollup
scan bounded by the dirty minutes. Real broker and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import psycopg
import pytest
from psycopg import sql

from pipelines import rollup
from pipelines.ingest.service import Ingester
from tests.pipelines.fault_support import started
from tests.pipelines.ingest_support import options
from tests.support import count, publish_all, wait_until

CHUNKS = "SELECT count(*) FROM show_chunks('env_telemetry')"
Y2001 = datetime(2001, 1, 1, tzinfo=UTC)


def array(device: str, stamps: list[datetime]) -> tuple[str, bytes]:
    items = [{"ts": ts.isoformat().replace("+00:00", "Z"), "seq": i, "pm25": 12.5} for i, ts in enumerate(stamps)]
    return f"ioc/v1/env/{device}/telemetry", orjson.dumps(items)


def test_an_array_dated_2001_is_dead_lettered_without_creating_chunks(db_url: str, mqtt_url: str, tmp_path: Path,
                                                                     db: psycopg.Connection) -> None:
    recent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    stamps = [Y2001 + timedelta(days=i) for i in range(999)] + [recent]
    chunks = count(db_url, CHUNKS)
    with started(Ingester(options(db_url, mqtt_url, tmp_path))):   # default window: raw retention, 30 days
        publish_all(mqtt_url, [array("env-clock-2001", stamps)])
        wait_until(lambda: count(db_url, "SELECT count(*) FROM dead_letters WHERE code = 'old_ts'") == 999, 30,
                   what="999 refused readings")
    assert count(db_url, "SELECT count(*) FROM env_telemetry WHERE device_id = 'env-clock-2001'") == 1
    assert count(db_url, CHUNKS) <= chunks + 1        # the recent reading's day at most, not 999 days of 2001
    index, field, reason = db.execute("SELECT element_index, field, reason FROM dead_letters "
                                      "WHERE element_index = 3").fetchone()  # type: ignore[misc]
    assert (index, field) == (3, "ts")
    assert reason.startswith("element 3: field 'ts' = \"2001-01-04T00:00:00Z\" is ")
    assert "older than 30 days are not stored" in reason and "IOC_INGEST_MAX_AGE_DAYS" in reason


def test_a_wider_window_backfills_old_readings(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    with started(Ingester(options(db_url, mqtt_url, tmp_path, max_age_days=40 * 365))):
        publish_all(mqtt_url, [array("env-backfill", [Y2001 + timedelta(hours=i) for i in range(3)])])
        wait_until(lambda: count(db_url, "SELECT count(*) FROM env_telemetry") == 3, 30, what="the backfill")
    assert count(db_url, "SELECT count(*) FROM dead_letters") == 0


def _insert(conn: psycopg.Connection, ts: datetime) -> None:
    conn.execute("INSERT INTO env_telemetry (ts, device_id, seq, received_at, pm25) VALUES (%s, 'env-r', 1, now(), 9)",
                 [ts])
    conn.execute("INSERT INTO rollup_dirty (source, minute) "
                 "VALUES ('env_telemetry', date_trunc('minute', %s::timestamptz)) ON CONFLICT DO NOTHING", [ts])


def test_rollup_of_an_ancient_and_a_recent_minute_leaves_the_chunks_between_alone(db_url: str) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with psycopg.connect(db_url, autocommit=True) as setup:
        for ts in (Y2001, datetime(2010, 6, 1, tzinfo=UTC), now):
            _insert(setup, ts)
        setup.execute("DELETE FROM rollup_dirty WHERE minute = '2010-06-01'")   # rolled up long ago
        chunk = setup.execute(
            "SELECT n.nspname, c.relname FROM show_chunks('env_telemetry', older_than => '2010-06-03'::timestamptz, "
            "newer_than => '2010-05-30'::timestamptz) AS s(rel) "
            "JOIN pg_class c ON c.oid = s.rel JOIN pg_namespace n ON n.oid = c.relnamespace").fetchone()
    assert chunk is not None
    # Someone holds the 2010 chunk (a dump, a repair): a refresh of 2001 and today must not need it.
    with psycopg.connect(db_url) as holder, psycopg.connect(db_url, autocommit=True) as conn:
        holder.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(*chunk)))
        conn.execute("SET lock_timeout = '3s'")
        try:
            stats = rollup.refresh(conn)
        except psycopg.errors.LockNotAvailable:
            pytest.fail("the rollup scanned the 2010 chunk between the two dirty minutes")
        holder.rollback()
    assert stats.minutes == 2
    assert count(db_url, "SELECT count(*) FROM rollup_1m WHERE metric = 'pm25'") == 2
