"""Per-night figures of the lighting page from hand-written readings: outages, day burners, mismatches, kWh and the
baseline, each counted once and in the right night."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from psycopg_pool import ConnectionPool

from dashboards.queries import lighting as q
from dashboards.theme import DARK
from dashboards.views import lighting as lv
from dashboards.views.wall_lighting import _delta

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EVENING = datetime(2026, 12, 3, 18, 0, tzinfo=VN)
COLS = ("ts", "device_id", "received_at", "device_type", "power_state", "commanded_power_state", "illuminance_level",
        "commanded_illuminance_level", "active_power", "lamp_unexpected_on", "interval_s")


def _lamp(db: psycopg.Connection, device: str, rated_w: float) -> None:
    db.execute("INSERT INTO devices (device_id, kind, ward_code, registered, attrs) VALUES (%s, 'light', '26734', "
               "true, jsonb_build_object('device_type', 'lamp', 'rated_w', %s::float8))", [device, rated_w])


def _reading(db: psycopg.Connection, device: str, at: datetime, state: str, told: str, level: float, told_level: float,
             watts: float, burner: bool = False) -> None:
    db.execute("INSERT INTO light_telemetry (ts, device_id, received_at, device_type, power_state, "
               "commanded_power_state, illuminance_level, commanded_illuminance_level, active_power, "
               "lamp_unexpected_on, interval_s) VALUES (%s, %s, %s, 'lamp', %s, %s, %s, %s, %s, %s, 3600)",
               [at, device, at, state, told, level, told_level, watts, burner])


def test_nights_count_outages_burners_and_mismatches(db: psycopg.Connection, pool: ConnectionPool) -> None:
    for device in ("ok", "dark", "burner", "undimmed"):
        _lamp(db, device, 100.0)
    for h in range(4):                     # 18:00..21:00, commanded on at full output: 4 hours
        at = EVENING + timedelta(hours=h)
        _reading(db, "ok", at, "on", "on", 1.0, 1.0, 100.0)
        _reading(db, "dark", at, "off" if h == 2 else "on", "on", 0.0 if h == 2 else 1.0, 1.0, 0.5 if h == 2 else 100)
        _reading(db, "undimmed", at, "on", "on", 1.0, 0.7 if h == 3 else 1.0, 100.0)
    morning = datetime(2026, 12, 4, 9, 0, tzinfo=VN)           # by day: the night of the 3rd still
    _reading(db, "burner", morning, "on", "off", 1.0, 0.0, 100.0, burner=True)
    _reading(db, "ok", morning, "off", "off", 0.0, 0.0, 0.5)
    _reading(db, "ok", datetime(2026, 12, 4, 18, 0, tzinfo=VN), "on", "on", 1.0, 1.0, 100.0)   # the next night

    frame = q.nights(pool, date(2026, 12, 3), date(2026, 12, 4), VN)
    first, second = frame.to_dict("records")
    assert first["night"] == date(2026, 12, 3) and second["night"] == date(2026, 12, 4)
    assert (first["lamps"], first["outages"], first["day_burners"], first["mismatches"]) == (4, 1, 1, 3)
    # measured: 11 lamp-hours at 100 W + one at 0.5 W (dark) + the day burner's hour + the ok lamp's standby hour
    assert abs(first["kwh"] - (11 * 0.1 + 0.0005 + 0.1 + 0.0005)) < 1e-9
    assert abs(first["baseline_kwh"] - 12 * 0.1) < 1e-9      # 3 lamps × 4 commanded-on hours at rated power
    assert (second["lamps"], second["outages"], second["kwh"]) == (1, 0, 0.1)

    data = lv.summarise(q.lamps_now(pool, EVENING + timedelta(hours=3, minutes=10), None), frame)
    assert data.last_night is not None and data.last_night.night == date(2026, 12, 3)
    assert lv.summarise(data_frame := q.lamps_now(pool, EVENING, None), frame, date(2026, 12, 5)).last_night == \
        lv.summarise(data_frame, frame).nights[1]                 # the newest night before the one under way
    assert lv.summarise(data_frame, frame, date(2026, 12, 3)).last_night is None
    assert (data.lamps, data.working, data.mismatches, data.dark) == (3, 3, 1, 0)   # 21:00: undimmed at 100 % vs 70 %
    energy = lv.energy_chart(data, 2333.0, DARK, "en")
    baseline, measured = energy["data"]
    assert baseline["y"] == [1.2, 0.1] and measured["y"] == [1.2, 0.1]
    assert measured["customdata"][0] == "3,000 ₫"         # 1.2 kWh × 2,333 ₫ = 2,800 ₫, shown to the thousand
    problems = lv.problems_chart(data, DARK, "vi")
    assert [trace["y"] for trace in problems["data"]] == [[1, 0], [1, 0], [3, 0]]


def test_the_wall_signs_last_nights_energy_against_the_baseline() -> None:
    assert _delta(0.14, "vi") == "−14 %"          # saved 14 % on the undimmed night
    assert _delta(-0.01, "en") == "+1 %"          # used more than the baseline: never "−-1 %"
    assert _delta(0.0, "en") == "±0 %"
