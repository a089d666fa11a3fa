"""Environment beyond PM2.5: full air stations send the gases, gauges the water level after the rain, and noise has
its day and night; every reading goes through the contract's parser unharmed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from ioc.data import data_path
from ioc.errors import ImportDataError
from sensors.contract import EnvTelemetry
from sensors.fleet import Device, Fleet, Station, load
from sensors.sim.air import gases
from sensors.sim.backfill import device_window
from sensors.sim.engine import SimConfig, Simulation
from sensors.sim.environment import noise
from sensors.sim.pm25 import Pm25Series
from sensors.sim.water import RESPONSES, water_level
from sensors.sim.weather import SOUTH_EAST, storm
from tests.sensors.helpers import parsed

VN = ZoneInfo("Asia/Ho_Chi_Minh")
GASES = ("pm10", "no2", "o3", "co", "so2")
BASE = Station(pm25_year=2017, pm25_shift_hours=0, pm25_scale=0.6, noise_base_db=60.0)
FULL = replace(BASE, measures=(*BASE.measures, *GASES))
DRAIN = replace(BASE, measures=(*BASE.measures, "water_level"), noise_site="market", water_body="drain",
                water_base_cm=12.0, water_levels_cm=(40.0, 60.0, 80.0))


def _at(hour: float, day: date = date(2026, 9, 9)) -> datetime:   # a Wednesday
    return datetime(day.year, day.month, day.day, tzinfo=VN) + timedelta(hours=hour)


def test_the_shipped_fleet_declares_full_stations_and_gauges() -> None:
    stations = {d.device_id: d.station for d in load(data_path("fleets/dong_xoai.yaml")).of_kind("env")}
    full = [i for i, s in stations.items() if s and all(s.carries(g) for g in GASES)]
    gauges = {s.water_body for s in stations.values() if s and s.carries("water_level")}
    assert len(full) == 2 and gauges == {"drain", "river"}
    assert all(s and len(s.water_levels_cm) == 3 for s in stations.values() if s and s.carries("water_level"))


def test_a_gauge_without_warning_levels_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("fleet: f\ncity: Dong Xoai\nhotspots: []\ndevices:\n- {id: g1, kind: env, name: G, lon: 106.9, "
                    "lat: 11.5, station: {pm25_year: 2017, pm25_shift_hours: 0, pm25_scale: 0.5, measures: "
                    "[pm25, water_level], water_body: drain}}\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match=r"devices\[0\] \(g1\) station: field 'water_levels_cm'"):
        load(path)
    path.write_text(path.read_text(encoding="utf-8").replace("water_body: drain", "water_body: drain, "
                                                                 "water_levels_cm: [60, 40, 80]"), encoding="utf-8")
    with pytest.raises(ImportDataError, match="three rising levels"):
        load(path)


def test_gases_follow_traffic_and_sunlight_at_plausible_levels() -> None:
    rng = np.random.default_rng(3)
    def mean(field: str, hour: float) -> float:
        return float(np.mean([getattr(gases(20.0, _at(hour), 0.0, rng), field) for _ in range(200)]))
    assert mean("no2", 7.5) > 1.8 * mean("no2", 3)            # the morning rush
    assert mean("co", 18) > 2 * mean("co", 3)
    assert mean("o3", 14) > 3 * mean("o3", 3)                  # photochemistry, mid-afternoon
    assert 15 < mean("no2", 3) < 120 and 500 < mean("co", 3) < 4000 and mean("so2", 8) < 50   # µg/m³, CO too
    assert 1.3 < mean("pm10", 12) / 20.0 < 2.2                 # PM2.5/PM10 ≈ 0.6
    wet = np.mean([gases(20.0, _at(14), 8.0, rng).o3 for _ in range(200)])
    assert wet < 0.7 * mean("o3", 14)                          # rain washes ozone out


def test_noise_is_loud_by_day_quiet_at_night_and_a_market_wakes_early() -> None:
    assert noise(BASE, _at(8)) - noise(BASE, _at(3)) > 10
    assert noise(DRAIN, _at(5)) > noise(BASE, _at(5)) + 4            # the market at dawn over the street alone
    assert abs(noise(DRAIN, _at(23)) - noise(BASE, _at(23))) < 0.01   # closed at night: only the street
    lane = replace(BASE, noise_site="residential")
    assert noise(lane, _at(8)) < noise(BASE, _at(8))


def _storm_day() -> tuple[date, float, float, float]:
    day = date(2026, 9, 1)
    while (found := storm(SOUTH_EAST, day, 1)) is None or found[1] * found[2] < 10:
        day += timedelta(days=1)
    return day, *found


@pytest.mark.parametrize("body", ["drain", "river"])
def test_water_rises_after_the_rain_with_a_lag_and_recedes(body: str) -> None:
    day, start, duration, _ = _storm_day()
    r = RESPONSES[body]
    middle = _at(start + duration / 2, day)
    def level(hours_after_middle: float) -> float:
        return water_level(body, 100.0, SOUTH_EAST, middle + timedelta(hours=hours_after_middle), 1)
    before, peak = level(-duration / 2 - 0.01), level(r.lag_h)
    assert peak > before + 10                                   # the storm lifts it
    assert level(r.lag_h / 2) < peak                            # ... not at once: the lag
    assert level(r.lag_h + r.recession_h) < peak - 0.5 * (peak - before)   # and it recedes
    if body == "drain":
        assert level(r.lag_h + 10 * r.recession_h) < before + 1   # a drain is back to base within hours


def test_each_station_sends_what_it_carries_through_the_contract(pm25: Pm25Series) -> None:
    devices = tuple(Device(f"s-{name}", "env", name, 106.89, 11.52, station=st)
                    for name, st in (("basic", BASE), ("full", FULL), ("drain", DRAIN)))
    sim = Simulation(Fleet("t", "Dong Xoai", devices), pm25, SimConfig(seed=2))
    start = _at(7)
    results = parsed(sim.step(start, start + timedelta(minutes=30)))
    assert all(not res.rejections for _, res in results)
    got = {r.device_id: r for _, res in results for r in res.records if isinstance(r, EnvTelemetry)}
    assert all(getattr(got["s-full"], g) is not None for g in GASES) and got["s-full"].water_level is None
    assert all(getattr(got["s-basic"], g) is None for g in GASES) and got["s-basic"].water_level is None
    assert got["s-drain"].water_level is not None and got["s-drain"].water_level >= 11
    assert got["s-basic"].laeq is not None and got["s-basic"].precipitation is not None


def test_the_backfill_carries_the_gases_and_the_water(pm25: Pm25Series) -> None:
    devices = (Device("s-full", "env", "full", 106.89, 11.52, station=FULL),
               Device("s-drain", "env", "drain", 106.89, 11.52, station=DRAIN))
    sim = Simulation(Fleet("t", "Dong Xoai", devices), pm25, SimConfig(900, 900, seed=2))
    start = _at(0)
    records = [r for dev in sim.devices for m in device_window(sim, dev, start, start + timedelta(days=1))
               for _, res in parsed([m]) for r in res.records if isinstance(r, EnvTelemetry)]
    assert len(records) == 2 * 96
    full = [r for r in records if r.device_id == "s-full"]
    assert all(r.no2 is not None and r.o3 is not None and r.co is not None and r.so2 is not None for r in full)
    o3_by_hour = {r.ts.astimezone(VN).hour: r.o3 for r in full}
    assert max(o3_by_hour[h] or 0 for h in (13, 14, 15)) > 2 * (o3_by_hour[3] or 0)
    assert all(r.water_level is not None for r in records if r.device_id == "s-drain")
