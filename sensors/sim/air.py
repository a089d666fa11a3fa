"""Gases and coarse dust at a full air station: PM10, NO2, CO, O3 and SO2 in µg/m³ (CO too, as the contract says).

Levels are those of a Vietnamese provincial town's roadside station: hourly NO2 20–90 and CO 0.6–3 mg/m³ rising with
the traffic's morning and evening peaks; O3 photochemical, peaking mid-afternoon (to ~140) and washed out by rain;
SO2 low (no heavy industry, 5–30); PM10 a coarse share on top of the replayed PM2.5 (PM2.5/PM10 ≈ 0.6 in Vietnamese
towns), more of it on a dry, busy road. Pure functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .clock import hour_of_day
from .traffic import traffic_level

O3_PEAK_HOUR = 14.0


@dataclass(frozen=True, slots=True)
class Gases:
    pm10: float | None
    no2: float
    o3: float
    co: float
    so2: float


def sunlight(local: datetime) -> float:
    """0 at night, 1 at the O3 peak: a cosine bell from 07:00 to 21:00 (O3 lags the sun by about two hours)."""
    x = (hour_of_day(local) - O3_PEAK_HOUR) / 7.0
    return math.cos(x * math.pi / 2) ** 2 if abs(x) < 1 else 0.0


def gases(pm25: float | None, local: datetime, rain_mm_h: float, rng: np.random.Generator) -> Gases:
    """One station's gases for the interval ending at ``local``; ``pm25`` is what it reports for PM2.5."""
    traffic = min(1.2, traffic_level(local))
    wet = rain_mm_h > 0
    jitter = float(rng.lognormal(0, 0.12))
    coarse = None if pm25 is None else pm25 * (1.45 + 0.5 * traffic) * (0.8 if wet else 1.0) * jitter
    no2 = (18 + 65 * traffic) * jitter
    co = (550 + 2300 * traffic) * float(rng.lognormal(0, 0.1))
    o3 = (22 + 115 * sunlight(local) * (0.45 if wet else 1.0)) * float(rng.lognormal(0, 0.1))
    so2 = (7 + 14 * traffic) * float(rng.lognormal(0, 0.2))
    return Gases(None if coarse is None else round(min(coarse, 2000.0), 1), round(no2, 1), round(o3, 1),
                 round(co, 0), round(so2, 1))
