"""Coordinate reference systems: every frame that crosses a module boundary says which CRS it is in.

Storage and maps use WGS 84 longitude/latitude (EPSG:4326). Distances and areas are computed in the UTM zone of
the data (Vietnam spans zones 48N and 49N): degrees are not metres, and a buffer drawn in EPSG:4326 is an ellipse.
"""

from __future__ import annotations

import math

import geopandas as gpd
from pyproj import CRS

from ioc.errors import IocError

WGS84 = CRS.from_epsg(4326)


class CrsError(IocError):
    """A geographic frame has no coordinate reference system, so its coordinates cannot be interpreted."""


def require_crs(gdf: gpd.GeoDataFrame, what: str) -> CRS:
    """The frame's CRS; a frame without one is refused rather than guessed."""
    if gdf.crs is None:
        raise CrsError(f"{what}: the frame has no CRS; set it with .set_crs(...) before passing it on")
    return CRS.from_user_input(gdf.crs)


def to_wgs84(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326: converted explicitly when it is in another CRS, refused when it has none."""
    crs = require_crs(gdf, what)
    return gdf if crs.equals(WGS84) else gdf.to_crs(WGS84)


def utm_for(lon: float, lat: float) -> CRS:
    """The WGS 84 / UTM zone containing (lon, lat): EPSG:32648 west of 108°E in Vietnam, EPSG:32649 east of it."""
    if not (-180 <= lon <= 180 and -80 <= lat <= 84):
        raise CrsError(f"({lon}, {lat}) is not a longitude/latitude that UTM covers")
    zone = min(int(math.floor((lon + 180) / 6)) + 1, 60)
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def metric_crs(gdf: gpd.GeoDataFrame, what: str) -> CRS:
    """The UTM zone of the frame's centre, read in EPSG:4326 whatever the frame's own CRS is."""
    wgs = to_wgs84(gdf, what)
    if wgs.empty:
        raise CrsError(f"{what}: no features, so no metric CRS can be chosen")
    minx, miny, maxx, maxy = wgs.total_bounds
    return utm_for((minx + maxx) / 2, (miny + maxy) / 2)


def to_metric(gdf: gpd.GeoDataFrame, what: str, crs: CRS | None = None) -> gpd.GeoDataFrame:
    """The frame in ``crs`` (default: the UTM zone of its centre), for distances and areas in metres."""
    target = crs or metric_crs(gdf, what)
    require_crs(gdf, what)
    return gdf.to_crs(target)
