"""Free-wifi hotspots (with their access points) and environment stations of a generated fleet."""

from __future__ import annotations

from dataclasses import dataclass

from ._model import BASIC_MEASURES, Device, Hotspot, Station
from ._places import Poi, Ward
from ._placing import Placer


@dataclass(frozen=True)
class _Spec:
    place: str
    name: str
    aps: int
    capacity: int
    opens: str
    closes: str
    season: tuple[int, ...] = ()


# A city without places (Đồng Xoài): the provincial square, the market and the hospital, plus seasonal points
# for Tết (Jan-Feb), the 30/4-1/5 holidays and National Day / Mid-Autumn (Sep).
def _drawn_specs(city_name: str) -> list[_Spec]:
    return [
        _Spec("square", "Quảng trường tỉnh", 6, 80, "05:00", "23:00"),
        _Spec("market", f"Chợ {city_name}", 4, 60, "04:30", "19:00"),
        _Spec("hospital", "Bệnh viện Đa khoa tỉnh", 4, 50, "00:00", "24:00"),
        _Spec("seasonal", "Điểm wifi mùa lễ hội Tết", 2, 60, "06:00", "23:00", (1, 2)),
        _Spec("seasonal", "Điểm wifi lễ 30/4 – 1/5", 2, 60, "06:00", "23:00", (4, 5)),
        _Spec("seasonal", "Điểm wifi lễ Quốc khánh", 2, 60, "06:00", "23:00", (9,)),
    ]


# Paid mud baths and resorts, and an offshore island, are attractions but not public squares.
_NOT_PUBLIC = ("bath", "bùn", "resort", "island")


def _place_spec(poi: Poi) -> _Spec | None:
    """A hotspot at a real place: squares and parks, markets, hospitals; beaches run in the tourist season."""
    name = poi.name.lower()
    if poi.fclass == "attraction" and any(word in name for word in _NOT_PUBLIC):
        return None
    if poi.fclass == "attraction" and "beach" in name:
        return _Spec("seasonal", poi.name, 2, 80, "05:00", "22:00", (4, 5, 6, 7, 8))
    if poi.fclass == "attraction":
        return _Spec("square", poi.name, 3, 60, "05:00", "23:00")
    if poi.fclass == "mall" or name.startswith("chợ"):
        return _Spec("market", poi.name, 3, 60, "05:00", "21:00" if poi.fclass == "mall" else "19:00")
    if poi.fclass == "hospital":
        return _Spec("hospital", poi.name, 3, 50, "00:00", "24:00")
    return None


def hotspots_and_aps(prefix: str, city: str, placer: Placer,
                     places: list[tuple[Poi, Ward]]) -> tuple[tuple[Hotspot, ...], list[Device]]:
    sites: list[tuple[_Spec, float, float, Ward, str | None]] = []
    if places:
        for poi, ward in places:
            spec = _place_spec(poi)
            if spec is not None:
                sites.append((spec, round(poi.lon, 6), round(poi.lat, 6), ward, f"osm:{poi.osm_id}"))
    else:
        for spec in _drawn_specs(placer.wards[0].city_name):
            lon, lat, ward = placer.near_centre(800.0)
            sites.append((spec, lon, lat, ward, None))
    spots: list[Hotspot] = []
    aps: list[Device] = []
    for number, (spec, lon, lat, ward, ref) in enumerate(sites, start=1):
        spot = Hotspot(f"{prefix}-hs-{number:02d}", spec.name, spec.place, lon, lat, spec.opens, spec.closes,
                       spec.season, spec.capacity, ref)
        spots.append(spot)
        for ap in range(1, spec.aps + 1):
            ap_lon, ap_lat = placer.beside(lon, lat, ward, max_m=60.0)
            aps.append(Device(f"{prefix}-ap-{len(aps) + 1:03d}", "wifi", f"Wifi {spec.name} – AP{ap}", ap_lon, ap_lat,
                              ward=ward.code, hotspot=spot.hotspot_id, poi=ref))
    return tuple(spots), aps


