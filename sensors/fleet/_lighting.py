"""Street lighting of a generated fleet: synthetic street lines, a control cabinet at the head of each, lamps along it.

No street network ships in ``data/`` and the demo has no internet, so the streets are laid, not read: arterials leave
the urban core towards the city's real anchors (its wifi hotspots — squares, markets, hospitals — and, in Nha Trang,
real OpenStreetMap places), bent a little as real streets are, and clipped to the wards. They are labelled as
synthetic in the fleet file and in data/README.md. Poles stand every ~35 m (TCVN 333:2005 spacing for a 9–11 m pole
on an urban road), alternating sides 12 m apart. A separate seeded generator keeps the other devices unchanged.
"""

from __future__ import annotations

import math
import random

from ._model import Device, Hotspot, LightPoint
from ._places import Poi, Ward, ward_at
from ._placing import Placer

POLE_SPACING_M = 35.0
_SIDE_M = 6.0           # half the road width: lamps alternate sides
_LAMPS_PER_CABINET = 40  # one feeder of a typical 3-phase cabinet
_RATED_W = (60.0, 90.0, 120.0, 150.0)  # LED lanterns: alleys to arterials
_SEED_OFFSET = 21        # issue 21: lighting draws from its own generator


def lighting(prefix: str, seed: int, placer: Placer, hotspots: tuple[Hotspot, ...],
             places: list[tuple[Poi, Ward]], streets: int = 8, max_len_m: float = 1400.0) -> list[Device]:
    """Cabinets and lamps along ``streets`` synthetic streets from the core to the city's anchors."""
    rng = random.Random(seed + _SEED_OFFSET)
    anchors = [(h.lon, h.lat) for h in hotspots] + [(p.lon, p.lat) for p, _ in places]
    rng.shuffle(anchors)
    devices: list[Device] = []
    lamp_no = 0
    for number in range(1, streets + 1):
        spread = (number - 1) * 2 * math.pi / streets + rng.uniform(-0.2, 0.2)
        bearing = _bearing(placer, anchors[number - 1]) if number <= len(anchors) else spread
        line = _street(placer, rng, bearing, rng.uniform(0.6, 1.0) * max_len_m)
        if len(line) < 4:
            continue
        street = f"Tuyến chiếu sáng {number:02d} (tuyến phố tổng hợp)"
        rated = _RATED_W[3 - min(3, (number - 1) // 2)]  # the first streets are the arterials
        cab_id = f"{prefix}-lcab-{number:02d}"
        lon, lat, ward = line[0]
        devices.append(Device(cab_id, "light", f"Tủ điều khiển chiếu sáng {number:02d} – {ward.name}", lon, lat,
                              ward=ward.code, light=LightPoint("cabinet", street, None, None)))
        for index, (lon, lat, ward) in enumerate(line[1 : _LAMPS_PER_CABINET + 1]):
            lamp_no += 1
            lon, lat = _side(placer, lon, lat, bearing, _SIDE_M if index % 2 else -_SIDE_M, ward)
            devices.append(Device(f"{prefix}-lamp-{lamp_no:04d}", "light", f"Đèn {lamp_no:04d} – {street}", lon, lat,
                                  ward=ward.code, light=LightPoint("lamp", street, cab_id, rated)))
    return devices


def _bearing(placer: Placer, anchor: tuple[float, float]) -> float:
    x, y = placer.metres.xy(*anchor)
    return math.atan2(y - placer.centre[1], x - placer.centre[0])


def _street(placer: Placer, rng: random.Random, bearing: float, length_m: float) -> list[tuple[float, float, Ward]]:
    """Points every POLE_SPACING_M along a gently bending line from near the core, stopping at the wards' edge."""
    start = rng.uniform(80.0, 400.0)
    x = placer.centre[0] + start * math.cos(bearing)
    y = placer.centre[1] + start * math.sin(bearing)
    heading, points = bearing, []
    for _ in range(int(length_m / POLE_SPACING_M)):
        lon, lat = placer.metres.lonlat(x, y)
        ward = ward_at(placer.wards, lon, lat)
        if ward is None:
            break
        points.append((round(lon, 6), round(lat, 6), ward))
        heading += rng.gauss(0.0, 0.03)  # a street bends a few degrees per block
        x, y = x + POLE_SPACING_M * math.cos(heading), y + POLE_SPACING_M * math.sin(heading)
    return points


def _side(placer: Placer, lon: float, lat: float, bearing: float, offset_m: float, ward: Ward) -> tuple[float, float]:
    x, y = placer.metres.xy(lon, lat)
    x, y = x - offset_m * math.sin(bearing), y + offset_m * math.cos(bearing)
    cand = placer.metres.lonlat(x, y)
    return (round(cand[0], 6), round(cand[1], 6)) if ward_at([ward], *cand) is ward else (lon, lat)
