"""Each rule kind against what the pipeline really stores: registry, status, events, reports, rollups, heartbeats."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from ioc.data import data_path
from pipelines.alarms import rules
from tests.alarms.support import NOW, cycle, device, heartbeat, install, rows, seen


def defaults(conn: psycopg.Connection) -> dict[str, rules.Rule]:
    loaded = rules.load(data_path("alarms/default_rules.yaml"))
    install(conn, *loaded)
    return {r.id: r for r in loaded}


def live(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return [(r, e) for r, e in rows(conn, "SELECT rule_id, entity FROM alarms WHERE state = 'open' ORDER BY 1, 2")]


def test_missing_data_after_k_intervals_and_one_system_alarm_when_the_pipeline_is_stale(db: psycopg.Connection
                                                                                        ) -> None:
    defaults(db)
    device(db, "env-quiet", last_data_at=NOW - timedelta(seconds=181))      # 3 × 60 s and a bit
    device(db, "env-fine", last_data_at=NOW - timedelta(seconds=170))
    for i in range(500):    # a city's worth of devices, all silent because the pipeline is
        device(db, f"cam-{i}", kind="camera", last_data_at=NOW - timedelta(hours=1))
    heartbeat(db, NOW - timedelta(minutes=30))
    stats = cycle(db, NOW)
    assert "missing-data" in stats.skipped
    assert live(db) == [("pipeline-stale", "system")]
    heartbeat(db, NOW)                                                      # the pipeline is back
    cycle(db, NOW + timedelta(seconds=1))
    assert ("missing-data", "env-quiet") in live(db) and ("missing-data", "env-fine") not in live(db)
    assert rows(db, "SELECT state FROM alarms WHERE rule_id = 'pipeline-stale'") == [("resolved",)]


def test_camera_offline_after_its_for_and_back_online(db: psycopg.Connection) -> None:
    defaults(db)
    heartbeat(db, NOW)
    device(db, "cam-1", kind="camera", online=False, last_data_at=NOW)
    device(db, "env-1", online=False, last_data_at=NOW)                    # the rule is scoped to cameras
    cycle(db, NOW)
    assert live(db) == []
    heartbeat(db, NOW + timedelta(minutes=2))
    cycle(db, NOW + timedelta(minutes=2))
    assert live(db) == [("camera-offline", "cam-1")]
    db.execute("UPDATE devices SET online = true, last_data_at = %s WHERE device_id = 'cam-1'",
               [NOW + timedelta(minutes=3)])
    heartbeat(db, NOW + timedelta(minutes=3))
    cycle(db, NOW + timedelta(minutes=3))
    assert live(db) == []


def test_camera_events_over_the_minimum_confidence_raise_and_clear_after_the_hold(db: psycopg.Connection) -> None:
    defaults(db)
    device(db, "cam-1", kind="camera")
    event = "INSERT INTO camera_events (ts, device_id, received_at, type, confidence) VALUES (%s, 'cam-1', %s, %s, %s)"
    db.execute(event, [NOW, NOW, "accident", 0.5])            # below 0.7: not trusted
    db.execute(event, [NOW + timedelta(seconds=1), NOW, "crowd", 0.99])              # not a type of the rule
    cycle(db, NOW)
    assert live(db) == []
    db.execute(event, [NOW + timedelta(seconds=5), NOW, "accident", 0.9])
    cycle(db, NOW + timedelta(seconds=6))
    assert live(db) == [("camera-accident", "cam-1:accident")]
    cycle(db, NOW + timedelta(minutes=16))
    assert live(db) == []


def test_an_overdue_report_raises_until_it_is_resolved(db: psycopg.Connection) -> None:
    defaults(db)
    rid = db.execute("""INSERT INTO reports (source, category, submitted_at, sla_days, due_at, ward_code)
                        VALUES ('web', 'roads', %s, 5, %s, '26734') RETURNING id""",
                     [NOW - timedelta(days=9), NOW - timedelta(hours=1)]).fetchone()
    assert rid is not None
    cycle(db, NOW)
    assert live(db) == [("report-overdue", f"report:{rid[0]}")]
    db.execute("UPDATE reports SET status = 'resolved', resolved_at = %s, outcome = 'resolved'", [NOW])
    cycle(db, NOW + timedelta(seconds=2))
    assert live(db) == []


def test_hourly_vn_aqi_bad_from_the_rollups_with_hysteresis(db: psycopg.Connection) -> None:
    defaults(db)
    device(db, "env-1")
    hour = NOW.replace(minute=0, second=0)

    def hourly(pm: float) -> None:
        db.execute("DELETE FROM rollup_1h")
        for h in range(12):
            db.execute("INSERT INTO rollup_1h VALUES (%s, 'env-1', 'pm25', 60, %s, %s, %s)",
                       [hour - timedelta(hours=h), pm * 60, pm, pm])

    hourly(90.0)            # NowCast 90 µg/m³ → AQIh 157, "Xấu"
    cycle(db, NOW)
    cycle(db, NOW + timedelta(minutes=11))
    assert live(db) == [("vn-aqi-bad", "env-1")]
    assert rows(db, "SELECT value FROM alarms") == [(157.0,)]
    hourly(75.0)            # AQIh 142: under 151 but not under 130: the alarm stays
    cycle(db, NOW + timedelta(minutes=30))
    assert live(db) == [("vn-aqi-bad", "env-1")]
    hourly(50.0)            # AQIh 100: below 130, for the clear_for of 10 minutes
    cycle(db, NOW + timedelta(minutes=31))
    cycle(db, NOW + timedelta(minutes=42))
    assert live(db) == []


def test_ingestion_health_dead_letters_and_spool(db: psycopg.Connection) -> None:
    defaults(db)
    heartbeat(db, NOW, spool_messages=40)
    for i in range(10):
        db.execute("INSERT INTO env_telemetry (ts, device_id, received_at, pm25) VALUES (%s, 'env-1', %s, 10)",
                   [NOW - timedelta(seconds=i), NOW - timedelta(seconds=i)])
    db.execute("INSERT INTO dead_letters (received_at, topic, payload, reason, code) "
               "SELECT %s, 'ioc/v1/env/x/telemetry', '\\x00', 'bad', 'json' FROM generate_series(1, 2)", [NOW])
    cycle(db, NOW)
    heartbeat(db, NOW + timedelta(minutes=2), spool_messages=40)
    cycle(db, NOW + timedelta(minutes=2, seconds=1))
    assert live(db) == [("ingest-dead-letters", "system"), ("ingest-spool", "system")]
    rate = rows(db, "SELECT value FROM alarms WHERE rule_id = 'ingest-dead-letters'")[0][0]
    assert rate == pytest.approx(100 * 2 / 12)      # percent of the window's messages


def test_rate_of_change_per_minute_over_the_window(db: psycopg.Connection) -> None:
    install(db, rules.Rule.model_validate({
        "id": "water-rising", "name": {"vi": "Nước dâng nhanh", "en": "Water rising fast"}, "kind": "rate_of_change",
        "metric": "water_level", "severity": "critical", "owner": "drainage", "window": "10m",
        "raise": {"op": ">=", "value": 2}, "clear": {"op": "<", "value": 0.5}}))
    heartbeat(db, NOW)
    device(db, "env-river")
    insert = "INSERT INTO env_telemetry (ts, device_id, received_at, water_level) VALUES (%s, 'env-river', %s, %s)"
    for minute, level in enumerate([10.0, 11.0, 12.0]):          # 1 cm a minute: not yet
        at = NOW - timedelta(minutes=10) + timedelta(minutes=minute * 4)
        db.execute(insert, [at, at, level])
        seen(db, "env-river", at, at)
    cycle(db, NOW)
    assert live(db) == []
    db.execute(insert, [NOW + timedelta(minutes=1), NOW + timedelta(minutes=1), 40.0])   # +29 cm in 7 minutes
    seen(db, "env-river", NOW + timedelta(minutes=1), NOW + timedelta(minutes=1))
    cycle(db, NOW + timedelta(minutes=1))
    assert live(db) == [("water-rising", "env-river")]
    # from 11 cm six minutes ago, the oldest reading inside the window, to 40 cm now
    assert rows(db, "SELECT round(value::numeric, 2)::float8 FROM alarms") == [(round(29 / 7, 2),)]


def test_completeness_counts_the_devices_in_scope(db: psycopg.Connection) -> None:
    install(db, rules.Rule.model_validate({
        "id": "cameras-incomplete", "name": {"vi": "Thiếu dữ liệu camera", "en": "Cameras incomplete"},
        "kind": "ingest_health", "metric": "completeness", "severity": "minor", "owner": "it_ops",
        "scope": {"kinds": ["camera"]}, "raise": {"op": "<", "value": 80}, "clear": {"op": ">=", "value": 90}}))
    heartbeat(db, NOW)
    for i in range(10):
        device(db, f"env-{i}", last_data_at=NOW)                              # all fine, but out of scope
    device(db, "cam-1", kind="camera", last_data_at=NOW)
    device(db, "cam-2", kind="camera", last_data_at=NOW - timedelta(hours=1))
    cycle(db, NOW)
    assert live(db) == [("cameras-incomplete", "system")]
    assert rows(db, "SELECT value FROM alarms") == [(50.0,)]