# City climate and how clean its air is next to Hanoi's (the replayed series): a coastal city is cleaner.
_CLIMATE = {
    "Dong Xoai": {"scale": 0.6, "temp": 27.5, "amp": 5.0, "rh": 0.78},
    "Nha Trang": {"scale": 0.45, "temp": 27.0, "amp": 3.5, "rh": 0.77},
}
_DEFAULT_CLIMATE = {"scale": 0.55, "temp": 27.5, "amp": 4.0, "rh": 0.78}
_STATION_PLACES = ("university", "museum", "hospital", "attraction")
_GASES = ("pm10", "no2", "o3", "co", "so2")
# QCVN 26:2010/BTNMT's special areas include hospitals and schools: a station beside one is judged on 55/45 dB(A)
_QUIET_PLACES = ("hospital", "university")
# What each station carries, by its number (deterministic: the generator's random draws stay as they were):
# two full air stations by the main roads, one by the market with a gauge on the street drain, one with a river gauge.
# noise_db is added to the drawn base: a roadside microphone hears more than one in a residential lane.
_KITS: dict[int, dict[str, object]] = {
    1: {"extra": _GASES, "noise_site": "road", "noise_db": 12.0},
    2: {"extra": ("water_level",), "noise_site": "market", "noise_db": 5.0, "water_body": "drain",
        "water_base_cm": 12.0, "water_levels_cm": (40.0, 60.0, 80.0)},
    3: {"extra": _GASES, "noise_site": "road", "noise_db": 10.0},
    4: {"extra": ("water_level",), "noise_site": "residential", "noise_db": -2.0, "water_body": "river",
        "water_base_cm": 150.0, "water_levels_cm": (300.0, 350.0, 400.0)},
}


def _kit(number: int, poi: Poi | None) -> dict[str, object]:
    """The extra fields of station ``number`` (see _KITS); a station beside a hospital or university is special."""
    kit = dict(_KITS.get(number, {"extra": (), "noise_site": "road", "noise_db": 4.0}))
    extra, noise_db = kit.pop("extra"), kit.pop("noise_db")
    assert isinstance(extra, tuple) and isinstance(noise_db, float)
    kit["measures"] = (*BASIC_MEASURES, *extra)
    kit["noise_db"] = noise_db
    if poi is not None and poi.fclass in _QUIET_PLACES:
        kit["noise_area"] = "special"
    return kit


def stations(prefix: str, city: str, placer: Placer, places: list[tuple[Poi, Ward]],
             count: int | None) -> list[Device]:
    """A handful of stations (4, or 5 where there are places to put them), each declaring its PM2.5 replay."""
    climate = _CLIMATE.get(city, _DEFAULT_CLIMATE)
    rng = placer.rng
    anchors = [pw for pw in places if pw[0].fclass in _STATION_PLACES]
    rng.shuffle(anchors)
    count = count if count is not None else (5 if anchors else 4)
    devices = []
    for number in range(1, count + 1):
        if anchors:
            poi, ward = anchors[(number - 1) % len(anchors)]
            lon, lat = placer.beside(poi.lon, poi.lat, ward, max_m=30.0)
            where, poi_ref, kit = poi.name, f"osm:{poi.osm_id}", _kit(number, poi)
        else:
            lon, lat, ward = placer.near_centre(1500.0)
            where, poi_ref, kit = ward.name, None, _kit(number, None)
        noise_db = kit.pop("noise_db")
        assert isinstance(noise_db, float)
        station = Station(
            pm25_year=rng.choice((2016, 2017, 2018)),
            pm25_shift_hours=rng.randint(-6, 6),
            pm25_scale=round(climate["scale"] * rng.uniform(0.85, 1.15), 2),
            temp_mean_c=round(climate["temp"] + rng.uniform(-0.5, 0.5), 1),
            temp_amplitude_c=climate["amp"],
            humidity_mean=climate["rh"],
            noise_base_db=round(rng.uniform(50, 60) + noise_db, 1),
            **kit,  # type: ignore[arg-type]
        )
        devices.append(Device(f"{prefix}-env-{number:02d}", "env", f"Trạm quan trắc {number:02d} – {where}", lon, lat,
                              ward=ward.code, station=station, poi=poi_ref))
    return devices
