"""Cameras: vehicle and people counts that follow the local clock, and events as a Poisson process per type.

Pure functions of (profile, local time, rain, rng). Counts peak in the rush hours (6:30-8:00, 16:30-18:30) of
working days and are low at night; weekends have no rush but a broad afternoon and evening; Tết empties the
streets except on its eve. Accidents are more frequent at rush hour and in rain, floods need heavy rain.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

import numpy as np

from sensors.fleet import Device

from .clock import HOLIDAY, PRE_TET, TET, TET_EVE, WEEKDAY, WEEKEND, day_kind, hour_of_day, is_rush_hour, profile
from .weather import HEAVY_RAIN_MM_H

_WORKDAY = ((0, 0.08), (4.5, 0.05), (5.5, 0.25), (6.0, 0.6), (6.5, 1.0), (8.0, 1.0), (8.5, 0.7), (11, 0.6),
            (12, 0.65), (13.5, 0.5), (16, 0.7), (16.5, 1.0), (18.5, 1.0), (19, 0.75), (21, 0.45), (23, 0.15),
            (24, 0.08))
_RESTDAY = ((0, 0.15), (5, 0.06), (7, 0.3), (9, 0.6), (11, 0.7), (14, 0.55), (17, 0.7), (20, 0.8), (22, 0.5),
            (24, 0.15))
_TET_EVE = ((0, 0.15), (6, 0.2), (9, 0.7), (12, 0.6), (17, 0.5), (20, 0.9), (23, 1.0), (24, 0.9))
# (curve, factor) per day kind
_DAYS: Mapping[str, tuple[tuple[tuple[float, float], ...], float]] = MappingProxyType({
    WEEKDAY: (_WORKDAY, 1.0), PRE_TET: (_WORKDAY, 1.15), WEEKEND: (_RESTDAY, 1.0), HOLIDAY: (_RESTDAY, 0.9),
    TET_EVE: (_TET_EVE, 1.0), TET: (_RESTDAY, 0.45),
})
# Events per camera-hour for a city-owned smart camera at traffic level 1 (before modifiers).
EVENT_RATES: Mapping[str, float] = MappingProxyType({
    "traffic_violation": 0.06, "accident": 0.004, "crowd": 0.01, "intrusion": 0.004, "fire_smoke": 0.0004,
    "illegal_parking": 0.03, "littering": 0.01, "flooding": 0.3, "other": 0.002,
})
RAINY_MM_H = 0.5
_CLASSES = {  # vehicles/h, people/h at level 1, free-flow km/h, analytics relative to a city smart camera
    ("budget", "ptz"): (2500.0, 700.0, 45.0, 1.0),
    ("budget", "fixed"): (1800.0, 600.0, 45.0, 1.0),
    ("socialized", "fixed"): (700.0, 900.0, 35.0, 0.4),
    ("citizen_shared", "fixed"): (250.0, 150.0, 25.0, 0.2),
}


@dataclass(frozen=True, slots=True)
class CameraProfile:
    vehicles_per_hour: float
    people_per_hour: float
    free_speed_kmh: float
    analytics: float


def camera_profile(device: Device) -> CameraProfile:
    """The camera's class rates, times a stable per-camera factor (0.6-1.4): no two streets are alike."""
    vph, pph, speed, analytics = _CLASSES.get((device.ownership or "", device.camera_type or ""), _CLASSES[
        ("socialized", "fixed")])
    factor = 0.6 + 0.8 * (zlib.crc32(device.device_id.encode()) % 1000) / 1000
    return CameraProfile(vph * factor, pph * factor, speed, analytics)


def traffic_level(local: datetime) -> float:
    """How busy the streets are at local time ``local``: 1 at a working day's rush hour, about 0.05 at 4 am."""
    curve, factor = _DAYS[day_kind(local.date())]
    return profile(curve, hour_of_day(local)) * factor


def camera_counts(cam: CameraProfile, local_end: datetime, interval_s: int, rain_mm_h: float,
                  rng: np.random.Generator) -> tuple[int, int, float | None]:
    """(vehicles, people, average speed km/h or None without vehicles) over the interval ending at ``local_end``."""
    level = traffic_level(local_end - timedelta(seconds=interval_s / 2))
    hours = interval_s / 3600
    rainy = rain_mm_h > RAINY_MM_H
    vehicles = int(rng.poisson(cam.vehicles_per_hour * level * hours))
    people = int(rng.poisson(cam.people_per_hour * level * hours * (0.5 if rainy else 1.0)))
    if vehicles == 0:
        return vehicles, people, None
    speed = cam.free_speed_kmh * (1 - 0.55 * min(level, 1.0)) * (0.85 if rainy else 1.0) * rng.uniform(0.9, 1.1)
    return vehicles, people, round(float(speed), 1)


def event_rates(cam: CameraProfile, local: datetime, rain_mm_h: float) -> dict[str, float]:
    """Events per hour of each type for this camera at ``local``."""
    level = traffic_level(local)
    rush = 1.5 if is_rush_hour(local) else 1.0
    rain = 2.5 if rain_mm_h > RAINY_MM_H else 1.0
    rest_day = 1.5 if day_kind(local.date()) in (WEEKEND, HOLIDAY, TET, TET_EVE) else 1.0
    r = EVENT_RATES
    rates = {
        "traffic_violation": r["traffic_violation"] * level,
        "accident": r["accident"] * level * rush * rain,
        "crowd": r["crowd"] * level * rest_day,
        "intrusion": r["intrusion"] * max(0.0, 1.2 - level),  # at night, when nobody should be there
        "fire_smoke": r["fire_smoke"],
        "illegal_parking": r["illegal_parking"] * level,
        "littering": r["littering"] * level,
        "flooding": r["flooding"] if rain_mm_h >= HEAVY_RAIN_MM_H else 0.0,
        "other": r["other"],
    }
    return {kind: rate * cam.analytics for kind, rate in rates.items()}


def camera_events(cam: CameraProfile, local_end: datetime, interval_s: int, rain_mm_h: float,
                  rng: np.random.Generator) -> list[tuple[float, str, float]]:
    """Events in the interval ending at ``local_end``: (seconds before the end, type, confidence), oldest first."""
    rates = event_rates(cam, local_end - timedelta(seconds=interval_s / 2), rain_mm_h)
    total = sum(rates.values())
    # One Poisson draw for all types, each event's type drawn in proportion to its rate: the same independent
    # Poisson process per type (thinning), at one random draw per interval instead of one per type.
    count = int(rng.poisson(total * interval_s / 3600)) if total > 0 else 0
    if count == 0:
        return []
    kinds = list(rates)
    picks = rng.choice(len(kinds), size=count, p=[rates[k] / total for k in kinds])
    events = [(float(rng.uniform(0, interval_s)), kinds[i], round(float(rng.uniform(0.55, 0.99)), 2)) for i in picks]
    return sorted(events, key=lambda e: -e[0])
