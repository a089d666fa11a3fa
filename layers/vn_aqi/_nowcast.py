"""NowCast of hourly PM means for the hourly index (AQIh), Decision 1459/QĐ-TCMT.

c1 is the latest hourly mean, c12 the oldest. Over the hours present: w* = Cmin/Cmax, w = w* if w* > 0.5 else 0.5,
NowCast = Σ w^(i−1)·ci / Σ w^(i−1). With fewer than 2 of c1, c2, c3 present there is no NowCast.

An hour is *present* when it holds a finite number; None, NaN and ±inf are absent (never zero). Small negative
means, which beta-attenuation monitors report in clean air, are kept as measured: dropping them would bias the
average upwards. When no present hour is positive (Cmax ≤ 0) the ratio means nothing and w* is taken as 1.
"""

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

HOURS = 12
_MIN_RECENT = 2  # of the 3 latest hours


def _weight(cmin: float, cmax: float) -> float:
    w_star = cmin / cmax if cmax > 0 else 1.0
    return w_star if w_star > 0.5 else 0.5


def nowcast(hourly: Sequence[float | None]) -> float | None:
    """NowCast of up to 12 hourly means, ``hourly[0]`` the latest (c1); a shorter list means older hours absent."""
    if len(hourly) > HOURS:
        raise ValueError(f"NowCast takes at most {HOURS} hourly means, got {len(hourly)}")
    present = [(i, c) for i, c in enumerate(hourly) if c is not None and math.isfinite(c)]
    if sum(1 for i, _ in present if i < 3) < _MIN_RECENT:
        return None
    values = [c for _, c in present]
    w = _weight(min(values), max(values))
    return sum(w**i * c for i, c in present) / sum(w**i for i, _ in present)


def lag_matrix(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Row t holds c1…c12 for hour t of a regular hourly array (c1 = values[t]); hours before the start are NaN."""
    v = np.asarray(values, dtype=np.float64)
    out = np.full((v.size, HOURS), np.nan)
    for lag in range(min(HOURS, v.size)):
        out[lag:, lag] = v[: v.size - lag]
    return out


def nowcast_array(lags: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Vectorised :func:`nowcast` over rows of c1…c12 (see :func:`lag_matrix`); NaN where there is no NowCast."""
    c = np.asarray(lags, dtype=np.float64)
    present = np.isfinite(c)
    cmin = np.where(present, c, np.inf).min(axis=1)
    cmax = np.where(present, c, -np.inf).max(axis=1)
    ratio = np.divide(cmin, cmax, out=np.ones_like(cmin), where=cmax > 0)
    w = np.where(ratio > 0.5, ratio, 0.5)
    weights = np.where(present, w[:, None] ** np.arange(c.shape[1]), 0.0)
    num = (weights * np.where(present, c, 0.0)).sum(axis=1)
    den = weights.sum(axis=1)
    ok = present[:, :3].sum(axis=1) >= _MIN_RECENT
    return np.divide(num, den, out=np.full_like(num, np.nan), where=ok)
