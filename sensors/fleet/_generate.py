"""``fleet generate``: a city's demo fleet from the real 2025 ward polygons and, where the shipped data has them, the
real places of the city (Nha Trang). Seeded: the same inputs give the same file.

Cameras: Đồng Xoài's mix by default (205 city-owned smart cameras, 1 PTZ, 526 socialized, 327 shared by
residents), scaled to another total with ``cameras=``. Without places, cameras are drawn inside the wards with a
density that falls off from the urban core; with places, each camera stands beside a real place of its class.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ioc.data import data_path

from ._lighting import lighting
from ._model import Device, Fleet
from ._places import POI_FILE, WARDS_FILE, Poi, Ward, read_pois, read_wards
from ._placing import Placer
from ._sites import hotspots_and_aps, stations

DEFAULT_SEED = 2025
KNOWN_POIS = {"Nha Trang": POI_FILE}  # the only city the shipped data has places for
SOURCE = ("ward polygons: Bản đồ hành chính tham khảo, NXB Tài nguyên – Môi trường và Bản đồ Việt Nam, via "
          "thanglequoc/vietnamese-provinces-database (MIT)")
OSM_SOURCE = "; places: © OpenStreetMap contributors, ODbL 1.0"
LIGHT_SOURCE = "; street-lighting lines: synthetic, laid by the generator (no street network ships)"

# Which real places a camera of each class stands at. The shipped POI file has no road network, so junction
# cameras stand at the street-front places (hotels, restaurants, shops) that line the main streets.
CAMERA_PLACES = {
    "budget": ("police", "supermarket", "mall", "hospital", "attraction", "museum", "university"),
    "socialized": ("hotel", "resort", "restaurant", "bar", "pub", "mall", "supermarket", "convenience"),
    "citizen_shared": ("cafe", "fast_food", "convenience", "buddhist", "restaurant", "hotel"),
}
_LABELS = {"budget": "Camera thông minh", "socialized": "Camera xã hội hoá", "citizen_shared": "Camera người dân"}
_SCALE_M = {"budget": 2000.0, "socialized": 2500.0, "citizen_shared": 3500.0}  # residents live further out


@dataclass(frozen=True)
class CameraMix:
    """How many cameras of each class. Fixed city-owned, the one PTZ, socialized, shared by residents."""

    budget: int = 205
    ptz: int = 1
    socialized: int = 526
    citizen_shared: int = 327

    @property
    def total(self) -> int:
        return self.budget + self.ptz + self.socialized + self.citizen_shared

    def scaled(self, total: int) -> CameraMix:
        """The same proportions for ``total`` cameras (largest remainder; one PTZ kept while there is room)."""
        if total < 0:
            raise ValueError(f"a camera count is not negative: {total}")
        ptz = min(self.ptz, total)
        rest = total - ptz
        weights = (self.budget, self.socialized, self.citizen_shared)
        exact = [rest * w / sum(weights) for w in weights]
        counts = [int(x) for x in exact]
        for i in sorted(range(3), key=lambda i: counts[i] - exact[i])[: rest - sum(counts)]:
            counts[i] += 1
        return CameraMix(counts[0], ptz, counts[1], counts[2])


def generate(
    city: str,
    *,
    seed: int = DEFAULT_SEED,
    cameras: int | None = None,
    stations_count: int | None = None,
    wards_path: Path | None = None,
    poi_path: Path | None = None,
    name: str | None = None,
) -> Fleet:
    """The demo fleet of ``city`` (a ``former_city_en`` of the ward file, e.g. "Dong Xoai", "Nha Trang").

    Without paths: the shipped 2025 wards and, for a city the shipped data has places for, those places."""
    wards = read_wards(wards_path or data_path(WARDS_FILE), city)
    if poi_path is None and city in KNOWN_POIS:
        poi_path = data_path(KNOWN_POIS[city])
    pois = read_pois(poi_path) if poi_path is not None else []
    mix = CameraMix() if cameras is None else CameraMix().scaled(cameras)
    return build(city, wards, pois, seed=seed, mix=mix, stations_count=stations_count, name=name)


def build(city: str, wards: list[Ward], pois: list[Poi], *, seed: int, mix: CameraMix,
          stations_count: int | None = None, name: str | None = None) -> Fleet:
    """The fleet from already-read wards and places (pure apart from the seeded generator)."""
    rng = random.Random(seed)
    placer = Placer(wards, rng)
    places = placer.pois_inside(pois)
    prefix = _prefix(city)
    cams = _cameras_at_places(prefix, mix, placer, places) if places else _cameras_drawn(prefix, mix, placer)
    spots, aps = hotspots_and_aps(prefix, city, placer, places)
    envs = stations(prefix, city, placer, places, stations_count)
    lights = lighting(prefix, seed, placer, spots, places)
    return Fleet(
        name=name or _slug(city),
        city=city,
        devices=(*cams, *aps, *envs, *lights),
        hotspots=spots,
        source=SOURCE + (OSM_SOURCE if places else "") + LIGHT_SOURCE,
    )


def _classes(mix: CameraMix) -> list[tuple[str, str]]:
    """(ownership, camera type) for each camera, PTZ first: the one PTZ belongs to the city."""
    return ([("budget", "ptz")] * mix.ptz + [("budget", "fixed")] * mix.budget
            + [("socialized", "fixed")] * mix.socialized + [("citizen_shared", "fixed")] * mix.citizen_shared)


def _cameras_drawn(prefix: str, mix: CameraMix, placer: Placer) -> list[Device]:
    cams = []
    for number, (ownership, kind) in enumerate(_classes(mix), start=1):
        # The PTZ watches the core's main junction; the others spread out by class.
        lon, lat, ward = placer.near_centre(150.0 if kind == "ptz" else _SCALE_M[ownership])
        label = "Camera PTZ" if kind == "ptz" else _LABELS[ownership]
        cams.append(Device(f"{prefix}-cam-{number:04d}", "camera", f"{label} {number:04d} – {ward.name}", lon, lat,
                           ward=ward.code, ownership=ownership, camera_type=kind))
    return cams


def _cameras_at_places(prefix: str, mix: CameraMix, placer: Placer, places: list[tuple[Poi, Ward]]) -> list[Device]:
    queues: dict[str, list[tuple[Poi, Ward]]] = {}
    for ownership, classes in CAMERA_PLACES.items():
        anchors = [pw for pw in places if pw[0].fclass in classes]
        placer.rng.shuffle(anchors)
        queues[ownership] = anchors or list(places)
    police = [pw for pw in places if pw[0].fclass == "police"]
    traffic = [pw for pw in police if "giao thông" in pw[0].name.lower()] or police or queues["budget"]
    cams = []
    for number, (ownership, kind) in enumerate(_classes(mix), start=1):
        anchors = traffic if kind == "ptz" else queues[ownership]
        poi, ward = anchors[(number - 1) % len(anchors)]
        # Several cameras share a busy place, one per approach, a few tens of metres apart.
        lon, lat = placer.beside(poi.lon, poi.lat, ward, max_m=40.0)
        label = "Camera PTZ" if kind == "ptz" else _LABELS[ownership]
        cams.append(Device(f"{prefix}-cam-{number:04d}", "camera", f"{label} {number:04d} – {poi.name}", lon, lat,
                           ward=ward.code, ownership=ownership, camera_type=kind, poi=f"osm:{poi.osm_id}"))
    return cams


def _prefix(city: str) -> str:
    words = _slug(city).split("_")
    return "".join(w[0] for w in words)[:4] if len(words) > 1 else words[0][:4]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "fleet"
