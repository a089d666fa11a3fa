"""Every KPI of a scope and period with numerator, denominator, value, target, status and forecast. Pure.

``ioc kpis summary`` and the leaders' dashboard both call :func:`summarize`; the dashboard's cards and the CLI's
JSON are therefore the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from pipelines.kpis import adoption as adoption_mod
from pipelines.kpis import periods
from pipelines.kpis.compute import Computed, scope_wards, select
from pipelines.kpis.forecast import Forecast, MonthCounts, month_index, period_end
from pipelines.kpis.formulas import Ratio, level_mix, ratios, total
from pipelines.kpis.indicators import ADOPTION, COUNTS, INDICATORS, POINTS_MAX, Indicator
from pipelines.kpis.targets import ANY_SCOPE, Target, find, status


@dataclass(frozen=True)
class KpiLine:
    indicator: Indicator
    ratio: Ratio
    target: Target | None
    status: str | None
    forecast: Forecast | None
    points: float | None

    @property
    def key(self) -> str:
        return self.indicator.key

    def as_dict(self, lang: str) -> dict[str, Any]:
        i = self.indicator
        return {"key": i.key, "name": i.name(lang), "numerator": self.ratio.numerator,
                "denominator": self.ratio.denominator, "value": self.ratio.value,
                "numerator_counts": i.numerator, "denominator_counts": i.denominator,
                "target": self.target.as_dict() if self.target else None, "status": self.status,
                "forecast": self.forecast.as_dict() if self.forecast else None,
                "points_766": None if i.points is None else {"points": self.points, "max": i.points.most},
                "lower_is_better": i.lower_is_better, "formula": i.formula, "source": i.source}


@dataclass(frozen=True)
class Summary:
    period: periods.Period
    scope: str | None
    scope_name: str
    as_of: datetime
    over: bool
    lines: list[KpiLine]
    adoption: dict[str, Ratio]
    level_mix: list[dict[str, object]]

    def line(self, key: str) -> KpiLine:
        return next(line for line in self.lines if line.key == key)

    @property
    def points_766(self) -> float:
        return sum(line.points or 0.0 for line in self.lines)

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        adoption = [{"key": k, "name": names[1] if lang != "en" else names[2], "numerator": r.numerator,
                     "denominator": r.denominator, "value": r.value} for k, names in ADOPTION.items()
                    for r in [self.adoption[k]]]
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "as_of": self.as_of.isoformat(), "period_over": self.over,
                "scope": self.scope or ANY_SCOPE, "scope_name": self.scope_name,
                "kpis": [line.as_dict(lang) for line in self.lines],
                "points_766": {"points": self.points_766, "max": POINTS_MAX,
                               "note": "dossier indicators of Decision 766 only (50 of its 100 points)"},
                "adoption": adoption, "level_mix": self.level_mix}


def summarize(comp: Computed, scope: str | None = None) -> Summary:
    """The summary of ``scope``: None or ``*`` (every ward), a province name, or a ward code."""
    wards = comp.inputs.wards
    values = adoption_mod.ward_values(comp.inputs.indicators, comp.inputs.mapping, comp.period)
    return Summary(comp.period, None if scope in (None, "", ANY_SCOPE) else scope, _scope_name(wards, scope),
                   comp.as_of, comp.over, kpi_lines(comp, scope),
                   adoption_mod.rates(values, scope_wards(wards, scope)), level_mix(comp.inputs.procedures))


def kpi_lines(comp: Computed, scope: str | None = None, keys: tuple[str, ...] | None = None) -> list[KpiLine]:
    """The KPI lines of ``scope`` (all indicators, or those of ``keys``)."""
    codes = scope_wards(comp.inputs.wards, scope)
    rates = ratios(total(select(comp.by_ward, codes)))
    monthly = _monthly_totals(select(comp.monthly, codes))
    scopes = _target_scopes(comp.inputs.wards, scope)
    return [_line(comp, i, rates[i.key], monthly, scopes) for i in INDICATORS if keys is None or i.key in keys]


def _line(comp: Computed, ind: Indicator, ratio: Ratio, monthly: pd.DataFrame, scopes: list[str]) -> KpiLine:
    target = find(comp.inputs.targets, ind.key, comp.period.year, scopes)
    forecast = None if comp.over else _forecast(comp, ind, monthly, ratio)
    low, high = (forecast.low, forecast.high) if forecast else (None, None)
    st = status(target, ratio.value, over=comp.over, low=low, high=high)
    points = ind.points.of(ratio.value) if ind.points and ratio.value is not None else None
    return KpiLine(ind, ratio, target, st, forecast, points)


def _forecast(comp: Computed, ind: Indicator, monthly: pd.DataFrame, ratio: Ratio) -> Forecast | None:
    ahead = periods.months_ahead(comp.period, comp.now, comp.tz)
    if not ahead:
        return None
    first = ahead[0][0]
    history = [MonthCounts(month_index(m.year, m.month), float(row[ind.numerator]), float(row[ind.denominator]))
               for m, row in monthly.iterrows() if m < first]
    return period_end(history, (ratio.numerator, ratio.denominator),
                      [(month_index(m.year, m.month), share) for m, share in ahead])


def _monthly_totals(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=list(COUNTS), index=pd.Index([], dtype=object, name="month"))
    return frame.groupby("month")[list(COUNTS)].sum().sort_index()


def _target_scopes(wards: pd.DataFrame, scope: str | None) -> list[str]:
    if scope in (None, "", ANY_SCOPE):
        return [ANY_SCOPE]
    row = wards[wards["code"] == scope]
    if len(row):
        return [str(scope), str(row["province"].iloc[0]), ANY_SCOPE]
    return [str(scope), ANY_SCOPE]


def _scope_name(wards: pd.DataFrame, scope: str | None) -> str:
    if scope in (None, "", ANY_SCOPE):
        return "*"
    row = wards[wards["code"] == scope]
    return str(row["name"].iloc[0]) if len(row) else str(scope)


def monthly_series(comp: Computed, key: str, scope: str | None = None, to_date: bool = False) -> pd.DataFrame:
    """month, numerator, denominator, value of one KPI over the months loaded (history and period), each month
    judged at its own end; ``to_date``: the period's months judged like the period (they add up to it)."""
    ind = next(i for i in INDICATORS if i.key == key)
    frame = comp.to_date if to_date else comp.monthly
    monthly = _monthly_totals(select(frame, scope_wards(comp.inputs.wards, scope)))
    out = pd.DataFrame({"month": list(monthly.index), "numerator": monthly[ind.numerator].to_numpy(dtype=float),
                        "denominator": monthly[ind.denominator].to_numpy(dtype=float)})
    out["value"] = out["numerator"] / out["denominator"].where(out["denominator"] > 0)
    return out


