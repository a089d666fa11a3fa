"""fleet generate: the shipped demo fleets are what the generator makes from the shared data, in the right mix,
inside their real ward polygons, and (Nha Trang) beside real places."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import orjson
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape

from ioc.data import data_path
from sensors.fleet import CameraMix, Fleet, generate, load

NT_CAMERAS = 318


@pytest.fixture(scope="module")
def wards() -> dict[str, shapely.Geometry]:
    doc = orjson.loads(data_path("boundaries/wards_2025.geojson").read_bytes())
    return {f["properties"]["new_ward_code"]: shapely.make_valid(shape(f["geometry"])) for f in doc["features"]}


@pytest.fixture(scope="module")
def pois() -> dict[str, dict[str, object]]:
    doc = orjson.loads(data_path("poi/nhatrang_poi_osm.geojson").read_bytes())
    return {f"osm:{f['properties']['osm_id']}": {**f["properties"], "xy": f["geometry"]["coordinates"]}
            for f in doc["features"]}


@pytest.fixture(scope="module")
def dong_xoai() -> Fleet:
    return load(data_path("fleets/dong_xoai.yaml"))


@pytest.fixture(scope="module")
def nha_trang() -> Fleet:
    return load(data_path("fleets/nha_trang.yaml"))


def test_the_shipped_fleets_are_the_seeded_generator_output(dong_xoai: Fleet, nha_trang: Fleet) -> None:
    assert generate("Dong Xoai") == dong_xoai
    assert generate("Nha Trang", cameras=NT_CAMERAS) == nha_trang
    assert generate("Nha Trang", cameras=NT_CAMERAS, seed=7) != nha_trang


def _mix(fleet: Fleet) -> Counter[tuple[str | None, str | None]]:
    return Counter((d.ownership, d.camera_type) for d in fleet.of_kind("camera"))


def test_dong_xoai_has_its_real_camera_mix_hotspots_and_stations(dong_xoai: Fleet) -> None:
    assert _mix(dong_xoai) == {("budget", "fixed"): 205, ("budget", "ptz"): 1, ("socialized", "fixed"): 526,
                               ("citizen_shared", "fixed"): 327}
    places = Counter(h.place for h in dong_xoai.hotspots)
    assert places == {"square": 1, "market": 1, "hospital": 1, "seasonal": 3}
    assert all(h.season_months for h in dong_xoai.hotspots if h.place == "seasonal")
    aps = Counter(d.hotspot for d in dong_xoai.of_kind("wifi"))
    assert set(aps) == {h.hotspot_id for h in dong_xoai.hotspots} and min(aps.values()) >= 2
    stations = dong_xoai.of_kind("env")
    assert 3 <= len(stations) <= 6 and all(d.station is not None for d in stations)


def test_nha_trang_keeps_the_proportions(nha_trang: Fleet) -> None:
    mix = _mix(nha_trang)
    assert sum(mix.values()) == NT_CAMERAS and mix[("budget", "ptz")] == 1
    default = CameraMix()
    for (ownership, kind), count in mix.items():
        if kind == "fixed":
            assert abs(count - (NT_CAMERAS - 1) * getattr(default, ownership or "") / (default.total - 1)) < 1


@pytest.mark.parametrize("total", [0, 1, 2, 5, 50, 318, 1059, 9976])
def test_camera_mix_scales_exactly(total: int) -> None:
    mix = CameraMix().scaled(total)
    assert mix.total == total and mix.ptz == min(1, total)
    assert CameraMix().scaled(1059) == CameraMix()


def test_every_device_and_hotspot_lies_inside_its_ward(dong_xoai: Fleet, nha_trang: Fleet,
                                                       wards: dict[str, shapely.Geometry]) -> None:
    for fleet, city_wards in ((dong_xoai, {"25195", "25210"}), (nha_trang, {"22333", "22402", "22366", "22390"})):
        assert {d.ward for d in fleet.devices} <= city_wards
        outside = [d.device_id for d in fleet.devices if not wards[d.ward or ""].contains(Point(d.lon, d.lat))]
        assert outside == []
        for spot in fleet.hotspots:
            assert any(wards[code].contains(Point(spot.lon, spot.lat)) for code in city_wards), spot.hotspot_id


def test_dong_xoai_is_denser_near_the_core(dong_xoai: Fleet, wards: dict[str, shapely.Geometry]) -> None:
    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)  # UTM 48N: Đồng Xoài
    city = shapely.transform(shapely.union(wards["25195"], wards["25210"]), to_utm.transform, interleaved=False)
    cams = [Point(to_utm.transform(d.lon, d.lat)) for d in dong_xoai.of_kind("camera")]
    ptz = next(p for p, d in zip(cams, dong_xoai.of_kind("camera"), strict=True) if d.camera_type == "ptz")
    core = ptz.buffer(3000).intersection(city)
    inside = sum(core.contains(p) for p in cams)
    density_in, density_out = inside / core.area, (len(cams) - inside) / (city.area - core.area)
    assert density_in > 3 * density_out


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return 6_371_000 * math.hypot(math.radians(a[0] - b[0]) * math.cos(lat), math.radians(a[1] - b[1]))


def test_nha_trang_cameras_sit_at_real_places(nha_trang: Fleet, pois: dict[str, dict[str, object]]) -> None:
    allowed = {"budget": {"police", "supermarket", "mall", "hospital", "attraction", "museum", "university"},
               "socialized": {"hotel", "resort", "restaurant", "bar", "pub", "mall", "supermarket", "convenience"},
               "citizen_shared": {"cafe", "fast_food", "convenience", "buddhist", "restaurant", "hotel"}}
    for cam in nha_trang.of_kind("camera"):
        poi = pois[cam.poi or ""]
        assert _metres((cam.lon, cam.lat), tuple(poi["xy"])) <= 41, cam.device_id  # type: ignore[arg-type]
        assert poi["fclass"] in allowed[cam.ownership or ""], cam.device_id
        assert str(poi["name"]) in cam.name
    ptz = next(d for d in nha_trang.of_kind("camera") if d.camera_type == "ptz")
    assert pois[ptz.poi or ""]["fclass"] == "police"
    watched = {d.poi for d in nha_trang.of_kind("camera")}
    police = {key for key, p in pois.items() if p["fclass"] == "police"}
    markets = {key for key, p in pois.items() if str(p["name"]).startswith("Chợ")}
    assert police <= watched and markets <= watched


def test_nha_trang_hotspots_are_at_squares_markets_and_hospitals(nha_trang: Fleet,
                                                                  pois: dict[str, dict[str, object]]) -> None:
    by_place = Counter(h.place for h in nha_trang.hotspots)
    assert by_place["square"] >= 1 and by_place["market"] >= 1 and by_place["hospital"] >= 1
    for spot in nha_trang.hotspots:
        poi = pois[spot.poi or ""]
        assert (spot.lon, spot.lat) == (round(poi["xy"][0], 6), round(poi["xy"][1], 6))  # type: ignore[index]
        assert spot.name == poi["name"]
    hospitals = {key for key, p in pois.items() if p["fclass"] == "hospital"}
    assert hospitals <= {h.poi for h in nha_trang.hotspots}


def test_ids_are_readable_unique_and_valid(dong_xoai: Fleet, nha_trang: Fleet) -> None:
    ids = [d.device_id for d in (*dong_xoai.devices, *nha_trang.devices)]
    assert len(ids) == len(set(ids))
    assert {i.split("-")[0] for i in ids} == {"dx", "nt"}
    assert {i.split("-")[1] for i in ids} == {"cam", "ap", "env", "lamp", "lcab"}


@pytest.mark.parametrize("city", ["dong_xoai", "nha_trang"])
def test_lamps_line_streets_fed_by_a_cabinet_each(city: str, request: pytest.FixtureRequest) -> None:
    fleet: Fleet = request.getfixturevalue(city)
    lights = fleet.of_kind("light")
    cabinets = {d.device_id: d for d in lights if d.light is not None and d.light.device_type == "cabinet"}
    lamps = [d for d in lights if d.light is not None and d.light.device_type == "lamp"]
    assert len(cabinets) >= 6 and len(lamps) >= 150
    assert all(lamp.light is not None and lamp.light.cabinet in cabinets for lamp in lamps)
    # poles every ~35 m: neighbours on one street are 30..45 m apart (alternating sides adds a little)
    street = [d for d in lamps if d.light is not None and d.light.cabinet == next(iter(cabinets))]
    gaps = [_metres((a.lon, a.lat), (b.lon, b.lat)) for a, b in itertools.pairwise(street)]
    assert gaps and all(25 < g < 50 for g in gaps), gaps
