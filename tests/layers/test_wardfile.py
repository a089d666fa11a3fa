"""Reading ward boundary files: the real 2025 wards, repairs, reprojection and refused features (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Polygon

from ioc.data import data_path
from ioc.errors import ImportDataError
from layers.wardfile import Fields, prepare, read_ward_file

WARDS = "boundaries/wards_2025.geojson"


def test_real_wards_read_with_default_fields_and_tay_nam_repaired() -> None:
    wf = read_ward_file(data_path(WARDS))
    assert len(wf.wards) == 23
    assert wf.reprojected_from is None
    assert wf.wards.crs.to_epsg() == 4326
    assert wf.wards.geometry.is_valid.all()
    assert set(wf.wards.geometry.geom_type) == {"MultiPolygon"}
    assert len(wf.repaired) == 1
    assert "25843" in wf.repaired[0] and "Phường Tây Nam" in wf.repaired[0] and "Self-intersection" in wf.repaired[0]
    tay_nam = wf.wards.set_index("code").loc["25843"]
    assert tay_nam["name"] == "Phường Tây Nam" and tay_nam["province"] == "Thành phố Hồ Chí Minh"
    assert tay_nam["former_city"] == "Thành phố Bến Cát"
    original = gpd.read_file(data_path(WARDS)).set_index("new_ward_code").geometry.loc["25843"]
    assert tay_nam.geometry.area == pytest.approx(original.area, rel=1e-6)   # repaired, not reshaped


def test_projected_file_is_reprojected_and_says_so(tmp_path: Path) -> None:
    original = gpd.read_file(data_path(WARDS))
    nha_trang = original[original["former_city"] == "Thành phố Nha Trang"]
    path = tmp_path / "nha_trang_utm49.gpkg"
    nha_trang.to_crs(32649).to_file(path)
    wf = read_ward_file(path)
    assert wf.reprojected_from == "EPSG:32649"
    assert wf.wards.crs.to_epsg() == 4326
    back = wf.wards.set_index("code").geometry
    for code, geom in nha_trang.set_index("new_ward_code").geometry.items():
        assert shapely.hausdorff_distance(back.loc[code], geom) < 1e-6


def test_shapefile_with_named_fields(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"ma": ["X1"], "ten": ["Phường Thử"]},
                             geometry=[Polygon([(109.1, 12.1), (109.2, 12.1), (109.2, 12.2)])], crs=4326)
    frame.to_file(tmp_path / "w.shp")
    wf = read_ward_file(tmp_path / "w.shp", Fields(code="ma", name="ten"))
    assert list(wf.wards["code"]) == ["X1"] and list(wf.wards["name"]) == ["Phường Thử"]


def test_broken_features_fail_with_their_index(tmp_path: Path) -> None:
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    features = [
        {"type": "Feature", "properties": {"code": "1", "name": "a"}, "geometry": square.__geo_interface__},
        {"type": "Feature", "properties": {"code": "2", "name": "b"}, "geometry": None},
        {"type": "Feature", "properties": {"code": "3", "name": "c"},
         "geometry": LineString([(0, 0), (1, 1)]).__geo_interface__},
        {"type": "Feature", "properties": {"code": "1", "name": "d"}, "geometry": square.__geo_interface__},
    ]
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ImportDataError) as err:
        read_ward_file(path)
    message = str(err.value)
    assert "3 feature(s) rejected, nothing imported" in message
    assert "feature 1: empty geometry" in message
    assert "feature 2: LineString is not a polygon" in message
    assert "feature 3: code 1 repeats feature 0" in message


def test_missing_code_column_names_the_columns() -> None:
    frame = gpd.GeoDataFrame({"label": ["x"]}, geometry=[Polygon([(0, 0), (1, 0), (1, 1)])], crs=4326)
    with pytest.raises(ImportDataError, match="no ward code column.*--code-field.*label"):
        prepare(frame, Fields(), "f.geojson")


def test_file_without_crs_is_refused_unless_given(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"code": ["1"], "name": ["a"]},
                             geometry=[Polygon([(303000, 1350000), (304000, 1350000), (304000, 1351000)])])
    with pytest.raises(ImportDataError, match="declares no CRS"):
        prepare(frame, Fields(), "f.shp")
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.to_file(tmp_path / "nocrs.shp")
    wf = read_ward_file(tmp_path / "nocrs.shp", assume_crs="EPSG:32649")
    assert wf.reprojected_from == "EPSG:32649"
    assert 109 < wf.wards.geometry.iloc[0].centroid.x < 110


def test_unreadable_file_is_an_import_error(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("not json")
    with pytest.raises(ImportDataError, match="cannot be read"):
        read_ward_file(path)
