"""The real places a fleet is generated from: 2025 ward polygons and OpenStreetMap points (read at the edge).

Both files are WGS 84 lon/lat (EPSG:4326). Distances are measured in the city's UTM zone (explicit pyproj
transforms), never in degrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from ioc.errors import ImportDataError

# Shipped data files (see data/README.md), located by ioc.data.data_path when a fleet is generated
WARDS_FILE = "boundaries/wards_2025.geojson"
POI_FILE = "poi/nhatrang_poi_osm.geojson"


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    city: str
    city_name: str  # the former city's Vietnamese name, without "Thành phố"
    geom: BaseGeometry  # EPSG:4326, made valid
    merged_urban_wards: int  # how many former "Phường" it absorbed: the urban core absorbed the most


@dataclass(frozen=True)
class Poi:
    osm_id: str
    fclass: str
    name: str
    lon: float
    lat: float


def _features(path: Path, what: str) -> list[dict[str, object]]:
    try:
        doc = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise ImportDataError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise ImportDataError(f"{path}: the {what} is not valid GeoJSON: {exc}") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise ImportDataError(f"{path}: the {what} has no 'features' list")
    return features


def _properties(path: Path, index: int, feature: object) -> dict[str, object]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        raise ImportDataError(f"{path}: feature {index}: expected a GeoJSON feature with properties")
    return props


def read_wards(path: Path, city: str) -> list[Ward]:
    """The wards whose ``former_city_en`` is ``city`` (e.g. "Dong Xoai"), in file order."""
    wards = []
    for index, feature in enumerate(_features(path, "ward polygons")):
        props = _properties(path, index, feature)
        if props.get("former_city_en") != city:
            continue
        try:
            geom = shapely.make_valid(shape(feature["geometry"]))
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
            raise ImportDataError(f"{path}: feature {index}: unusable geometry ({exc})") from None
        former = str(props.get("former_wards_from_this_city") or "")
        urban = sum(1 for name in former.split(";") if name.strip().startswith("Phường"))
        city_name = str(props.get("former_city") or city).removeprefix("Thành phố ").strip()
        wards.append(Ward(str(props["new_ward_code"]), str(props["new_ward_name"]), city, city_name, geom, urban))
    if not wards:
        raise ImportDataError(f"{path}: no ward has former_city_en = {city!r}")
    return wards


def read_pois(path: Path) -> list[Poi]:
    pois = []
    for index, feature in enumerate(_features(path, "places of interest")):
        props, geom = _properties(path, index, feature), feature.get("geometry") or {}
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if not isinstance(geom, dict) or geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            raise ImportDataError(f"{path}: feature {index}: expected a Point geometry")
        pois.append(Poi(str(props.get("osm_id")), str(props.get("fclass")), str(props.get("name") or ""),
                        float(coords[0]), float(coords[1])))
    return pois


class LocalMetres:
    """Transforms between EPSG:4326 and the UTM zone of a city, for sampling and distances in metres."""

    def __init__(self, lon: float, lat: float) -> None:
        zone = int((lon + 180) // 6) + 1
        utm = CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
        self._fwd = Transformer.from_crs(CRS.from_epsg(4326), utm, always_xy=True)
        self._inv = Transformer.from_crs(utm, CRS.from_epsg(4326), always_xy=True)

    def to_metres(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, self._fwd.transform, interleaved=False)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self._fwd.transform(lon, lat)
        return float(x), float(y)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = self._inv.transform(x, y)
        return round(float(lon), 6), round(float(lat), 6)


def core_centre(wards: list[Ward]) -> Point:
    """Where a city is densest: the ward that absorbed the most former urban wards (smallest on a tie)."""
    core = max(wards, key=lambda w: (w.merged_urban_wards, -w.geom.area))
    centroid = core.geom.centroid
    return centroid if core.geom.contains(centroid) else core.geom.representative_point()


def ward_at(wards: list[Ward], lon: float, lat: float) -> Ward | None:
    point = Point(lon, lat)
    return next((w for w in wards if w.geom.contains(point)), None)