def ward_ranking(comp: Computed, key: str, scope: str | None = None) -> pd.DataFrame:
    """One row per current ward in ``scope``: code, name, province, numerator, denominator, value, target,
    status, forecast, low, high; best first (the KPI's own direction), wards without data last."""
    codes = scope_wards(comp.inputs.wards, scope)
    wards = comp.inputs.wards if codes is None else comp.inputs.wards[comp.inputs.wards["code"].isin(codes)]
    rows = []
    for w in wards.itertuples(index=False):
        line = kpi_lines(comp, w.code, (key,))[0]
        f = line.forecast
        rows.append({"code": w.code, "name": w.name, "province": w.province, "numerator": line.ratio.numerator,
                     "denominator": line.ratio.denominator, "value": line.ratio.value,
                     "target": line.target.value if line.target else None, "status": line.status,
                     "forecast": f.value if f else None, "low": f.low if f else None, "high": f.high if f else None})
    frame = pd.DataFrame(rows, columns=["code", "name", "province", "numerator", "denominator", "value", "target",
                                        "status", "forecast", "low", "high"])
    ascending = next(i for i in INDICATORS if i.key == key).lower_is_better
    return frame.sort_values(["value", "name"], ascending=[ascending, True], na_position="last",
                             ignore_index=True)

