"""Which evidence belongs together: the suggester's decision, pure (no database, no clock).

Evidence joins a live incident of a type it can belong to when it lies within the type's radius of any evidence
already in it and within the type's window of its newest evidence (a late report joins the incident it describes).
Evidence no incident takes is grouped with the other free evidence of the type by the same two distances
(single link); a group as large as the type's ``min_items`` becomes a suggestion. Free evidence that makes no group
yet is left free and looked at again next cycle, while it is younger than the type's window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pipelines.incidents.types import IncidentType

EARTH_M = 6_371_008.8


@dataclass(frozen=True)
class Evidence:
    source: str                 # alarm, camera_event, report
    ref: str
    at: datetime
    lon: float
    lat: float
    ward_code: str | None
    label: str
    types: tuple[str, ...]      # the incident types it can belong to, in the catalogue's order
    severity: str | None = None
    kind: str | None = None     # the alarm's rule, the camera event's type, the report's category


@dataclass
class Live:
    """A suggested or confirmed incident as the suggester sees it: where its evidence is and how recent."""

    id: int
    type: str
    last_at: datetime
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    joins: list[tuple[int, Evidence]]
    new: list[tuple[str, list[Evidence]]]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points in WGS 84 degrees."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(h)))


def _near(kind: IncidentType, points: Sequence[tuple[float, float]], last: datetime, ev: Evidence) -> bool:
    if abs((ev.at - last).total_seconds()) > kind.window:
        return False
    return any(metres(p, (ev.lon, ev.lat)) <= kind.radius_m for p in points)


def plan(candidates: Sequence[Evidence], live: Sequence[Live], types: Mapping[str, IncidentType]) -> Plan:
    joins: list[tuple[int, Evidence]] = []
    free: list[Evidence] = []
    for ev in sorted(candidates, key=lambda e: (e.at, e.source, e.ref)):
        home = next((inc for t in ev.types if t in types for inc in live
                     if inc.type == t and _near(types[t], inc.points, inc.last_at, ev)), None)
        if home is None:
            free.append(ev)
            continue
        joins.append((home.id, ev))
        home.points.append((ev.lon, ev.lat))
        home.last_at = max(home.last_at, ev.at)
    return Plan(joins, _groups(free, types))


def _groups(free: Sequence[Evidence], types: Mapping[str, IncidentType]) -> list[tuple[str, list[Evidence]]]:
    used: set[tuple[str, str]] = set()
    out: list[tuple[str, list[Evidence]]] = []
    for type_id, kind in types.items():
        clusters: list[list[Evidence]] = []
        for ev in free:
            if type_id not in ev.types or (ev.source, ev.ref) in used:
                continue
            home = next((c for c in clusters
                         if _near(kind, [(e.lon, e.lat) for e in c], max(e.at for e in c), ev)), None)
            if home is None:
                clusters.append([ev])
            else:
                home.append(ev)
        for c in clusters:
            if len(c) >= kind.min_items:
                out.append((type_id, c))
                used.update((e.source, e.ref) for e in c)
    return out
