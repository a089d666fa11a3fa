"""The evaluator's change feed: the newest values of devices with new readings, each reading judged once."""

from __future__ import annotations

from datetime import timedelta

import psycopg

from pipelines.alarms import runner
from pipelines.alarms.fresh import Fresh
from tests.alarms.support import NOW, VN, device, install, pm25, rows, rule, seen

PM = {"env_telemetry": {"pm25", "water_level"}}


def _read(conn: psycopg.Connection, fresh: Fresh, at: timedelta) -> dict[str, dict[str, float | None]]:
    batch = fresh.read(conn, PM, NOW + at - timedelta(seconds=30), NOW + at)["env_telemetry"]
    fresh.done()
    return {d: r.values for d, r in batch.readings.items()}


def test_each_reading_is_judged_once_and_only_devices_with_news_are_read(db: psycopg.Connection) -> None:
    device(db, "env-1")
    device(db, "env-2")
    fresh = Fresh()
    pm25(db, "env-1", 42, NOW)
    assert _read(db, fresh, timedelta(0)) == {"env-1": {"pm25": 42.0, "water_level": None}}
    assert _read(db, fresh, timedelta(seconds=2)) == {}                  # nothing new: no probe, nothing judged
    pm25(db, "env-1", 43, NOW + timedelta(seconds=3))
    pm25(db, "env-2", 7, NOW + timedelta(seconds=3))
    assert _read(db, fresh, timedelta(seconds=4)) == {"env-1": {"pm25": 43.0, "water_level": None},
                                                      "env-2": {"pm25": 7.0, "water_level": None}}
    pm25(db, "env-1", 99, NOW - timedelta(seconds=10))                  # late: older than what was judged
    assert _read(db, fresh, timedelta(seconds=6)) == {}


def test_the_newest_value_of_each_metric_among_the_new_rows(db: psycopg.Connection) -> None:
    device(db, "env-river")
    insert = ("INSERT INTO env_telemetry (ts, device_id, received_at, pm25, water_level) "
              "VALUES (%s, 'env-river', %s, %s, %s)")
    for s, pm, level in ((0, 30.0, 110.0), (1, 31.0, None), (2, None, None)):   # two metrics, in separate messages
        at = NOW + timedelta(seconds=s)
        db.execute(insert, [at, at, pm, level])
        seen(db, "env-river", at, at)
    assert _read(db, Fresh(), timedelta(seconds=3)) == {"env-river": {"pm25": 31.0, "water_level": 110.0}}


def test_readings_older_than_an_hour_are_never_judged(db: psycopg.Connection) -> None:
    device(db, "env-1")
    old = NOW - timedelta(hours=2)
    db.execute("INSERT INTO env_telemetry (ts, device_id, received_at, pm25) VALUES (%s, 'env-1', %s, 500)",
               [old, NOW])                                                # a spool replayed today
    seen(db, "env-1", NOW, old)
    assert _read(db, Fresh(), timedelta(0)) == {}


def test_an_evaluator_that_remembers_raises_holds_and_clears(db: psycopg.Connection) -> None:
    install(db, rule())
    device(db, "env-1")
    memory = runner.Memory()
    pm25(db, "env-1", 120, NOW)
    assert runner.cycle(db, VN, 120, NOW, memory).raised == 1
    assert runner.cycle(db, VN, 120, NOW + timedelta(seconds=2), memory).raised == 0
    assert rows(db, "SELECT last_seen_at FROM alarms") == [(NOW,)]      # the same reading is not seen twice
    pm25(db, "env-1", 130, NOW + timedelta(seconds=3))
    runner.cycle(db, VN, 120, NOW + timedelta(seconds=4), memory)
    assert rows(db, "SELECT last_seen_at, value FROM alarms") == [(NOW + timedelta(seconds=4), 130.0)]
    pm25(db, "env-1", 20, NOW + timedelta(seconds=5))
    assert runner.cycle(db, VN, 120, NOW + timedelta(seconds=6), memory).resolved == 1


def test_a_vn_aqi_rule_is_judged_at_most_once_a_minute_by_one_evaluator() -> None:
    aqi = rule(id="vn-aqi-bad", kind="vn_aqi", metric=None, **{"raise": {"op": ">=", "value": 151},
                                                              "clear": {"op": "<", "value": 130}})
    pm, memory = rule(), runner.Memory()
    assert [memory.due(aqi, NOW + timedelta(seconds=s)) for s in (0, 2, 58, 60, 61)] == [True, False, False, True,
                                                                                        False]
    assert all(memory.due(pm, NOW + timedelta(seconds=s)) for s in (0, 2, 4))   # readings: every cycle
    assert runner.Memory().due(aqi, NOW)                                         # a new evaluator: at once
