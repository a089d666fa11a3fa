"""Socio-economic and sector indicators (chỉ tiêu KT-XH) with targets: definitions, values per scope, status and
forecast. Pure.

The definitions ship in ``data/kpis/socioeconomic.yaml``; any other indicator with a stored target that carries a
unit joins them (``ioc kpis set-target KEY OP VALUE --unit U``). Values come from indicator sheets, in the unit the
sheet writes (``%`` as 0–100); targets are in the same unit.

The value of a scope (a ward code, a province name, ``*``) for one sheet period: the row given for exactly that
scope when there is one; otherwise the wards of the scope, each resolved as /adoption does (own row, else its
hamlets, else its old wards), combined by the definition's ``aggregate``. A reporting period's value is the newest
sheet period that lies inside it (a year is judged by its last reported quarter; a quarter reported before it ends
counts, as /adoption counts it). While the period runs and its last month is not reported yet, its forecast is the
linear trend of the sheet periods reported so far, read at the period's last month, with the 90% prediction
interval of :mod:`pipelines.kpis.forecast` (the same code as the procedure KPIs); the status rule is
:func:`pipelines.kpis.targets.status`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import yaml

from ioc.data import data_path
from pipelines.kpis import adoption, periods
from pipelines.kpis.forecast import Forecast, MonthCounts, month_index, period_end
from pipelines.kpis.indicators import BY_KEY, POPULATION
from pipelines.kpis.targets import ANY_SCOPE, Target, find, status

DEFINITIONS = "kpis/socioeconomic.yaml"
AGGREGATES = ("mean", "sum", "adoption")
POINT_COLUMNS = ["period", "start", "end", "value", "numerator", "denominator"]


@dataclass(frozen=True)
class SocioIndicator:
    key: str
    vi: str
    en: str
    unit: str
    lower_is_better: bool
    aggregate: str = "mean"
    numerator: str | None = None      # adoption: the counted indicator (its denominator is the population)

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @property
    def percent(self) -> bool:
        return self.unit == "%"


@cache
def _file() -> dict[str, Any]:
    with data_path(DEFINITIONS).open(encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh))


def shipped() -> tuple[SocioIndicator, ...]:
    return tuple(SocioIndicator(d["key"], d["vi"], d["en"], str(d["unit"]), d["direction"] == "lower",
                                d.get("aggregate", "mean"), d.get("numerator"))
                 for d in _file()["indicators"])


def shipped_targets() -> tuple[Target, ...]:
    units = {d.key: d.unit for d in shipped()}
    return tuple(Target(t["indicator"], int(t["year"]), t["op"], float(t["value"]), str(t.get("scope", ANY_SCOPE)),
                        t.get("source", ""), units[t["indicator"]]) for t in _file()["targets"])


def demo_spec() -> dict[str, Any]:
    return dict(_file()["demo"])


def definitions(targets: Iterable[Target] = ()) -> tuple[SocioIndicator, ...]:
    """The shipped indicators, then every other indicator that has a target with a unit (not a procedure KPI)."""
    out = list(shipped())
    known = {d.key for d in out} | set(BY_KEY)
    for t in sorted(targets, key=lambda t: (t.indicator, -t.year)):
        if t.indicator not in known and t.unit:
            out.append(SocioIndicator(t.indicator, t.indicator, t.indicator, t.unit, not t.higher_is_better,
                                      "mean" if t.unit == "%" else "sum"))
            known.add(t.indicator)
    return tuple(out)


def by_key(key: str, targets: Iterable[Target] = ()) -> SocioIndicator | None:
    return next((d for d in definitions(targets) if d.key == key), None)


# -- values per scope ------------------------------------------------------------------------------------------

def scope_codes(wards: pd.DataFrame, scope: str | None) -> list[str] | None:
    """The current wards of ``scope`` (None: every ward); a scope that is no ward or province has none."""
    if scope in (None, "", ANY_SCOPE):
        return None
    if scope in set(wards["code"]):
        return [str(scope)]
    return wards.loc[wards["province"] == scope, "code"].astype(str).tolist()


Resolved = list[tuple[str, date, date, pd.DataFrame]]   # (period label, start, end, ward × indicator values)


def resolve(values: pd.DataFrame, mapping: pd.DataFrame) -> Resolved:
    """Every sheet period's rows resolved per current ward (:func:`pipelines.kpis.adoption.ward_values`: own row,
    else hamlets, else old wards), as one ward × indicator table per period: the costly step, done once for all
    the lines of a page or an API call."""
    out: Resolved = []
    for (label, start, end), same in values.groupby(["period", "period_start", "period_end"], sort=False):
        p = periods.Period(_day(start), _day(end), "any")
        per_ward = adoption.ward_values(same, mapping, p)
        own = per_ward[per_ward["ward"].notna() & per_ward["hamlet"].isna()]
        wide = own.pivot_table(index="ward", columns="indicator", values="value", aggfunc="sum")
        out.append((str(label), _day(start), _day(end), wide))
    return out


def points(ind: SocioIndicator, values: pd.DataFrame, mapping: pd.DataFrame, wards: pd.DataFrame,
           scope: str | None, resolved: Resolved | None = None) -> pd.DataFrame:
    """period, start, end, value, numerator, denominator of ``ind`` in ``scope``, one row per sheet period, oldest
    first (numerator and denominator only where the indicator is a ratio of counts the sheets give)."""
    counted = ind.key if ind.aggregate != "adoption" else ind.numerator or ""
    mine = values["indicator"] == counted
    if not mine.any():
        return pd.DataFrame(columns=POINT_COLUMNS)
    own = values[(values["scope"] == (scope or ANY_SCOPE)) & (values["indicator"] == ind.key)]
    if len(own):
        out = own.assign(start=own["period_start"], end=own["period_end"], numerator=None, denominator=None)
        return _sorted(out[POINT_COLUMNS])
    codes = scope_codes(wards, scope)
    if codes == []:
        return pd.DataFrame(columns=POINT_COLUMNS)
    if resolved is None:
        resolved = resolve(values[mine | (values["indicator"] == POPULATION)], mapping)
    found = []
    for label, start, end, wide in resolved:
        point = _combine(ind, counted, wide if codes is None else wide[wide.index.isin(codes)])
        if point is not None:
            found.append({"period": label, "start": start, "end": end, **point})
    return _sorted(pd.DataFrame(found, columns=POINT_COLUMNS))


def _combine(ind: SocioIndicator, counted: str, wide: pd.DataFrame) -> dict[str, Any] | None:
    """One value from the wards' ``wide`` table (ward × indicator) by the indicator's aggregate."""
    if counted not in wide.columns:
        return None
    people = wide[POPULATION] if POPULATION in wide.columns else pd.Series(index=wide.index, dtype=float)
    if ind.aggregate == "adoption":       # the /adoption rule: wards that report both, Σ numerator ÷ Σ population
        both = pd.DataFrame({"n": wide[counted], "d": people}).dropna()
        if both.empty or both["d"].sum() <= 0:
            return None
        num, den = float(both["n"].sum()), float(both["d"].sum())
        return {"value": 100 * num / den, "numerator": num, "denominator": den}
    mine = wide[counted].dropna().astype(float)
    if mine.empty:
        return None
    if ind.aggregate == "sum":
        return {"value": float(mine.sum()), "numerator": None, "denominator": None}
    weights = people.reindex(mine.index)
    if weights.notna().all() and weights.sum() > 0:
        return {"value": float((mine * weights).sum() / weights.sum()), "numerator": None, "denominator": None}
    return {"value": float(mine.mean()), "numerator": None, "denominator": None}


def _day(value: object) -> date:
    return pd.Timestamp(value).date()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["end", "start"], ignore_index=True)


# -- one indicator's line: value, target, status, forecast ------------------------------------------------------

@dataclass(frozen=True)
class SocioLine:
    indicator: SocioIndicator
    value: float | None
    numerator: float | None
    denominator: float | None
    value_period: str | None        # the sheet period the value comes from
    target: Target | None
    status: str | None
    forecast: Forecast | None
    points: pd.DataFrame            # every sheet period of the scope (the trend chart's points)

    @property
    def key(self) -> str:
        return self.indicator.key

    def as_dict(self, lang: str) -> dict[str, Any]:
        i = self.indicator
        return {"key": i.key, "name": i.name(lang), "kind": "socio_economic", "unit": i.unit,
                "numerator": self.numerator, "denominator": self.denominator, "value": self.value,
                "value_period": self.value_period, "target": self.target.as_dict() if self.target else None,
                "status": self.status, "forecast": self.forecast.as_dict() if self.forecast else None,
                "points_766": None, "lower_is_better": i.lower_is_better}


def line(ind: SocioIndicator, pts: pd.DataFrame, targets: Sequence[Target], target_scopes: Sequence[str],
         period: periods.Period, now: datetime, tz: ZoneInfo) -> SocioLine:
    over = period.bounds(tz)[1] <= now
    inside = pts[(pts["start"] >= period.start) & (pts["end"] <= period.end)]
    last = inside.iloc[-1] if len(inside) else None
    value = None if last is None else float(last["value"])
    target = find(targets, ind.key, period.year, target_scopes)
    forecast = None if over else trend_forecast(ind, pts[pts["end"] <= period.end], period, target)
    low, high = (forecast.low, forecast.high) if forecast else (None, None)
    return SocioLine(ind, value, _num(last, "numerator"), _num(last, "denominator"),
                     None if last is None else str(last["period"]), target,
                     status(target, value, over=over, low=low, high=high), forecast, pts)


def _num(row: pd.Series | None, col: str) -> float | None:
    return None if row is None or row[col] is None or pd.isna(row[col]) else float(row[col])


def scale_of(ind: SocioIndicator, pts: pd.DataFrame, target: Target | None) -> float:
    """What maps the indicator's values to [0, 1] for the forecast (which clips to that range): 100 for a
    percentage, else twice the largest value or target seen (a count cannot go below 0)."""
    if ind.percent:
        return 100.0
    seen = [abs(float(v)) for v in pts["value"]] + ([abs(target.value)] if target else [])
    return max(2.0 * max(seen, default=0.0), 1.0)


def trend_forecast(ind: SocioIndicator, history: pd.DataFrame, period: periods.Period,
                   target: Target | None) -> Forecast | None:
    """The value at the period's last month on the trend of the sheet periods reported so far (each placed at
    its own last month; at most 12, at least 3), with its 90% prediction interval; None with too little, or when
    the period's last month is reported already."""
    if history.empty:
        return None
    scale = scale_of(ind, history, target)
    last_month = periods.add_months(period.end, -1)
    at = [month_index(*_ym(periods.add_months(e, -1))) for e in history["end"]]
    past = [MonthCounts(m, float(v) / scale, 1.0) for m, v in zip(at, history["value"], strict=True)]
    ahead = month_index(last_month.year, last_month.month)
    if not past or ahead <= past[-1].month:
        return None
    f = period_end(past, (0.0, 0.0), [(ahead, 1.0)])
    if f is None:
        return None
    return Forecast(f.value * scale, f.low * scale, f.high * scale, f.months_used, f.slope * scale, f.level)


