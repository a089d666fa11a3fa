"""The lighting simulator: astronomical switching at each place, the dimming schedule, failures and day burners."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from ioc.data import data_path
from sensors.contract import LightTelemetry, encode, parse
from sensors.fleet import load
from sensors.sim.lighting import LightProfile, commanded_level, lamp_reading, light_profile, switching

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DONG_XOAI = (11.535, 106.883)
NHA_TRANG = (12.24, 109.19)
LAMP = LightProfile("dx-lamp-0001", "lamp", *DONG_XOAI, rated_w=120.0, cabinet="dx-lcab-01")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


def test_switching_follows_the_sun_of_the_place_without_daylight_saving() -> None:
    # Published almanac times (Asia/Ho_Chi_Minh, UTC+7 all year): Đồng Xoài sets ~17:27 in early December and
    # ~18:15 late June; the lamps switch on 10 minutes after sunset and off 10 minutes before sunrise.
    on, off = switching(*DONG_XOAI, date(2026, 12, 5), VN)
    assert _at(date(2026, 12, 5), 17, 30) <= on <= _at(date(2026, 12, 5), 17, 45)
    assert _at(date(2026, 12, 6), 5, 40) <= off <= _at(date(2026, 12, 6), 5, 55)
    june_on, _ = switching(*DONG_XOAI, date(2026, 6, 21), VN)
    assert june_on.time() > on.time() and june_on.utcoffset() == on.utcoffset() == timedelta(hours=7)
    # Nha Trang is 2.3° further east: its sun sets ~9 minutes earlier on the same day
    nt_on, _ = switching(*NHA_TRANG, date(2026, 12, 5), VN)
    assert timedelta(minutes=5) < on - nt_on < timedelta(minutes=14)


def test_a_lamp_is_off_before_switch_on_and_on_just_after() -> None:
    day = date(2026, 12, 3)
    on, _ = switching(*DONG_XOAI, day, VN)
    pairs = ([lamp_reading(lamp, (on + d).astimezone(UTC), on + d, None, 600)
              for d in (-timedelta(minutes=5), timedelta(minutes=5))]
             for lamp in (replace(LAMP, device_id=f"dx-lamp-{i:04d}") for i in range(1, 50)))
    before, after = next(pair for pair in pairs if not any(
        r.lamp_failure or r.supply_loss or r.lamp_unexpected_on or r.control_gear_comm_failure for r in pair))
    assert (before.power_state, before.commanded_power_state, before.active_power) == ("off", "off", 0.5)
    assert (after.power_state, after.commanded_power_state, after.illuminance_level) == ("on", "on", 1.0)
    assert after.active_power is not None and 115 < after.active_power < 125


def test_dimming_schedule() -> None:
    day = date(2026, 12, 5)
    assert commanded_level(_at(day, 19)) == 1.0
    assert commanded_level(_at(day, 22, 0)) == 0.7
    assert commanded_level(_at(day, 3, 59)) == 0.7
    assert commanded_level(_at(day, 4, 0)) == 1.0


@cache
def _week(fleet_file: str) -> list[LightTelemetry]:
    fleet = load(data_path(fleet_file))
    lamps = [light_profile(fleet, d) for d in fleet.of_kind("light")]
    start = datetime(2026, 11, 28, tzinfo=VN)
    return [lamp_reading(p, (start + timedelta(hours=h)).astimezone(UTC), start + timedelta(hours=h), None, 3600)
            for p in lamps if p.device_type == "lamp" for h in range(0, 7 * 24, 1)]


def test_a_week_has_failures_day_burners_outages_and_mismatches_but_mostly_works() -> None:
    readings = _week("fleets/dong_xoai.yaml")
    night = [r for r in readings if r.commanded_power_state == "on"]
    working = sum(r.power_state == "on" for r in night) / len(night)
    assert 0.93 < working < 0.995, working
    assert any(r.lamp_failure for r in readings) and any(r.supply_loss for r in readings)
    assert any(r.lamp_unexpected_on and r.power_state == "on" and r.commanded_power_state == "off" for r in readings)
    mismatch = [r for r in night if r.illuminance_level != r.commanded_illuminance_level and r.power_state == "on"]
    assert mismatch and all(r.control_gear_comm_failure for r in mismatch)


def test_failures_persist_across_days_until_repaired() -> None:
    readings = _week("fleets/dong_xoai.yaml")
    failed_days: dict[str, set[date]] = {}
    for r in readings:
        if r.lamp_failure:
            failed_days.setdefault(r.device_id, set()).add(r.ts.astimezone(VN).date())
    assert any(len(days) >= 2 for days in failed_days.values())


def test_readings_round_trip_the_contract() -> None:
    for r in _week("fleets/nha_trang.yaml")[:500]:
        topic, payload = encode(r)
        assert parse(topic, payload, r.ts).records == (r,)


def test_lamps_report_at_once_then_every_ten_minutes_through_the_engine() -> None:
    from sensors.fleet import Fleet
    from sensors.sim.engine import SimConfig, Simulation
    from sensors.sim.pm25 import Pm25Series

    city = load(data_path("fleets/dong_xoai.yaml"))
    fleet = Fleet("t", city.city, city.of_kind("light")[:6])
    sim = Simulation(fleet, Pm25Series(datetime(2020, 1, 1, tzinfo=UTC), ()), SimConfig(seed=3))
    t0 = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)      # 18:00 in Đồng Xoài: the lamps are on
    records = [r for p in sim.step(t0, t0 + timedelta(minutes=25)) if p.role == "data"
               for r in parse(p.topic, p.payload, p.at).records]
    assert len(records) == 6 * 3 and all(isinstance(r, LightTelemetry) for r in records)
    assert {r.interval_s for r in records} == {600}
    cabinet = [r for r in records if r.device_type == "cabinet"]
    assert cabinet and all(r.power_state == "on" and r.voltage_l1 for r in cabinet if not r.supply_loss)
