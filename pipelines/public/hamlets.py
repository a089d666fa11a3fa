"""Hamlets and residential groups (ấp, khu phố, tổ dân phố) of a ward: import from GeoJSON or CSV, list, filter.

GeoJSON: a FeatureCollection whose features have ``ward_code`` and ``name`` properties and a Polygon, MultiPolygon
or Point geometry (WGS 84). CSV: ``ward_code, name, lat, lon`` (a point each). A bad feature or row is reported as
``feature N`` / ``line N``, its field and the reason; the good ones are loaded, keyed by ward and name (a re-import
updates). Reports get their hamlet in the database (``ioc_hamlet_at``, migration 0201).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from ioc.query import tuples
from pipelines.public.support_points import VIETNAM, Problem

GEOMETRIES = ("Point", "Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Hamlet:
    line: int
    ward_code: str
    name: str
    geometry: dict[str, Any]       # GeoJSON geometry, WGS 84
    synthetic: bool = False


def _coords(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    def walk(x: Any) -> list[tuple[float, float]]:
        if isinstance(x, list) and len(x) >= 2 and all(isinstance(v, int | float) for v in x[:2]):
            return [(float(x[0]), float(x[1]))]
        return [p for item in x for p in walk(item)] if isinstance(x, list) else []
    return walk(geometry.get("coordinates"))


def _hamlet(line: int, ward: object, name: object, geometry: Any) -> Hamlet | Problem:
    if not isinstance(ward, str | int) or not str(ward).strip():
        return Problem(line, "ward_code", "empty")
    if not isinstance(name, str) or not name.strip():
        return Problem(line, "name", "empty")
    if len(name.strip()) > 100:
        return Problem(line, "name", "longer than 100 characters")
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return Problem(line, "geometry", f"{kind!r} is not one of {', '.join(GEOMETRIES)}")
    points = _coords(geometry)
    if not points:
        return Problem(line, "geometry", "no coordinates")
    west, south, east, north = VIETNAM
    for lon, lat in points:
        if not (west <= lon <= east and south <= lat <= north):
            return Problem(line, "geometry", f"{lat}, {lon} is outside Vietnam (lat and lon swapped?)")
    return Hamlet(line, str(ward).strip(), name.strip(), geometry)


def parse_geojson(text: str) -> tuple[list[Hamlet], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(exc.lineno, "*", f"not JSON: {exc.msg}")]
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        return [], [Problem(1, "features", "not a GeoJSON FeatureCollection")]
    good: list[Hamlet] = []
    bad: list[Problem] = []
    for n, f in enumerate(features, start=1):
        props = f.get("properties") if isinstance(f, dict) else None
        props = props if isinstance(props, dict) else {}
        found = _hamlet(n, props.get("ward_code"), props.get("name"), f.get("geometry") if isinstance(f, dict)
                        else None)
        if isinstance(found, Problem):
            bad.append(found)
        else:
            good.append(found)
    return good, bad


def parse_csv(text: str) -> tuple[list[Hamlet], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("ward_code", "name", "lat", "lon") if c not in (reader.fieldnames or [])]
    if missing:
        return [], [Problem(1, c, "column missing from the header") for c in missing]
    good: list[Hamlet] = []
    bad: list[Problem] = []
    for row in reader:
        line = reader.line_num
        try:
            lon, lat = float((row["lon"] or "").replace(",", ".")), float((row["lat"] or "").replace(",", "."))
        except ValueError:
            bad.append(Problem(line, "lat/lon", f"not numbers: {row['lat']!r}, {row['lon']!r}"))
            continue
        found = _hamlet(line, row["ward_code"], row["name"], {"type": "Point", "coordinates": [lon, lat]})
        if isinstance(found, Problem):
            bad.append(found)
        else:
            good.append(found)
    return good, bad


def load(conn: psycopg.Connection, hamlets: Sequence[Hamlet], unit: str = "line") -> tuple[int, list[Problem]]:
    """Insert or update the hamlets of current wards; the others are problems (field ``ward_code``)."""
    current = {c for (c,) in conn.execute("SELECT code FROM wards WHERE valid_to IS NULL")}
    done, bad = 0, []
    with conn.transaction():
        for h in hamlets:
            if h.ward_code not in current:
                bad.append(Problem(h.line, "ward_code", f"no current ward {h.ward_code!r}"))
                continue
            conn.execute("""
                INSERT INTO hamlets (ward_code, name, geom, synthetic)
                VALUES (%s, %s, ST_SetSRID(ST_GeomFromGeoJSON(%s::text), 4326), %s)
                ON CONFLICT (ward_code, name) DO UPDATE SET geom = EXCLUDED.geom, synthetic = EXCLUDED.synthetic,
                    updated_at = now()""", [h.ward_code, h.name, json.dumps(h.geometry),
                                            h.synthetic])
            done += 1
    return done, bad


def import_file(conn: psycopg.Connection, path: Path) -> tuple[int, list[Problem], str]:
    """Load ``path`` (``.geojson``/``.json`` or ``.csv``): loaded count, refused items, and the unit they count in
    (``feature`` or ``line``)."""
    text = path.read_text(encoding="utf-8-sig")
    geo = path.suffix.lower() in (".geojson", ".json")
    found, problems = parse_geojson(text) if geo else parse_csv(text)
    done, more = load(conn, found)
    return done, sorted(problems + more, key=lambda p: p.line), "feature" if geo else "line"


def names(pool: ConnectionPool, ward: str) -> list[str]:
    """A ward's hamlets, in natural order ("Khu phố 2" before "Khu phố 10")."""
    found = [r[0] for r in tuples(pool, "SELECT name FROM hamlets WHERE ward_code = %s", [ward])]
    return sorted(found, key=natural_order)


def natural_order(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name))
