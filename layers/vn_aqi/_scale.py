"""Breakpoint tables and sub-index of Decision 1459/QĐ-TCMT (VN_AQI), section on the sub-index formula."""

import math
from bisect import bisect_right
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

_I = (0, 50, 100, 150, 200, 300, 400, 500)


def _scale(*concentrations: float) -> tuple[tuple[float, int], ...]:
    return tuple(zip(concentrations, _I, strict=False))


# (BP, I) pairs in µg/m³, CO included ("10.000" in the decision is ten thousand in Vietnamese notation).
BREAKPOINTS: Mapping[str, tuple[tuple[float, int], ...]] = MappingProxyType(
    {
        "pm25": _scale(0, 25, 50, 80, 150, 250, 350, 500),
        "pm10": _scale(0, 50, 150, 250, 350, 420, 500, 600),
        "o3_1h": _scale(0, 160, 200, 300, 400, 800, 1000, 1200),
        "o3_8h": _scale(0, 100, 120, 170, 210, 400),
        "co": _scale(0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
        "so2": _scale(0, 125, 350, 550, 800, 1600, 2100, 2630),
        "no2": _scale(0, 100, 200, 700, 1200, 2350, 3100, 3850),
    }
)
POLLUTANTS: tuple[str, ...] = tuple(BREAKPOINTS)
MAX_INDEX = 500
# Float noise from the interpolation (50.4999999…) must not turn an exact half into a round-down.
_HALF_EPS = 1e-9


def mg_to_ug(mg_per_m3: float) -> float:
    """Convert a CO reading from mg/m³ (common at stations) to the µg/m³ the breakpoints use."""
    return mg_per_m3 * 1000.0


def _points(pollutant: str) -> tuple[tuple[float, int], ...]:
    try:
        return BREAKPOINTS[pollutant]
    except KeyError:
        raise ValueError(f"unknown pollutant {pollutant!r}; expected one of {', '.join(POLLUTANTS)}") from None


def sub_index(pollutant: str, concentration: float) -> float | None:
    """AQIx = (I(i+1) − I(i)) / (BP(i+1) − BP(i)) × (Cx − BP(i)) + I(i), Decision 1459/QĐ-TCMT.

    Segments touch end to end (PM2.5 25.1 → 50.2). At or above the top breakpoint the sub-index is 500, except on a
    scale that stops short of 500 (O3 8 h, top 400 µg/m³ = 300): above its top it is not used and this returns None,
    so the caller falls back on the O3 1 h scale. NaN, infinite or negative concentrations have no sub-index: None.
    """
    points = _points(pollutant)
    if not math.isfinite(concentration) or concentration < 0:
        return None
    top_c, top_i = points[-1]
    if concentration >= top_c:
        if concentration == top_c or top_i == MAX_INDEX:
            return float(top_i)
        return None
    k = bisect_right([bp for bp, _ in points], concentration) - 1
    (b0, i0), (b1, i1) = points[k], points[k + 1]
    return (i1 - i0) / (b1 - b0) * (concentration - b0) + i0


def sub_index_array(pollutant: str, concentrations: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Vectorised :func:`sub_index`; NaN where the scalar version returns None."""
    points = _points(pollutant)
    c = np.asarray(concentrations, dtype=np.float64)
    bps = np.array([bp for bp, _ in points])
    out = np.interp(c, bps, np.array([i for _, i in points], dtype=np.float64))
    if points[-1][1] == MAX_INDEX:
        out[c > bps[-1]] = MAX_INDEX
    else:
        out[c > bps[-1]] = np.nan
    out[~np.isfinite(c) | (c < 0)] = np.nan
    return out


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (50.5 → 51, 59.35 → 59), as the decision rounds AQIh and AQId.

    A value within 1e-9 below a half counts as the half, so binary float noise cannot flip an exact .5.
    """
    if not math.isfinite(x):
        raise ValueError(f"cannot round {x!r}")
    return math.floor(x + 0.5 + _HALF_EPS)


def round_half_up_array(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Vectorised :func:`round_half_up`; NaN stays NaN (the result is float so that it can hold NaN)."""
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5 + _HALF_EPS)
