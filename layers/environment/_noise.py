"""Noise limits of QCVN 26:2010/BTNMT and the day/night levels (Ld 06–21 h, Ln 21–06 h) they are compared with.

LAeq values are levels, not amounts: they are averaged on energy (10·log10 of the mean of 10^(L/10)), never
arithmetically, so one loud hour weighs as it sounds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from ioc.data import data_path
from ioc.errors import ImportDataError

DEFAULT_FILE = "environment/noise_limits.yaml"
PERIODS = ("day", "night")


@dataclass(frozen=True, slots=True)
class NoiseLimits:
    """Limits in dB(A) per area and period; the day runs [day_from, day_to) local time, the night the rest."""

    source: str
    day_from: time
    day_to: time
    limits: Mapping[str, Mapping[str, float]]       # area → {"day": dB, "night": dB}
    names: Mapping[str, tuple[str, str]]            # area → (vi, en)

    def period(self, local: datetime) -> str:
        return "day" if self.day_from <= local.time() < self.day_to else "night"

    def limit(self, area: str, local: datetime) -> float:
        """The limit of ``area`` for the period ``local`` falls in; an unknown area is judged as a normal one."""
        return self.limits.get(area, self.limits["normal"])[self.period(local)]

    def of(self, area: str, period: str) -> float:
        return self.limits.get(area, self.limits["normal"])[period]


def _time(path: Path, field: str, text: object) -> time:
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        raise ImportDataError(f"{path}: field {field!r}: {text!r} is not a time like 06:00") from None


def parse_noise_limits(doc: Any, path: Path) -> NoiseLimits:
    if not isinstance(doc, dict) or not isinstance(doc.get("areas"), dict) or not isinstance(doc.get("day"), dict):
        raise ImportDataError(f"{path}: expected 'source', 'day: {{from, to}}' and 'areas'")
    limits, names = {}, {}
    for area, entry in doc["areas"].items():
        try:
            limits[area] = MappingProxyType({p: float(entry[p]) for p in PERIODS})
            names[area] = (str(entry["name_vi"]), str(entry["name_en"]))
        except (KeyError, TypeError, ValueError):
            raise ImportDataError(f"{path}: areas.{area}: needs numbers 'day' and 'night' (dB(A)) and "
                                  "'name_vi'/'name_en'") from None
    if "normal" not in limits:
        raise ImportDataError(f"{path}: areas: the 'normal' area is required (it judges stations without one)")
    return NoiseLimits(str(doc.get("source", "")), _time(path, "day.from", doc["day"].get("from")),
                       _time(path, "day.to", doc["day"].get("to")), MappingProxyType(limits),
                       MappingProxyType(names))


@cache
def load_noise_limits(path: Path | None = None) -> NoiseLimits:
    path = path or data_path(DEFAULT_FILE)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImportDataError(f"{path}: cannot read the noise limits: {exc}") from None
    return parse_noise_limits(doc, path)


def energy_mean(levels: Iterable[float]) -> float | None:
    """The energy average of dB levels (None for none): 60 and 70 dB average to 67.4 dB, not 65."""
    values = [v for v in levels if v is not None and math.isfinite(v)]
    if not values:
        return None
    return 10 * math.log10(sum(10 ** (v / 10) for v in values) / len(values))


def day_night_levels(laeq: pd.Series, limits: NoiseLimits) -> dict[str, float | None]:
    """Ld and Ln of a series of LAeq values (tz-aware index in local time): the energy mean of the day's and the
    night's values. Equal-length intervals are assumed (hourly or minute means)."""
    if laeq.empty:
        return {"day": None, "night": None}
    periods = [limits.period(ts.to_pydatetime()) for ts in laeq.index]
    values = laeq.to_numpy(dtype=float)
    return {p: energy_mean(v for v, q in zip(values, periods, strict=True) if q == p) for p in PERIODS}