def _ym(day: date) -> tuple[int, int]:
    return day.year, day.month


def target_scopes(wards: pd.DataFrame, scope: str | None) -> list[str]:
    """Where a target for ``scope`` may come from, the most specific first: the ward, its province, ``*``."""
    if scope in (None, "", ANY_SCOPE):
        return [ANY_SCOPE]
    row = wards[wards["code"] == scope]
    if len(row):
        return [str(scope), str(row["province"].iloc[0]), ANY_SCOPE]
    return [str(scope), ANY_SCOPE]


def lines(values: pd.DataFrame, mapping: pd.DataFrame, wards: pd.DataFrame, targets: Sequence[Target],
          scope: str | None, period: periods.Period, now: datetime, tz: ZoneInfo,
          keys: Sequence[str] | None = None) -> list[SocioLine]:
    """Every socio-economic line of ``scope`` and ``period`` (or those of ``keys``)."""
    where = target_scopes(wards, scope)
    wanted = [d for d in definitions(targets) if keys is None or d.key in keys]
    counted = {d.numerator or "" if d.aggregate == "adoption" else d.key for d in wanted} | {POPULATION}
    resolved = resolve(values[values["indicator"].isin(counted)], mapping)
    return [line(d, points(d, values, mapping, wards, scope, resolved), targets, where, period, now, tz)
            for d in wanted]
