"""Public wifi access points: clients follow the place's opening hours and daily rhythm, peak on weekends, and
peak highest at Tết (squares on the eve and the first days, markets in the week before). Pure functions."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

import numpy as np

from sensors.fleet import Device, Hotspot

from .clock import HOLIDAY, PRE_TET, TET, TET_EVE, WEEKDAY, WEEKEND, clock_minutes, day_kind, hour_of_day, profile

_SQUARE = ((0, 0.05), (5, 0.05), (6, 0.3), (8, 0.15), (11, 0.1), (15, 0.15), (17, 0.4), (19, 0.8), (21, 0.9),
           (22.5, 0.4), (24, 0.05))
_CURVES = MappingProxyType({
    "square": _SQUARE,
    "seasonal": _SQUARE,
    "market": ((0, 0.0), (4.5, 0.2), (6, 0.9), (8, 1.0), (10, 0.6), (12, 0.3), (15, 0.4), (17, 0.7), (19, 0.2),
               (24, 0.0)),
    "hospital": ((0, 0.1), (6, 0.3), (7, 0.8), (9, 1.0), (11, 0.8), (13, 0.5), (14, 0.7), (16, 0.6), (18, 0.3),
                 (22, 0.15), (24, 0.1)),
})
# How a day kind scales each place (square, market, hospital, seasonal).
_DAY_FACTORS: Mapping[str, tuple[float, float, float, float]] = MappingProxyType({
    WEEKDAY: (1.0, 1.0, 1.0, 1.0),
    WEEKEND: (1.6, 1.3, 0.5, 1.6),
    HOLIDAY: (1.8, 1.2, 0.5, 1.8),
    PRE_TET: (1.2, 1.8, 0.9, 1.5),
    TET_EVE: (3.0, 1.5, 0.5, 3.0),
    TET: (2.5, 0.2, 0.4, 2.5),
})
_PLACE_INDEX = MappingProxyType({"square": 0, "market": 1, "hospital": 2, "seasonal": 3})
SESSION_S = 1500.0  # a visitor stays on the hotspot about 25 minutes
DOWN_BYTES_PER_CLIENT_S = 25_000.0
UP_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class ApProfile:
    place: str
    opens_min: int
    closes_min: int
    season_months: tuple[int, ...]
    capacity: float  # clients at the busiest hour of a weekday, for this access point


def ap_profile(device: Device, hotspot: Hotspot) -> ApProfile:
    factor = 0.8 + 0.4 * (zlib.crc32(device.device_id.encode()) % 1000) / 1000  # busier and quieter corners
    return ApProfile(hotspot.place, clock_minutes(hotspot.opens), clock_minutes(hotspot.closes),
                     hotspot.season_months, hotspot.capacity * factor)


def is_open(ap: ApProfile, local: datetime) -> bool:
    """Within the season (if any) and the opening hours; ``closes`` before ``opens`` means open past midnight."""
    if ap.season_months and local.month not in ap.season_months:
        return False
    minute = local.hour * 60 + local.minute
    if ap.opens_min <= ap.closes_min:
        return ap.opens_min <= minute < ap.closes_min
    return minute >= ap.opens_min or minute < ap.closes_min


def occupancy(ap: ApProfile, local: datetime) -> float:
    """Expected clients as a share of capacity (above 1 on busy days); 0 when closed."""
    if not is_open(ap, local):
        return 0.0
    curve = _CURVES.get(ap.place, _SQUARE)
    day = _DAY_FACTORS[day_kind(local.date())][_PLACE_INDEX.get(ap.place, 0)]
    return profile(curve, hour_of_day(local)) * day


def wifi_sample(ap: ApProfile, local_end: datetime, interval_s: int,
                rng: np.random.Generator) -> tuple[int, int, int, int]:
    """(clients now, new sessions, bytes up, bytes down) for the interval ending at ``local_end``."""
    clients = int(rng.poisson(ap.capacity * occupancy(ap, local_end)))
    mean_clients = ap.capacity * occupancy(ap, local_end - timedelta(seconds=interval_s / 2))
    new_sessions = int(rng.poisson(mean_clients * interval_s / SESSION_S))
    down = int(mean_clients * interval_s * DOWN_BYTES_PER_CLIENT_S * rng.lognormal(0.0, 0.3))
    up = int(down * UP_SHARE * rng.uniform(0.7, 1.3))
    return min(clients, 10_000), new_sessions, up, down
