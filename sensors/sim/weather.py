"""Rain: one afternoon storm on some days, more often in the city's rainy season. A pure function of (climate, local
time, seed), so every device of a city sees the same storm: cameras count more accidents while the stations in the
same city measure the rain."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from .clock import hour_of_day


@dataclass(frozen=True)
class Climate:
    name: str
    storm_chance: tuple[float, ...]  # per month (January first): the chance a day has a storm
    storm_hour: float  # mean local start hour
    mm_per_hour: float  # mean intensity


# The south-east (Đồng Xoài) rains May-October, in afternoon thunderstorms; the south-central coast (Nha Trang)
# rains September-December, later in the year and less in the afternoon.
SOUTH_EAST = Climate("south_east", (0.03, 0.02, 0.08, 0.2, 0.5, 0.6, 0.6, 0.65, 0.7, 0.6, 0.35, 0.1), 15.0, 9.0)
SOUTH_CENTRAL_COAST = Climate(
    "south_central_coast", (0.1, 0.05, 0.05, 0.08, 0.15, 0.15, 0.15, 0.2, 0.4, 0.6, 0.65, 0.45), 13.0, 7.0
)
CITY_CLIMATES = {"Dong Xoai": SOUTH_EAST, "Nha Trang": SOUTH_CENTRAL_COAST}
HEAVY_RAIN_MM_H = 10.0  # streets flood above this


def climate_of(city: str) -> Climate:
    return CITY_CLIMATES.get(city, SOUTH_EAST)


@lru_cache(maxsize=4096)
def storm(climate: Climate, day: date, seed: int) -> tuple[float, float, float] | None:
    """The day's storm as (start hour, duration in hours, mm/h), or None on a dry day."""
    rng = random.Random(f"{seed}:{climate.name}:{day.isoformat()}")
    if rng.random() >= climate.storm_chance[day.month - 1]:
        return None
    start = min(22.0, max(0.0, rng.gauss(climate.storm_hour, 2.0)))
    return start, rng.uniform(0.5, 3.0), rng.expovariate(1 / climate.mm_per_hour)


def rain_mm_h(climate: Climate, local: datetime, seed: int) -> float:
    """Rain intensity at local time ``local`` (0 when dry)."""
    today = storm(climate, local.date(), seed)
    if today is None:
        return 0.0
    start, duration, intensity = today
    return intensity if start <= hour_of_day(local) < start + duration else 0.0
