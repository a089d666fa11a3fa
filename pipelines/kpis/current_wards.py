"""Counts kept against pre-2025 wards roll up to the current wards through the ward mapping. Pure.

Uses the shares of :func:`layers.ward_mapping.shares` (the rule of the SQL view ``ward_mapping_share``): an old ward's
counts go to its new ward, split by weight (or equally) when it was split. Numerator and denominator are rolled
up alike, so a split ward's rates are unchanged and every count is kept: an old ward the mapping does not know
stays under ward ``None`` ("unmapped") and still counts in the all-wards total.
"""

from __future__ import annotations

import pandas as pd

from layers.ward_mapping import KEY, norm, shares
from pipelines.kpis.indicators import COUNTS

WARD = "ward"


def to_current_wards(frame: pd.DataFrame, mapping: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """``frame`` (``ward_code`` or ``old_city``/``old_ward``, ``keys``, counts) → ``ward``, ``keys``, counts."""
    keys = list(keys or [])
    present = [c for c in COUNTS if c in frame.columns]
    direct = frame[frame["ward_code"].notna()].rename(columns={"ward_code": WARD})[[WARD, *keys, *present]]
    old = frame[frame["ward_code"].isna()]
    if len(old):
        old = old.assign(old_city=old["old_city"].map(norm), old_ward=old["old_ward"].map(norm))
        table = shares(mapping) if len(mapping) else pd.DataFrame(columns=[*KEY, "new_ward_code", "share"])
        joined = old.merge(table, on=KEY, how="left")
        joined[present] = joined[present].mul(joined["share"].fillna(1.0).astype(float), axis=0)
        old = joined.rename(columns={"new_ward_code": WARD})[[WARD, *keys, *present]]
    both = pd.concat([d for d in (direct, old) if len(d)], ignore_index=True) if len(direct) or len(old) \
        else pd.DataFrame(columns=[WARD, *keys, *present])
    both[WARD] = both[WARD].astype(object).where(both[WARD].notna(), None)
    grouped = both.groupby([WARD, *keys], dropna=False, sort=True)[present].sum()
    return grouped.astype(float).reset_index()
