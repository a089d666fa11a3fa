"""Old → new ward roll-up: the shared mapping, apportioning split wards, totals preserved in Python and in SQL."""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from ioc.data import data_path
from layers.ward_mapping import area_weights, mapping_frame, read_mapping, roll_up, shares
from layers.ward_mapping_db import import_mapping, import_mapping_file, load_mapping, roll_up_in_db

MAPPING = "boundaries/ward_mapping_pre2025_to_2025.csv"
SPLIT = {("Thành phố Hà Tĩnh", "Phường Đại Nài"): {"18652", "18073"},
         ("Thành phố Bến Cát", "Phường Mỹ Phước"): {"25813", "25840"},
         ("Thành phố Dĩ An", "Phường Tân Đông Hiệp"): {"25942", "25945"}}


@pytest.fixture(scope="module")
def mapping() -> pd.DataFrame:
    return read_mapping(data_path(MAPPING))


def test_shared_mapping_has_three_split_wards(mapping: pd.DataFrame) -> None:
    assert len(mapping) == 75
    targets = mapping.groupby(["old_city", "old_ward"])["new_ward_code"].agg(set)
    assert len(targets) == 72
    assert {k: v for k, v in targets.items() if len(v) > 1} == SPLIT
    s = shares(mapping)
    assert s.groupby(["old_city", "old_ward"])["share"].sum().round(12).eq(1).all()


def test_split_ward_is_shared_equally_without_weights(mapping: pd.DataFrame) -> None:
    figures = pd.DataFrame({"old_city": ["Thành phố Bến Cát", "Thành phố Bến Cát"],
                            "old_ward": ["Phường Mỹ Phước", "Phường Thới Hòa"], "value": [10.0, 3.0]})
    result = roll_up(figures, mapping)
    assert result.by_ward.to_dict() == {"25813": 5.0, "25840": 5.0, "25846": 3.0}
    assert result.unmatched.empty


def test_weights_apply_only_when_complete() -> None:
    raw = pd.DataFrame({"old_city": ["C", "C", "C", "C"], "old_ward": ["split", "split", "half", "half"],
                        "new_ward_code": ["N1", "N2", "N1", "N2"], "weight": ["3", "1", "5", ""]})
    s = shares(mapping_frame(raw, "t.csv")).set_index(["old_ward", "new_ward_code"])["share"]
    assert s.to_dict() == {("split", "N1"): 0.75, ("split", "N2"): 0.25, ("half", "N1"): 0.5, ("half", "N2"): 0.5}


def test_area_weights_follow_geometry_in_metres() -> None:
    raw = pd.DataFrame({"old_city": ["C", "C"], "old_ward": ["W", "W"], "new_ward_code": ["N1", "N2"]})
    old = gpd.GeoDataFrame({"old_city": ["C"], "old_ward": ["W"]}, geometry=[box(109.19, 12.24, 109.22, 12.25)],
                           crs=4326)
    new = gpd.GeoDataFrame({"code": ["N1", "N2"]}, geometry=[box(109.18, 12.23, 109.20, 12.26),
                                                             box(109.20, 12.23, 109.23, 12.26)], crs=4326)
    weighted = area_weights(mapping_frame(raw, "t.csv"), old, new)
    s = shares(weighted).set_index("new_ward_code")["share"]
    assert s["N1"] == pytest.approx(1 / 3, rel=1e-3) and s["N2"] == pytest.approx(2 / 3, rel=1e-3)


def test_names_match_whatever_the_unicode_form(mapping: pd.DataFrame) -> None:
    nfd = unicodedata.normalize("NFD", "Phường Đại Nài")
    assert nfd != "Phường Đại Nài"
    figures = pd.DataFrame({"old_city": [" Thành phố Hà Tĩnh "], "old_ward": [nfd], "value": [4.0]})
    assert roll_up(figures, mapping).by_ward.to_dict() == {"18073": 2.0, "18652": 2.0}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 80), st.floats(0, 1e6, allow_nan=False)), min_size=0, max_size=40))
def test_roll_up_preserves_totals(rows: list[tuple[int, float]]) -> None:
    mapping = read_mapping(data_path(MAPPING))
    keys = mapping[["old_city", "old_ward"]].drop_duplicates().to_numpy().tolist() + [["X", "Phường Không Có"]] * 9
    figures = pd.DataFrame([(*keys[i], v) for i, v in rows], columns=["old_city", "old_ward", "value"])
    result = roll_up(figures, mapping)
    assert result.total == pytest.approx(float(figures["value"].sum()), rel=1e-9, abs=1e-6)
    assert len(result.unmatched) == sum(1 for i, _ in rows if i >= 72)


def test_sql_roll_up_matches_python_and_keeps_unknown_wards(db: psycopg.Connection, mapping: pd.DataFrame) -> None:
    assert import_mapping_file(db, data_path(MAPPING)) == 75
    assert import_mapping_file(db, data_path(MAPPING)) == 75        # idempotent
    assert len(load_mapping(db)) == 75
    keys = mapping[["old_city", "old_ward"]].drop_duplicates()
    figures = keys.assign(value=[float(i + 1) for i in range(len(keys))])
    figures = pd.concat([figures, pd.DataFrame({"old_city": ["X"], "old_ward": ["Y"], "value": [100.0]})])
    sql_side, py_side = roll_up_in_db(db, figures), roll_up(figures, mapping)
    pd.testing.assert_series_equal(sql_side.by_ward, py_side.by_ward, check_names=False, rtol=1e-12)
    assert sql_side.unmatched["value"].tolist() == [100.0]
    assert sql_side.total == pytest.approx(float(figures["value"].sum()))
    assert len(sql_side.by_ward) == 23


def test_sql_weights_follow_the_same_rule(db: psycopg.Connection) -> None:
    raw = pd.DataFrame({"old_city": ["C", "C"], "old_ward": ["W", "W"], "new_ward_code": ["N1", "N2"],
                        "weight": [1.0, 3.0]})
    import_mapping(db, mapping_frame(raw, "w.csv"), source="w.csv")
    result = roll_up_in_db(db, pd.DataFrame({"old_city": ["C"], "old_ward": ["W"], "value": [8.0]}))
    assert result.by_ward.to_dict() == {"N1": 2.0, "N2": 6.0}
