"""Water level at a gauge (street drain or river) from the city's rain: each storm raises it after a lag and lets it
fall back slowly. Pure: a function of the climate, the seed and the time, like the rain itself, so a gauge agrees
with the storms the stations and cameras see.

Each storm of the last days adds ``gain × its rain (mm) × r(τ)``, τ the hours since the storm's middle: r rises
linearly to 1 at the lag and recedes as exp(−(τ − lag) / recession). A drain answers within half an hour and is dry
again in a few hours; a river takes hours and recedes over a day or two, so a wet week piles up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .weather import Climate, storm


@dataclass(frozen=True, slots=True)
class Response:
    gain_cm_per_mm: float
    lag_h: float
    recession_h: float


RESPONSES = {"drain": Response(2.0, 0.5, 1.5), "river": Response(2.5, 6.0, 30.0)}


def unit_response(tau_h: float, r: Response) -> float:
    if tau_h <= 0:
        return 0.0
    if tau_h < r.lag_h:
        return tau_h / r.lag_h
    return math.exp(-(tau_h - r.lag_h) / r.recession_h)


def water_level(body: str, base_cm: float, climate: Climate, local: datetime, seed: int) -> float:
    """Level in cm above the gauge's zero at local time ``local`` (aware or naive local)."""
    r = RESPONSES[body]
    days = math.ceil((r.lag_h + 8 * r.recession_h) / 24) + 1
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rise = 0.0
    for back in range(days + 1):
        day = midnight - timedelta(days=back)
        found = storm(climate, day.date(), seed)
        if found is None:
            continue
        start, duration, intensity = found
        middle = day + timedelta(hours=start + duration / 2)
        tau = (local - middle).total_seconds() / 3600
        rise += r.gain_cm_per_mm * intensity * duration * unit_response(tau, r)
    return base_cm + rise
