"""The environment rules against what the pipeline stores: night noise over the QCVN 26 limit of the station's area,
water over the gauge's warning levels II and III, a pollutant threshold (NO2), and the full VN_AQI with the gases."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from tests.alarms.support import NOW, VN, cycle, device, heartbeat, rows, seen
from tests.alarms.test_kinds import defaults
from tests.alarms.test_kinds import live as all_live

# last night, 22:00 local: the night period (21h–6h) of QCVN 26:2010/BTNMT
NIGHT = datetime.combine(NOW.astimezone(VN).date() - timedelta(days=1), datetime.min.time(), VN) + timedelta(hours=22)


def live(db: psycopg.Connection) -> list[tuple[str, str]]:
    """Live alarms of the rules under test (a device silent between two steps is the missing-data rule's)."""
    return [a for a in all_live(db) if a[0] != "missing-data"]


def station(db: psycopg.Connection, device_id: str, **fields: object) -> None:
    device(db, device_id, attrs=Jsonb({"station": fields}))


def reading(db: psycopg.Connection, device_id: str, at: datetime, **values: float) -> None:
    db.execute(sql.SQL("INSERT INTO env_telemetry (ts, device_id, received_at, {}) VALUES (%s, %s, %s, {})").format(
        sql.SQL(", ").join(map(sql.Identifier, values)), sql.SQL(", ").join(sql.Placeholder() * len(values))),
        [at, device_id, at, *values.values()])
    seen(db, device_id, at, at)


def step(db: psycopg.Connection, at: datetime, **per_device: dict[str, float]) -> None:
    for device_id, values in per_device.items():
        reading(db, device_id, at, **values)
    heartbeat(db, at)
    cycle(db, at)


def test_night_noise_over_the_limit_of_the_area_for_30_minutes_then_clears_in_the_morning(db: psycopg.Connection
                                                                                           ) -> None:
    defaults(db)
    station(db, "env-hospital", noise_area="special")     # 45 dB(A) at night
    station(db, "env-street")                               # normal: 55 dB(A) at night
    loud = {"env-hospital": {"laeq": 50.0}, "env-street": {"laeq": 50.0}}
    step(db, NIGHT, **loud)
    step(db, NIGHT + timedelta(minutes=29), **loud)
    assert live(db) == []                                   # not yet 30 minutes
    step(db, NIGHT + timedelta(minutes=30), **loud)
    assert live(db) == [("noise-night", "env-hospital")]
    assert rows(db, "SELECT value FROM alarms") == [(5.0,)]   # dB(A) over the limit
    morning = NIGHT + timedelta(hours=8)                     # 06:00: the night rule's period is over
    step(db, morning, **{"env-hospital": {"laeq": 54.0}})
    step(db, morning + timedelta(minutes=10), **{"env-hospital": {"laeq": 54.0}})
    assert live(db) == []


def test_daytime_noise_is_not_the_night_rules_business(db: psycopg.Connection) -> None:
    defaults(db)
    station(db, "env-street")
    noon = NIGHT + timedelta(hours=14)
    for minute in (0, 31, 62):
        step(db, noon + timedelta(minutes=minute), **{"env-street": {"laeq": 68.0}})
    assert live(db) == []


def test_water_over_warning_levels_ii_then_iii_and_back(db: psycopg.Connection) -> None:
    defaults(db)
    station(db, "env-drain", water_levels_cm=[40, 60, 80])
    station(db, "env-nolevels")                                # a gauge without levels: never judged
    t0 = NOW - timedelta(hours=1)
    step(db, t0, **{"env-drain": {"water_level": 65.0}, "env-nolevels": {"water_level": 900.0}})
    step(db, t0 + timedelta(minutes=5), **{"env-drain": {"water_level": 66.0}})
    assert live(db) == [("water-level-ii", "env-drain")]
    step(db, t0 + timedelta(minutes=6), **{"env-drain": {"water_level": 85.0}})
    step(db, t0 + timedelta(minutes=8), **{"env-drain": {"water_level": 86.0}})
    assert live(db) == [("water-level-ii", "env-drain"), ("water-level-iii", "env-drain")]
    assert rows(db, "SELECT value FROM alarms WHERE rule_id = 'water-level-iii'") == [(3.0,)]
    step(db, t0 + timedelta(minutes=10), **{"env-drain": {"water_level": 30.0}})
    step(db, t0 + timedelta(minutes=26), **{"env-drain": {"water_level": 28.0}})
    assert live(db) == []


def test_no2_threshold_on_the_stored_gas(db: psycopg.Connection) -> None:
    defaults(db)
    station(db, "env-road")
    t0 = NOW - timedelta(hours=1)
    for minute in (0, 15, 30):
        step(db, t0 + timedelta(minutes=minute), **{"env-road": {"no2": 240.0, "pm25": 20.0}})
    assert live(db) == [("no2-high", "env-road")]


def test_vn_aqi_alarm_counts_the_gases(db: psycopg.Connection) -> None:
    defaults(db)
    device(db, "env-1")
    hour = NOW.replace(minute=0, second=0)
    for h in range(12):    # clean PM: AQIh 40 on PM2.5 alone
        db.execute("INSERT INTO rollup_1h VALUES (%s, 'env-1', 'pm25', 60, 1200, 20, 20)", [hour - timedelta(hours=h)])
    # NO2 800 µg/m³ in the last complete hour: (200−150)/(1200−700)·(800−700)+150 = 160, "Xấu"
    db.execute("INSERT INTO rollup_1h VALUES (%s, 'env-1', 'no2', 60, 48000, 800, 800)", [hour - timedelta(hours=1)])
    cycle(db, NOW)
    cycle(db, NOW + timedelta(minutes=11))
    assert live(db) == [("vn-aqi-bad", "env-1")]
    assert rows(db, "SELECT value FROM alarms") == [(160.0,)]
