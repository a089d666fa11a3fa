"""Seeded point placement inside a city's real ward polygons: denser near the urban core, or beside a real place."""

from __future__ import annotations

import math
import random

from shapely import prepared
from shapely.geometry import Point
from shapely.ops import unary_union

from ._places import LocalMetres, Poi, Ward, core_centre, ward_at

_TRIES = 10_000


class Placer:
    """Draws points for one city. Every point it returns lies inside the ward it names (checked in lon/lat)."""

    def __init__(self, wards: list[Ward], rng: random.Random) -> None:
        self.wards, self.rng = wards, rng
        centre = core_centre(wards)
        self.metres = LocalMetres(centre.x, centre.y)
        self.centre = self.metres.xy(centre.x, centre.y)
        self._area = prepared.prep(self.metres.to_metres(unary_union([w.geom for w in wards])))

    def near_centre(self, scale_m: float) -> tuple[float, float, Ward]:
        """A point whose density falls off as exp(-distance / scale_m) from the core (radius ~ Gamma(2, scale))."""
        for _ in range(_TRIES):
            radius = self.rng.gammavariate(2.0, scale_m)
            angle = self.rng.uniform(0, 2 * math.pi)
            x, y = self.centre[0] + radius * math.cos(angle), self.centre[1] + radius * math.sin(angle)
            if not self._area.contains(Point(x, y)):
                continue
            lon, lat = self.metres.lonlat(x, y)
            ward = ward_at(self.wards, lon, lat)
            if ward is not None:
                return lon, lat, ward
        raise RuntimeError(f"no point inside the wards after {_TRIES} draws (scale {scale_m} m)")

    def beside(self, lon: float, lat: float, ward: Ward, max_m: float) -> tuple[float, float]:
        """A point within ``max_m`` metres of (lon, lat), inside ``ward``; the place itself if none is found."""
        x0, y0 = self.metres.xy(lon, lat)
        for _ in range(20):
            radius, angle = self.rng.uniform(0.2, 1.0) * max_m, self.rng.uniform(0, 2 * math.pi)
            cand = self.metres.lonlat(x0 + radius * math.cos(angle), y0 + radius * math.sin(angle))
            if ward_at([ward], *cand) is ward:
                return cand
        return round(lon, 6), round(lat, 6)

    def pois_inside(self, pois: list[Poi]) -> list[tuple[Poi, Ward]]:
        """The places that lie in one of the city's wards, with that ward (others, e.g. offshore, are left out)."""
        found = []
        for poi in pois:
            ward = ward_at(self.wards, poi.lon, poi.lat)
            if ward is not None:
                found.append((poi, ward))
        return found

    def distance_m(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        (xa, ya), (xb, yb) = self.metres.xy(*a), self.metres.xy(*b)
        return math.hypot(xa - xb, ya - yb)
