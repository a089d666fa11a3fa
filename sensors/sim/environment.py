"""Environment stations: PM2.5 replayed from the real Hanoi series, temperature and humidity on a diurnal and
seasonal cycle, rain from the city's weather, noise that follows the traffic (or the market), and what a station
declares beyond that: the gases of a full air station (``air``), a water-level gauge (``water``). Pure functions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sensors.fleet import Station

from .air import gases
from .clock import hour_of_day, profile
from .pm25 import Pm25Series, replay_pm25
from .traffic import traffic_level

WARMEST_HOUR = 14.5
WARMEST_MONTH = 4  # the south is hottest in April, coolest around the new year
SEASONAL_C = 1.5
# A Vietnamese market: stalls set up from 04:00, the crowd peaks 06:00-09:00, a second smaller peak before dinner.
MARKET = ((0, 0.0), (3.5, 0.0), (5, 0.6), (7, 1.0), (9.5, 0.8), (12, 0.3), (15, 0.3), (17, 0.6), (19, 0.2), (20, 0.0),
          (24, 0.0))
MARKET_DB = 9.0       # a full market over the street alone
RESIDENTIAL_DB = -3.0  # the same traffic heard from a lane


@dataclass(frozen=True, slots=True)
class EnvValues:
    pm25: float | None
    temperature: float
    relative_humidity: float
    laeq: float
    precipitation: float
    pm10: float | None = None
    no2: float | None = None
    o3: float | None = None
    co: float | None = None
    so2: float | None = None
    water_level: float | None = None


def temperature(station: Station, local: datetime, rain_mm_h: float) -> float:
    """Mean + seasonal swing + a diurnal cosine peaking mid-afternoon, cooled by rain."""
    seasonal = SEASONAL_C * math.cos(2 * math.pi * (local.month - WARMEST_MONTH) / 12)
    diurnal = station.temp_amplitude_c * math.cos(2 * math.pi * (hour_of_day(local) - WARMEST_HOUR) / 24)
    return station.temp_mean_c + seasonal + diurnal - (2.5 if rain_mm_h > 0 else 0.0)


def humidity(station: Station, temp_c: float, rain_mm_h: float) -> float:
    """Relative humidity (a fraction) falls as the air warms and nears saturation in rain."""
    rh = station.humidity_mean - 0.025 * (temp_c - station.temp_mean_c) + (0.15 if rain_mm_h > 0 else 0.0)
    return min(0.99, max(0.3, rh))


def noise(station: Station, local: datetime) -> float:
    """LAeq in dB(A): the station's base near traffic level 0.4, +-10 dB per tenfold traffic; a market adds its
    crowd (energy sum), a residential lane hears the street a few dB down."""
    street = station.noise_base_db + 10 * math.log10(max(traffic_level(local), 0.02) / 0.4)
    if station.noise_site == "residential":
        return street + RESIDENTIAL_DB
    if station.noise_site == "market":
        crowd = profile(MARKET, hour_of_day(local))
        if crowd > 0:
            market = station.noise_base_db + MARKET_DB + 10 * math.log10(crowd)
            return 10 * math.log10(10 ** (street / 10) + 10 ** (market / 10))
    return street


def env_values(station: Station, series: Pm25Series, local_end: datetime, interval_s: int, rain_mm_h: float,
               rng: np.random.Generator, water_cm: float | None = None) -> EnvValues:
    """One reading for the interval ending at ``local_end``; ``water_cm``: the gauge's level, if it has one."""
    temp = temperature(station, local_end, rain_mm_h) + float(rng.normal(0, 0.2))
    rh = humidity(station, temp, rain_mm_h) + float(rng.normal(0, 0.01))
    laeq = noise(station, local_end - timedelta(seconds=interval_s / 2)) + float(rng.normal(0, 1.0))
    pm25 = replay_pm25(series, station, local_end)
    air = gases(pm25, local_end, rain_mm_h, rng) if station.carries("no2") else None
    water = None if water_cm is None or not station.carries("water_level") else \
        round(water_cm + float(rng.normal(0, 0.4)), 1)
    return EnvValues(
        pm25=pm25,
        temperature=round(temp, 2),
        relative_humidity=round(min(0.99, max(0.3, rh)), 3),
        laeq=round(min(120.0, max(30.0, laeq)), 1),
        precipitation=round(rain_mm_h * interval_s / 3600, 2),
        pm10=air.pm10 if air else None, no2=air.no2 if air else None, o3=air.o3 if air else None,
        co=air.co if air else None, so2=air.so2 if air else None, water_level=water,
    )
