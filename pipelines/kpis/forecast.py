"""Will the target be met? A linear trend of the monthly rate, projected to the period's end, with an interval. Pure.

Model: the monthly rate y_m = a + b·m + ε (ordinary least squares over the last complete months, at most 12, at
least 3; each month judged at its own end). What is still to come is the rest of the current month and the
months after it, up to the period's end: k = Σ w_m months, where w_m is 1 for a future month and the part not yet
elapsed for the current one. They are expected to bring the average monthly denominator D̄ of the fitted months,
at the trend's rate. With Q the w-weighted mean of those months' rates and N, D the period's counts so far (judged
now), the period-end value is

    R = (N + Q·k·D̄) / (D + k·D̄)

The interval is a 90% prediction interval for Q: Q̂ ± t(0.95, n−2) · s · √(Σw²/k² + g'(X'X)⁻¹g), where s is the
residual standard error and g the w-weighted mean regressor (1, m) of the months to come; R is computed at both
ends and clipped to [0, 1]. The t quantiles come from a table (no SciPy needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.90
MIN_MONTHS = 3
MAX_MONTHS = 12
# one-sided 0.95 quantiles of Student's t by degrees of freedom; beyond the table the normal 1.645
_T95 = (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
        1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697)


@dataclass(frozen=True)
class MonthCounts:
    month: int            # months since year 0: year × 12 + month − 1
    numerator: float
    denominator: float


@dataclass(frozen=True)
class Forecast:
    value: float
    low: float
    high: float
    months_used: int
    slope: float          # change of the monthly rate per month
    level: float = LEVEL

    def as_dict(self) -> dict[str, float | int]:
        return {"value": self.value, "low": self.low, "high": self.high, "level": self.level,
                "months_used": self.months_used, "slope_per_month": self.slope}


def t95(df: int) -> float:
    return _T95[df - 1] if 1 <= df <= len(_T95) else 1.645


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def period_end(history: Sequence[MonthCounts], observed: tuple[float, float],
               remaining: Sequence[tuple[int, float]]) -> Forecast | None:
    """The period-end value from ``history`` (complete months, oldest first), the period's counts so far
    ``observed`` (numerator, denominator) and the (month index, share still to come) of the months ahead.
    None: nothing to forecast."""
    usable = [h for h in history if h.denominator > 0][-MAX_MONTHS:]
    weights = np.array([w for _m, w in remaining], dtype=float)
    if not remaining or weights.sum() <= 0 or len(usable) < MIN_MONTHS:
        return None
    k = float(weights.sum())
    x = np.array([h.month for h in usable], dtype=float)
    y = np.array([h.numerator / h.denominator for h in usable])
    design = np.column_stack([np.ones_like(x), x - x.mean()])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    dof = len(usable) - 2
    s = float(np.sqrt(resid @ resid / dof)) if dof > 0 else 0.0
    ahead = np.array([m for m, _w in remaining], dtype=float)
    g = np.array([1.0, float(weights @ (ahead - x.mean()) / k)])
    q_hat = float(g @ coef)
    se = s * float(np.sqrt(weights @ weights / k**2 + g @ np.linalg.inv(design.T @ design) @ g))
    half = t95(max(dof, 1)) * se
    d_future = k * float(np.mean([h.denominator for h in usable]))

    def end_value(q: float) -> float:
        q = min(max(q, 0.0), 1.0)
        return (observed[0] + q * d_future) / (observed[1] + d_future)

    return Forecast(end_value(q_hat), end_value(q_hat - half), end_value(q_hat + half), len(usable),
                    float(coef[1]))
