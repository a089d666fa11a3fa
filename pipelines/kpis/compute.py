"""From loaded inputs to counts per current ward: for the period (judged at its end or now) and per month. Pure.

Two sources give counts: dossiers (judged by :func:`pipelines.kpis.formulas.judge`) and the monthly aggregate
sheets of units that report totals only. A sheet's month of a unit counts only when that unit sent no dossiers
for that month, so a unit that sends both is never counted twice. Counts kept against pre-2025 wards are rolled
up to the current wards (:mod:`.rollup`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from pipelines.kpis import periods
from pipelines.kpis.current_wards import to_current_wards
from pipelines.kpis.formulas import counts, judge
from pipelines.kpis.indicators import COUNTS
from pipelines.kpis.periods import Period
from pipelines.kpis.targets import Target

WARD_KEYS = ["ward_code", "old_city", "old_ward"]
HISTORY_MONTHS = 12


@dataclass(frozen=True)
class KpiInputs:
    """Everything the formulas read, as loaded by :mod:`pipelines.kpis.source` (or built by a test)."""

    dossiers: pd.DataFrame       # one row per dossier: dossier_id, procedure_code, unit, ward keys, DOSSIER_COLUMNS
    reports: pd.DataFrame        # unit, ward keys, month (date), counts
    indicators: pd.DataFrame     # indicator, unit, scope, period, period_start, period_end, value
    procedures: pd.DataFrame     # code, name, field, level, online_service, fee_bearing, paper_result
    mapping: pd.DataFrame        # old_city, old_ward, new_ward_code, weight
    wards: pd.DataFrame          # code, name, province: the current wards
    targets: tuple[Target, ...] = field(default=())


@dataclass(frozen=True)
class Computed:
    inputs: KpiInputs
    period: Period
    now: datetime
    tz: ZoneInfo
    by_ward: pd.DataFrame        # ward, counts: the period, judged at its end (or now)
    monthly: pd.DataFrame        # ward, month, counts: each month judged at its own end (or now)
    to_date: pd.DataFrame        # ward, month, counts: the period's months judged like by_ward (they sum to it)

    @property
    def as_of(self) -> datetime:
        return periods.as_of(self.period, self.now, self.tz)

    @property
    def over(self) -> bool:
        return self.period.bounds(self.tz)[1] <= self.now


def window(period: Period, now: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """Local receipt dates [from, to) to load for ``period``: the period and the history its forecast needs."""
    today = now.astimezone(tz).date()
    first_open = min(period.end, periods.add_months(today, 0))
    return min(period.start, periods.add_months(first_open, -HISTORY_MONTHS)), period.end


def compute(inputs: KpiInputs, period: Period, now: datetime, tz: ZoneInfo) -> Computed:
    d = inputs.dossiers
    month = periods.local_month(d["received_at"], tz) if len(d) else pd.Series(dtype=object)
    in_period = month.map(period.contains).astype(bool) if len(d) else pd.Series(dtype=bool)
    mine = d[in_period]
    judged = judge(mine, periods.as_of(period, now, tz)) if len(mine) else _empty_counts()
    period_counts = counts(judged, mine[WARD_KEYS].assign(month=month[in_period])) if len(mine) \
        else _empty_counts([*WARD_KEYS, "month"])
    ends = month.map(lambda m: min(periods.local_midnight(periods.add_months(m, 1), tz), now))
    monthly_judged = judge(d, pd.Series(pd.to_datetime(ends.tolist(), utc=True), index=d.index)) if len(d) \
        else _empty_counts()
    keys = d[WARD_KEYS].assign(month=month)
    monthly = counts(monthly_judged, keys) if len(d) else _empty_counts([*WARD_KEYS, "month"])
    reports = _reports_without_dossiers(inputs.reports, d.assign(month=month))
    to_date = _combine(period_counts, reports[reports["month"].map(period.contains)], ["month"], inputs.mapping)
    monthly = _combine(monthly, reports, ["month"], inputs.mapping)
    by_ward = to_date.groupby("ward", dropna=False, sort=True)[list(COUNTS)].sum().reset_index()
    return Computed(inputs, period, now, tz, by_ward, monthly, to_date)


def _reports_without_dossiers(reports: pd.DataFrame, dossiers: pd.DataFrame) -> pd.DataFrame:
    if reports.empty:
        return reports.assign(month=pd.Series(dtype=object))
    sent = set(zip(dossiers["unit"], dossiers["month"], strict=True)) if len(dossiers) else set()
    keep = [(u, m) not in sent for u, m in zip(reports["unit"], reports["month"], strict=True)]
    return reports[keep]


def _combine(dossier_counts: pd.DataFrame, reports: pd.DataFrame, keys: list[str],
             mapping: pd.DataFrame) -> pd.DataFrame:
    columns = [*WARD_KEYS, *keys, *COUNTS]
    parts = [p.reindex(columns=columns) for p in (dossier_counts, reports) if len(p)]
    if not parts:
        return pd.DataFrame(columns=["ward", *keys, *COUNTS])
    both = pd.concat(parts, ignore_index=True)
    both[list(COUNTS)] = both[list(COUNTS)].fillna(0.0).astype(float)
    return to_current_wards(both, mapping, keys)


def _empty_counts(keys: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(columns=[*(keys or []), *COUNTS])


def scope_wards(wards: pd.DataFrame, scope: str | None) -> list[str] | None:
    """Codes of the current wards in ``scope`` (None or ``*``: every ward, and unmapped counts too)."""
    if scope in (None, "", "*"):
        return None
    if scope in set(wards["code"]):
        return [scope]
    found = wards.loc[wards["province"] == scope, "code"].tolist()
    if not found:
        raise KeyError(f"scope {scope!r} is neither a current ward code nor a province with wards")
    return found


def select(frame: pd.DataFrame, codes: list[str] | None) -> pd.DataFrame:
    return frame if codes is None else frame[frame["ward"].isin(codes)]
