"""Coverage on hand-computable cases, gap sites, and the real Nha Trang POIs (no database)."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import box

from ioc.data import data_path
from layers.coverage import CoverageSpec, coverage_areas, gaps, uncovered, ward_coverage
from layers.crs import metric_crs
from layers.wardfile import read_ward_file
from tests.layers.helpers import point_frame

UTM49 = 32649
# a 1 km square ward in Nha Trang, drawn in UTM 49N metres and handed over in EPSG:4326
SQUARE = gpd.GeoDataFrame({"code": ["SQ"], "name": ["Ô vuông"]}, geometry=[box(300_000, 1_350_000, 301_000,
                                                                                1_351_000)], crs=UTM49).to_crs(4326)


def one_camera(camera_type: str, x: float = 300_500, y: float = 1_350_500):  # -> GeoDataFrame in EPSG:4326
    return point_frame([(x, y)], crs=UTM49, device_id=["c1"], kind=["camera"], camera_type=[camera_type]).to_crs(4326)


@pytest.mark.parametrize(("camera_type", "radius"), [("fixed", 60.0), ("ptz", 150.0), ("unknown", 60.0)])
def test_one_camera_covers_pi_r_squared(camera_type: str, radius: float) -> None:
    crs = metric_crs(SQUARE, "square")
    assert crs.to_epsg() == UTM49
    areas = coverage_areas(one_camera(camera_type), CoverageSpec(), crs)
    assert areas["radius_m"].tolist() == [radius]
    table = ward_coverage(SQUARE, areas)
    circle = math.pi * radius**2
    assert table.loc[0, "covered_km2"] * 1e6 == pytest.approx(circle, rel=0.005)
    assert table.loc[0, "area_km2"] == pytest.approx(1.0, rel=1e-6)
    assert table.loc[0, "area_pct"] == pytest.approx(100 * circle / 1e6, rel=0.005)


def test_wifi_hotspot_radius_and_configurable_radii() -> None:
    hotspot = point_frame([(300_500, 1_350_500)], crs=UTM49, device_id=["w1"], kind=["wifi"]).to_crs(4326)
    areas = coverage_areas(hotspot, CoverageSpec(hotspot_radius=100.0), gpd.GeoSeries(crs=UTM49).crs)
    assert ward_coverage(SQUARE, areas).loc[0, "covered_km2"] * 1e6 == pytest.approx(math.pi * 100**2, rel=0.005)
    bigger = coverage_areas(one_camera("fixed"), CoverageSpec({"fixed": 200.0, "ptz": 300.0}), areas.crs)
    assert bigger["radius_m"].tolist() == [200.0]


def test_camera_on_the_edge_covers_half_a_circle_inside_the_ward() -> None:
    areas = coverage_areas(one_camera("fixed", x=300_000), CoverageSpec(), gpd.GeoSeries(crs=UTM49).crs)
    assert ward_coverage(SQUARE, areas).loc[0, "covered_km2"] * 1e6 == pytest.approx(math.pi * 60**2 / 2, rel=0.005)


def test_reports_and_pois_inside_coverage() -> None:
    crs = gpd.GeoSeries(crs=UTM49).crs
    areas = coverage_areas(one_camera("fixed"), CoverageSpec(), crs)
    reports = point_frame([(300_500, 1_350_550), (300_500, 1_350_559), (300_500, 1_350_570), (300_900, 1_350_900),
                           (310_000, 1_350_000)], crs=UTM49)
    table = ward_coverage(SQUARE, areas, reports=reports)
    assert (table.loc[0, "reports"], table.loc[0, "reports_covered"]) == (4, 2)
    assert table.loc[0, "reports_pct"] == pytest.approx(50.0)
    assert table.loc[0, "pois"] == 0 and math.isnan(table.loc[0, "pois_pct"])
    assert len(uncovered(reports, areas)) == 3


def test_gaps_pick_the_densest_uncovered_cluster_first() -> None:
    cluster = [(301_000 + dx, 1_352_000 + dy) for dx, dy in [(0, 0), (20, 0), (0, 20), (-20, 0), (0, -20)]]
    pair = [(305_000, 1_352_000), (305_030, 1_352_000)]
    lone = [(309_000, 1_352_000)]
    targets = point_frame(cluster + pair + lone, crs=UTM49)
    sites = gaps(targets, radius_m=60, k=5)
    assert sites["covers"].tolist() == [5, 2, 1]
    assert sites["covered_total"].tolist() == [5, 7, 8]
    assert sites.geometry.iloc[0].distance(targets.geometry.iloc[0]) < 1e-6
    assert len(gaps(targets.iloc[:0], radius_m=60)) == 0


def test_real_pois_are_counted_in_real_wards() -> None:
    wards = read_ward_file(data_path("boundaries/wards_2025.geojson")).wards
    nha_trang = wards[wards["former_city"] == "Thành phố Nha Trang"]
    pois = gpd.read_file(data_path("poi/nhatrang_poi_osm.geojson"))
    crs = metric_crs(nha_trang, "Nha Trang")
    assert crs.to_epsg() == UTM49
    first = pois.iloc[:1].assign(device_id=["c"], kind=["camera"], camera_type=["ptz"])
    table = ward_coverage(nha_trang, coverage_areas(first, CoverageSpec(), crs), pois=pois)
    assert 150 <= table["pois"].sum() <= len(pois)
    assert table["pois_covered"].sum() >= 1           # the camera stands on that POI
