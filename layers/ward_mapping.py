"""Old (pre-2025) wards to current wards: the mapping table and the pure roll-up of figures kept by old ward.

Apportioning a split old ward (3 of the 75 rows in the shipped mapping): an explicit ``weight`` per (old, new) row
when every row of that old ward has one, normalised to sum to 1; the weights can come from geometry with
:func:`area_weights` (share of the old ward's area inside each new ward, in metres). Without weights: an equal
split. Either way each old ward's shares sum to 1, so totals are preserved; figures of an old ward the mapping
does not know are returned as ``unmatched``, never dropped. The SQL view ``ward_mapping_share`` applies the same rule.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ioc.errors import ImportDataError
from layers.crs import metric_crs

KEY = ["old_city", "old_ward"]
COLUMNS = ["old_province", "old_city", "old_ward", "old_code", "new_ward_code", "weight"]
# column of the shipped CSV (data/boundaries/ward_mapping_pre2025_to_2025.csv) -> ours
_CSV_NAMES = {"former_province": "old_province", "former_city": "old_city", "former_ward": "old_ward",
              "former_ward_code": "old_code", "new_ward_code": "new_ward_code", "weight": "weight"}


def norm(name: object) -> str:
    """Ward and city names compared as Unicode NFC with outer spaces removed (sources mix NFC and NFD)."""
    return unicodedata.normalize("NFC", str(name)).strip()


def read_mapping(path: Path) -> pd.DataFrame:
    """The mapping CSV as :data:`COLUMNS`; ``old_code`` and ``weight`` are optional columns."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ImportDataError(f"{path}: cannot be read as CSV: {exc}") from exc
    return mapping_frame(raw.rename(columns=_CSV_NAMES), str(path.name))


def mapping_frame(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in ("old_city", "old_ward", "new_ward_code") if c not in raw.columns]
    if missing:
        raise ImportDataError(f"{source}: missing column(s) {', '.join(missing)} "
                              "(expected former_city, former_ward, new_ward_code)")
    out = pd.DataFrame({c: raw[c] if c in raw.columns else None for c in COLUMNS})
    for col in ("old_province", "old_city", "old_ward", "old_code", "new_ward_code"):
        out[col] = out[col].map(lambda v: norm(v) if v is not None and str(v).strip() else None)
    out["weight"] = pd.to_numeric(out["weight"].replace("", None), errors="coerce")
    bad = out.index[out[["old_city", "old_ward", "new_ward_code"]].isna().any(axis=1)].tolist()
    if bad:
        raise ImportDataError(f"{source}: row(s) {', '.join(str(i + 2) for i in bad[:10])} lack a city, old ward "
                              "or new ward code")
    if (out["weight"] < 0).any():
        raise ImportDataError(f"{source}: a weight is negative")
    return out.drop_duplicates(subset=[*KEY, "new_ward_code"], keep="last").reset_index(drop=True)


def shares(mapping: pd.DataFrame) -> pd.DataFrame:
    """old_city, old_ward, new_ward_code, share: the shares of each old ward sum to 1."""
    groups = mapping.groupby(KEY, sort=False)["weight"]
    n = groups.transform("size")
    weighted = (groups.transform("count") == n) & (groups.transform("sum") > 0)
    share = (mapping["weight"] / groups.transform("sum")).where(weighted, 1.0 / n)
    return mapping[[*KEY, "new_ward_code"]].assign(share=share.astype(float))


@dataclass(frozen=True)
class RollUp:
    """Figures per new ward code, and the figures whose old ward is not in the mapping."""

    by_ward: pd.Series          # index new_ward_code, float
    unmatched: pd.DataFrame     # old_city, old_ward, value

    @property
    def total(self) -> float:
        return float(self.by_ward.sum() + self.unmatched["value"].sum())


def roll_up(figures: pd.DataFrame, mapping: pd.DataFrame, value: str = "value") -> RollUp:
    """Roll figures keyed by (old_city, old_ward) up to new wards; see the module docstring for the apportioning."""
    f = pd.DataFrame({"old_city": figures["old_city"].map(norm), "old_ward": figures["old_ward"].map(norm),
                      "value": figures[value].astype(float)})
    joined = f.merge(shares(mapping), on=KEY, how="left")
    matched = joined[joined["new_ward_code"].notna()]
    by_ward = (matched["value"] * matched["share"]).groupby(matched["new_ward_code"]).sum().rename("value")
    unmatched = joined.loc[joined["new_ward_code"].isna(), [*KEY, "value"]].reset_index(drop=True)
    return RollUp(by_ward.sort_index(), unmatched)


def area_weights(mapping: pd.DataFrame, old_wards: gpd.GeoDataFrame, new_wards: gpd.GeoDataFrame) -> pd.DataFrame:
    """The mapping with ``weight`` = area (m², in the UTM zone of the new wards) of old ∩ new ward.

    ``old_wards``: old_city, old_ward, geometry; ``new_wards``: code, geometry; any CRS, converted explicitly.
    Rows whose old ward has no geometry keep their weight (so an equal split, unless one was given).
    """
    crs = metric_crs(new_wards, "new wards")
    old = old_wards.to_crs(crs).assign(old_city=lambda d: d["old_city"].map(norm),
                                       old_ward=lambda d: d["old_ward"].map(norm))
    new = new_wards.to_crs(crs).set_index("code").geometry
    old_geom = old.set_index(KEY).geometry
    out = mapping.copy()
    for i, row in out.iterrows():
        key = (row["old_city"], row["old_ward"])
        if key in old_geom.index and row["new_ward_code"] in new.index:
            out.at[i, "weight"] = float(old_geom.loc[key].intersection(new.loc[row["new_ward_code"]]).area)
    return out
