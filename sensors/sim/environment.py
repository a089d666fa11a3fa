"""Environment stations: PM2.5 replayed from the real Hanoi series, temperature and humidity on a diurnal and
seasonal cycle, rain from the city's weather, and noise that follows the traffic. Pure functions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sensors.fleet import Station

from .clock import hour_of_day
from .pm25 import Pm25Series, replay_pm25
from .traffic import traffic_level

WARMEST_HOUR = 14.5
WARMEST_MONTH = 4  # the south is hottest in April, coolest around the new year
SEASONAL_C = 1.5


@dataclass(frozen=True, slots=True)
class EnvValues:
    pm25: float | None
    temperature: float
    relative_humidity: float
    laeq: float
    precipitation: float


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
    """LAeq in dB(A): the station's base near traffic level 0.4, +-10 dB per tenfold traffic."""
    return station.noise_base_db + 10 * math.log10(max(traffic_level(local), 0.02) / 0.4)


def env_values(station: Station, series: Pm25Series, local_end: datetime, interval_s: int, rain_mm_h: float,
               rng: np.random.Generator) -> EnvValues:
    """One reading for the interval ending at ``local_end``."""
    temp = temperature(station, local_end, rain_mm_h) + float(rng.normal(0, 0.2))
    rh = humidity(station, temp, rain_mm_h) + float(rng.normal(0, 0.01))
    laeq = noise(station, local_end - timedelta(seconds=interval_s / 2)) + float(rng.normal(0, 1.0))
    return EnvValues(
        pm25=replay_pm25(series, station, local_end),
        temperature=round(temp, 2),
        relative_humidity=round(min(0.99, max(0.3, rh)), 3),
        laeq=round(min(120.0, max(30.0, laeq)), 1),
        precipitation=round(rain_mm_h * interval_s / 3600, 2),
    )
