"""Our rollups: exact aggregates per minute, hour and local day; late data recomputed; retention drops old chunks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from pipelines import retention, rollup
from pipelines.ingest.message import Message
from pipelines.ingest.sink import PgSink
from sensors.contract import CameraEvent, CameraTelemetry, EnvTelemetry, encode, parse

T0 = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)    # 23:30 on 20 Nov in Hà Nội / Hồ Chí Minh time


def write(db_url: str, records: list[object]) -> None:
    sink = PgSink(psycopg.connect(db_url))
    msgs = []
    for rec in records:
        topic, payload = encode(rec)  # type: ignore[arg-type]
        at = datetime.now(UTC)
        msgs.append(Message(0, 0, topic, payload, at, parse(topic, payload, at)))
    sink.write(msgs)
    sink.close()


def pm(ts: datetime, value: float, seq: int) -> EnvTelemetry:
    return EnvTelemetry(ts, "env-1", seq, value, None, None, None, None, None, None, None, None, None, None)


def refresh_all(db: psycopg.Connection) -> int:
    total = 0
    while (n := rollup.refresh(db).minutes):
        total += n
    return total


def test_minute_hour_and_local_day_aggregates(db: psycopg.Connection, db_url: str) -> None:
    write(db_url, [pm(T0, 10.0, 1), pm(T0 + timedelta(seconds=20), 30.0, 2),       # 23:30 local, 20 Nov
                   pm(T0 + timedelta(hours=1), 50.0, 3)])                            # 00:30 local, 21 Nov
    assert refresh_all(db) == 2
    assert db.execute("SELECT n, sum, min, max FROM rollup_1m WHERE metric='pm25' AND bucket=%s", [T0]).fetchone() == (
        2, 40.0, 10.0, 30.0)
    days = db.execute("SELECT bucket, n, sum / n FROM rollup_1d WHERE metric='pm25' ORDER BY bucket").fetchall()
    local_midnight_20 = datetime(2026, 11, 19, 17, 0, tzinfo=UTC)
    assert days == [(local_midnight_20, 2, 20.0), (local_midnight_20 + timedelta(days=1), 1, 50.0)]
    assert db.execute("SELECT count(*) FROM rollup_dirty").fetchone() == (0,)
    assert db.execute("SELECT n FROM rollup_1h WHERE metric='messages' AND bucket=%s",
                      [T0.replace(minute=0)]).fetchone() == (2,)


def test_late_data_recomputes_the_buckets_it_touches(db: psycopg.Connection, db_url: str) -> None:
    write(db_url, [pm(T0, 10.0, 1)])
    refresh_all(db)
    write(db_url, [pm(T0 + timedelta(seconds=30), 20.0, 2)])     # arrives after the rollup ran
    assert refresh_all(db) == 1
    assert db.execute("SELECT n, sum FROM rollup_1h WHERE metric='pm25'").fetchone() == (2, 30.0)
    assert db.execute("SELECT n, sum FROM rollup_1d WHERE metric='pm25'").fetchone() == (2, 30.0)


def test_the_newest_minute_is_rolled_up_first_behind_a_backlog(db: psycopg.Connection, db_url: str) -> None:
    history = [pm(T0 - timedelta(minutes=m), 10.0, 100 + m) for m in range(1, 31)]   # a backfill: 30 old minutes
    write(db_url, [*history, pm(T0, 42.0, 1)])                                        # and the live minute
    assert rollup.refresh(db, limit=5).minutes == 5
    assert db.execute("SELECT sum FROM rollup_1m WHERE metric='pm25' AND bucket=%s", [T0]).fetchone() == (42.0,)
    assert refresh_all(db) == 26
    assert db.execute("SELECT count(*) FROM rollup_1m WHERE metric='pm25'").fetchone() == (31,)
    assert db.execute("SELECT n, sum FROM rollup_1h WHERE metric='pm25' AND bucket=%s",
                      [T0 - timedelta(minutes=30)]).fetchone() == (31, 342.0)    # 16:00–16:59, whatever the order


def test_counts_are_summed_and_events_counted_per_type(db: psycopg.Connection, db_url: str) -> None:
    write(db_url, [CameraTelemetry(T0 + timedelta(minutes=i), "cam-1", i, 10 * i, i, None, 60) for i in range(3)]
          + [CameraEvent(T0 + timedelta(minutes=i), "cam-1", i, "accident" if i else "crowd", 0.9, None, None)
             for i in range(3)])
    refresh_all(db)
    assert db.execute("SELECT sum, n FROM rollup_1h WHERE metric='vehicles'").fetchone() == (30.0, 3)
    events = dict(db.execute("SELECT metric, n FROM rollup_1h WHERE metric LIKE 'event:%%'").fetchall())
    assert events == {"event:accident": 2, "event:crowd": 1}


def test_retention_drops_old_chunks_and_keeps_recent(db: psycopg.Connection, db_url: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    write(db_url, [pm(now - timedelta(days=40), 5.0, 1), pm(now - timedelta(hours=1), 6.0, 2)])
    dropped = retention.apply(db, retention.RetentionPolicy())   # the defaults: 30 days of raw telemetry
    assert dropped.get("env_telemetry") == 1
    assert db.execute("SELECT pm25 FROM env_telemetry").fetchall() == [(6.0,)]
    assert retention.enable_compression(db) == []   # the Apache build here: no native compression


def test_retention_days_per_data_class_come_from_the_settings(db: psycopg.Connection, db_url: str) -> None:
    from ioc import config
    settings = config.load(camera_event_retention_days=5)
    policy = retention.RetentionPolicy.from_settings(settings)
    assert dict(policy.plan)["camera_events"] == 5 and dict(policy.plan)["env_telemetry"] == 30
    now = datetime.now(UTC).replace(microsecond=0)
    write(db_url, [CameraEvent(now - timedelta(days=20), "cam-9", 1, "crowd", 0.8, None, None),
                   CameraEvent(now - timedelta(hours=2), "cam-9", 2, "crowd", 0.8, None, None)])
    retention.apply(db, policy)
    assert db.execute("SELECT seq FROM camera_events").fetchall() == [(2,)]


def test_a_pacer_holds_back_a_minute_refreshed_moments_ago_and_never_a_first_refresh(db: psycopg.Connection,
                                                                                      db_url: str) -> None:
    """The ingester's leader passes a Pacer: a minute still receiving rows is recomputed at most every interval,
    while a newly dirty minute is rolled up at once; what is held back stays dirty and is done later."""
    import time

    pacer = rollup.Pacer(min_interval_s=1.0)
    write(db_url, [pm(T0, 10.0, 1)])
    assert rollup.refresh(db, pacer=pacer).minutes == 1
    write(db_url, [pm(T0 + timedelta(seconds=30), 20.0, 2), pm(T0 + timedelta(minutes=5), 40.0, 3)])
    assert rollup.refresh(db, pacer=pacer).minutes == 1          # only the new minute; T0 was done moments ago
    assert db.execute("SELECT minute FROM rollup_dirty").fetchall() == [(T0,)]
    assert db.execute("SELECT n FROM rollup_1m WHERE metric='pm25' AND bucket=%s", [T0]).fetchone() == (1,)
    time.sleep(1.1)
    assert rollup.refresh(db, pacer=pacer).minutes == 1
    assert db.execute("SELECT n, sum FROM rollup_1h WHERE metric='pm25'").fetchone() == (3, 70.0)
    assert db.execute("SELECT count(*) FROM rollup_dirty").fetchone() == (0,)
