"""Indicator-sheet values per current ward: e-citizen adoption and every other indicator. Pure.

A row's scope says where its value holds: a current ward code (``25210``), a hamlet of one (``25210/Ấp 3``), a
pre-2025 ward (``old:Thành phố Đồng Xoài/Phường Tân Phú``), or anything else (a province, a city) kept as is.
Values are stocks (people, accounts), so the value of a period is the latest one known by its end. A ward's value
is its own row; without one, the sum of its hamlets; without those, its old wards' values rolled up through the
ward mapping (split old wards by their shares).
"""

from __future__ import annotations

import re

import pandas as pd

from layers.ward_mapping import KEY, norm, shares
from pipelines.kpis.formulas import Ratio, adoption
from pipelines.kpis.periods import Period

_WARD = re.compile(r"^(?P<code>\d{5})(?:/(?P<hamlet>.+))?$")
OLD_PREFIX = "old:"
COLUMNS = ["ward", "hamlet", "indicator", "unit", "period", "value"]


def classify(scope: str) -> dict[str, str | None]:
    """ward, hamlet, old_city, old_ward of a scope string (None where it does not say)."""
    text = str(scope).strip()
    out: dict[str, str | None] = {"ward": None, "hamlet": None, "old_city": None, "old_ward": None}
    m = _WARD.match(text)
    if m:
        out["ward"], out["hamlet"] = m["code"], (m["hamlet"] or "").strip() or None
    elif text.startswith(OLD_PREFIX) and "/" in text:
        city, ward = text[len(OLD_PREFIX):].split("/", 1)
        out["old_city"], out["old_ward"] = norm(city), norm(ward)
    return out


def latest(indicators: pd.DataFrame, period: Period) -> pd.DataFrame:
    """For each (indicator, scope): the row of the latest period that ended by ``period``'s end."""
    known = indicators[pd.to_datetime(indicators["period_end"]).dt.date <= period.end]
    if known.empty:
        return known
    known = known.sort_values("period_end")
    return known.groupby(["indicator", "scope"], sort=False).tail(1).reset_index(drop=True)


def ward_values(indicators: pd.DataFrame, mapping: pd.DataFrame, period: Period) -> pd.DataFrame:
    """ward, hamlet, indicator, unit, period, value: one row per ward and indicator (hamlet None) plus the
    hamlet rows as given; rows whose scope is not a ward (a province…) have ward None and keep their scope."""
    rows = latest(indicators, period)
    if rows.empty:
        return pd.DataFrame(columns=[*COLUMNS, "scope"])
    parts = pd.DataFrame([classify(s) for s in rows["scope"]], index=rows.index)
    rows = pd.concat([rows, parts], axis=1)
    own = rows[rows["ward"].notna() & rows["hamlet"].isna()]
    hamlets = rows[rows["hamlet"].notna()]
    summed = hamlets.groupby(["ward", "indicator"], as_index=False).agg(
        unit=("unit", "first"), period=("period", "max"), value=("value", "sum"))
    old = _rolled_up(rows[rows["old_ward"].notna()], mapping)
    wards = _first_of(own.assign(rank=0), summed.assign(rank=1), old.assign(rank=2))
    other = rows[rows["ward"].isna() & rows["old_ward"].isna()].assign(ward=None, hamlet=None)
    return pd.concat([wards.assign(hamlet=None, scope=wards["ward"]), hamlets, other],
                     ignore_index=True)[[*COLUMNS, "scope"]]


def _rolled_up(old: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    if old.empty or mapping.empty:
        return pd.DataFrame(columns=["ward", "indicator", "unit", "period", "value"])
    joined = old.merge(shares(mapping), on=KEY, how="inner")
    joined["value"] = joined["value"] * joined["share"]
    return joined.groupby(["new_ward_code", "indicator"], as_index=False).agg(
        unit=("unit", "first"), period=("period", "max"), value=("value", "sum")).rename(
        columns={"new_ward_code": "ward"})


def _first_of(*frames: pd.DataFrame) -> pd.DataFrame:
    cols = ["ward", "indicator", "unit", "period", "value", "rank"]
    both = pd.concat([f[cols] for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=cols)
    return both.sort_values("rank").groupby(["ward", "indicator"], as_index=False).first().drop(columns="rank")


def rates(values: pd.DataFrame, codes: list[str] | None) -> dict[str, Ratio]:
    """Adoption rates over the wards ``codes`` (None: every ward) from :func:`ward_values`."""
    wards = values[values["ward"].notna() & values["hamlet"].isna()]
    if codes is not None:
        wards = wards[wards["ward"].isin(codes)]
    return adoption(wards.assign(scope=wards["ward"])[["scope", "indicator", "value"]])
