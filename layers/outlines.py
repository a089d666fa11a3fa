"""Outlines of areas for plotly's map traces: the exterior rings of a GeoJSON geometry (EPSG:4326), each as its
longitudes and latitudes. Pure. A point or a line has no outline (an empty list): the caller marks it instead."""

from __future__ import annotations

import json
from typing import Any

Ring = tuple[list[float], list[float]]


def rings(geometry: str | dict[str, Any] | None) -> list[Ring]:
    """The exterior rings of a Polygon or MultiPolygon given as GeoJSON (text or parsed); holes are left out,
    because an outline on a map says where an area is, not what it leaves out."""
    geo = json.loads(geometry) if isinstance(geometry, str) else geometry
    if not geo:
        return []
    if geo.get("type") == "Polygon":
        polygons = [geo["coordinates"]]
    elif geo.get("type") == "MultiPolygon":
        polygons = geo["coordinates"]
    else:
        return []
    return [([float(p[0]) for p in poly[0]], [float(p[1]) for p in poly[0]]) for poly in polygons if poly]


def connected(found: list[Ring]) -> Ring:
    """Several rings as one line trace: plotly breaks a line at None, so one trace draws them all."""
    lons: list[Any] = []
    lats: list[Any] = []
    for lon, lat in found:
        lons += [*lon, None]
        lats += [*lat, None]
    return lons, lats
