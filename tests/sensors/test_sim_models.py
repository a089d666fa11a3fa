"""The behaviour models: pure functions of (device, simulated time, rng) that follow the local clock and calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from sensors.fleet import Device, Hotspot, Station
from sensors.sim import clock, environment, traffic, weather, wifi

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY = date(2026, 3, 4)
SATURDAY = date(2026, 3, 7)
CAMERA = Device("m-cam-1", "camera", "c", 106.9, 11.5, ownership="budget", camera_type="fixed")
STATION = Station(pm25_year=2018, pm25_shift_hours=0, pm25_scale=0.6, temp_mean_c=27.5, temp_amplitude_c=5.0)


def at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN) + timedelta(hours=hour)


def vehicles(day: date, hour: float, rain: float = 0.0, n: int = 200) -> int:
    rng = np.random.default_rng(1)
    cam = traffic.camera_profile(CAMERA)
    return sum(traffic.camera_counts(cam, at(day, hour) + timedelta(minutes=i % 60), 60, rain, rng)[0]
               for i in range(n))


def test_rush_hour_counts_exceed_night_counts() -> None:
    morning, evening, night = vehicles(WEDNESDAY, 7.0), vehicles(WEDNESDAY, 17.5), vehicles(WEDNESDAY, 3.0)
    assert morning > 5 * night and evening > 5 * night
    assert vehicles(WEDNESDAY, 7.25) > vehicles(WEDNESDAY, 10.5)  # the rush is a peak, not just "daytime"


def test_weekends_have_no_rush_but_a_busier_night() -> None:
    assert vehicles(SATURDAY, 7.25) < 0.6 * vehicles(WEDNESDAY, 7.25)
    assert vehicles(SATURDAY, 20.5) > vehicles(WEDNESDAY, 20.5)


def test_tet_empties_the_streets() -> None:
    tet = clock.tet_day(2026)
    assert tet == date(2026, 2, 17)
    assert clock.day_kind(tet) == clock.TET and clock.day_kind(tet - timedelta(days=1)) == clock.TET_EVE
    assert vehicles(tet + timedelta(days=1), 10) < 0.6 * vehicles(SATURDAY, 10)


def test_accidents_are_likelier_at_rush_hour_and_in_rain() -> None:
    cam = traffic.camera_profile(CAMERA)
    dry_noon, dry_rush = (traffic.event_rates(cam, at(WEDNESDAY, h), 0.0)["accident"] for h in (12.0, 7.5))
    wet_noon = traffic.event_rates(cam, at(WEDNESDAY, 12.0), 5.0)["accident"]
    assert dry_rush > dry_noon and wet_noon > 2 * dry_noon
    assert traffic.event_rates(cam, at(WEDNESDAY, 12.0), 0.0)["flooding"] == 0
    assert traffic.event_rates(cam, at(WEDNESDAY, 12.0), weather.HEAVY_RAIN_MM_H)["flooding"] > 0


def test_events_are_a_poisson_process_at_their_rates() -> None:
    cam = traffic.camera_profile(CAMERA)
    rng = np.random.default_rng(3)
    when, hours = at(WEDNESDAY, 7.5), 2000
    counts = {kind: 0 for kind in traffic.EVENT_RATES}
    for _ in range(hours):
        for _, kind, confidence in traffic.camera_events(cam, when, 3600, 0.0, rng):
            counts[kind] += 1
            assert 0.55 <= confidence <= 0.99
    expected = traffic.event_rates(cam, when - timedelta(minutes=30), 0.0)
    assert counts["traffic_violation"] == pytest.approx(expected["traffic_violation"] * hours, rel=0.15)
    assert counts["flooding"] == 0


def test_rush_hours_are_working_day_windows() -> None:
    assert clock.is_rush_hour(at(WEDNESDAY, 6.5)) and clock.is_rush_hour(at(WEDNESDAY, 18.4))
    assert not clock.is_rush_hour(at(WEDNESDAY, 8.0)) and not clock.is_rush_hour(at(WEDNESDAY, 16.4))
    assert not clock.is_rush_hour(at(SATURDAY, 7.0))


SQUARE = Hotspot("h", "Quảng trường", "square", 106.9, 11.5, "05:00", "23:00", (), 80)
MARKET = Hotspot("m", "Chợ", "market", 106.9, 11.5, "04:30", "19:00", (), 60)
SEASONAL = Hotspot("s", "Tết", "seasonal", 106.9, 11.5, "06:00", "23:00", (1, 2), 60)


def clients(spot: Hotspot, day: date, hour: float, n: int = 100) -> int:
    ap = wifi.ap_profile(Device("m-ap-1", "wifi", "a", 106.9, 11.5, hotspot=spot.hotspot_id), spot)
    rng = np.random.default_rng(2)
    return sum(wifi.wifi_sample(ap, at(day, hour), 60, rng)[0] for _ in range(n))


def test_wifi_follows_opening_hours_and_seasons() -> None:
    assert clients(SQUARE, WEDNESDAY, 2.0) == 0 and clients(MARKET, WEDNESDAY, 20.0) == 0
    assert clients(MARKET, WEDNESDAY, 7.0) > clients(MARKET, WEDNESDAY, 13.0) > 0
    assert clients(SEASONAL, WEDNESDAY, 20.0) == 0  # March is out of its season
    assert clients(SEASONAL, date(2026, 2, 10), 20.0) > 0
    night_owl = Hotspot("n", "n", "square", 106.9, 11.5, "18:00", "02:00", (), 50)
    assert clients(night_owl, WEDNESDAY, 1.0) > 0 and clients(night_owl, WEDNESDAY, 12.0) == 0


def test_wifi_peaks_on_weekends_and_highest_at_tet() -> None:
    weekday, weekend = clients(SQUARE, WEDNESDAY, 20.0), clients(SQUARE, SATURDAY, 20.0)
    tet_eve = clients(SQUARE, clock.tet_day(2026) - timedelta(days=1), 20.0)
    assert weekend > 1.3 * weekday and tet_eve > 1.5 * weekend
    rng = np.random.default_rng(5)
    ap = wifi.ap_profile(Device("m-ap-1", "wifi", "a", 106.9, 11.5, hotspot="h"), SQUARE)
    _, sessions, up, down = wifi.wifi_sample(ap, at(SATURDAY, 20.0), 60, rng)
    assert sessions > 0 and 0 < up < down


def test_temperature_humidity_and_noise_cycles() -> None:
    afternoon = environment.temperature(STATION, at(WEDNESDAY, 14.5), 0.0)
    dawn = environment.temperature(STATION, at(WEDNESDAY, 4.0), 0.0)
    assert afternoon - dawn > 8  # twice the declared 5 °C amplitude, less a little
    assert environment.humidity(STATION, dawn, 0.0) > environment.humidity(STATION, afternoon, 0.0)
    assert environment.temperature(STATION, at(WEDNESDAY, 14.5), 5.0) < afternoon  # rain cools
    assert environment.noise(STATION, at(WEDNESDAY, 7.5)) > environment.noise(STATION, at(WEDNESDAY, 3.0)) + 10


def test_rain_is_shared_by_a_city_and_seasonal() -> None:
    wet = sum(weather.storm(weather.SOUTH_EAST, date(2026, 7, 1) + timedelta(days=i), 0) is not None
              for i in range(60))
    dry = sum(weather.storm(weather.SOUTH_EAST, date(2026, 1, 1) + timedelta(days=i), 0) is not None
              for i in range(60))
    assert wet > 3 * max(dry, 1)
    assert weather.storm(weather.SOUTH_EAST, date(2026, 7, 3), 9) == weather.storm(weather.SOUTH_EAST,
                                                                                 date(2026, 7, 3), 9)


def test_durations_and_the_fast_forward_clock() -> None:
    assert clock.parse_duration("1h30m") == timedelta(minutes=90)
    assert clock.parse_duration("30d") == timedelta(days=30)
    for bad in ("", "10", "1x", "-5m", "0s"):
        with pytest.raises(ValueError):
            clock.parse_duration(bad)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    sim = clock.SimClock(start, speed=60, wall0=100.0)
    real = datetime(2026, 3, 1, 2, tzinfo=UTC)
    assert sim.at(160.0, real) == start + timedelta(hours=1)
    assert sim.at(1000.0, real) == real  # never ahead of the real clock
