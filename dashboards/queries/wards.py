"""Current wards: names, simplified outlines for maps, extents, and summary figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, one, rows

# Outlines are simplified on the server: a wall map needs the shape, not survey precision (≈ 20 m).
SIMPLIFY_DEG = 0.0002


def current(pool: ConnectionPool) -> pd.DataFrame:
    """code, name, province, former_city, devices of every current ward, by name."""
    return frame(pool, """
        SELECT w.code, w.name, w.province, w.former_city,
               (SELECT count(*)::int FROM devices d WHERE d.ward_code = w.code) AS devices
        FROM wards w WHERE w.valid_to IS NULL ORDER BY w.name, w.code""",
                 columns=("code", "name", "province", "former_city", "devices"))


def get(pool: ConnectionPool, code: str) -> dict[str, Any] | None:
    return one(pool, """
        SELECT code, name, province, former_city, ST_XMin(geom) AS west, ST_YMin(geom) AS south,
               ST_XMax(geom) AS east, ST_YMax(geom) AS north
        FROM wards WHERE code = %s AND valid_to IS NULL""", [code])


def with_devices(pool: ConnectionPool) -> list[str]:
    """Codes of current wards that hold at least one placed device: the wall's rotation, by name."""
    return [r["code"] for r in rows(pool, """
        SELECT w.code FROM wards w WHERE w.valid_to IS NULL
          AND EXISTS (SELECT 1 FROM devices d WHERE d.ward_code = w.code AND d.location IS NOT NULL)
        ORDER BY w.name, w.code""")]


@dataclass(frozen=True)
class Area:
    """The wards holding devices in one province: a city view of the wall."""
    name: str
    codes: tuple[str, ...]


def areas(pool: ConnectionPool) -> list[Area]:
    """Current wards holding placed devices, by province; the province with most devices first, then by name."""
    found = rows(pool, """
        SELECT w.province, array_agg(w.code ORDER BY w.name, w.code) AS codes, sum(n.devices) AS devices
        FROM wards w JOIN LATERAL (SELECT count(*) AS devices FROM devices d
                                   WHERE d.ward_code = w.code AND d.location IS NOT NULL) n ON n.devices > 0
        WHERE w.valid_to IS NULL
        GROUP BY w.province ORDER BY devices DESC, w.province""")
    return [Area(r["province"], tuple(r["codes"])) for r in found]


def outlines(pool: ConnectionPool, codes: list[str] | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (EPSG:4326) of current ward outlines, properties code and name."""
    found = rows(pool, """
        SELECT code, name, ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_MakeValid(geom), %(tol)s), 5) AS geometry
        FROM wards WHERE valid_to IS NULL AND (%(codes)s::text[] IS NULL OR code = ANY(%(codes)s))
        ORDER BY code""", {"tol": SIMPLIFY_DEG, "codes": codes})
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r["code"], "properties": {"code": r["code"], "name": r["name"]},
         "geometry": json.loads(r["geometry"])} for r in found]}


def extent(pool: ConnectionPool, codes: list[str] | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the given current wards (None: the wards holding devices)."""
    row = one(pool, """
        SELECT ST_XMin(e) AS w, ST_YMin(e) AS s, ST_XMax(e) AS e, ST_YMax(e) AS n FROM (
          SELECT ST_Extent(geom) AS e FROM wards WHERE valid_to IS NULL AND (
            (%(codes)s::text[] IS NOT NULL AND code = ANY(%(codes)s))
            OR (%(codes)s::text[] IS NULL AND code IN (SELECT DISTINCT ward_code FROM devices)))) x""",
              {"codes": codes})
    if row is None or row["w"] is None:
        return None
    return (row["w"], row["s"], row["e"], row["n"])


def summaries(pool: ConnectionPool) -> list[dict[str, Any]]:
    """The API's ward list: devices by state and the last complete hour's pooled PM2.5 mean."""
    return rows(pool, """
        SELECT w.code, w.name, w.province, w.former_city,
               count(s.device_id)::int AS devices,
               count(*) FILTER (WHERE s.state = 'online')::int AS online,
               count(*) FILTER (WHERE s.state = 'stale')::int AS stale,
               count(*) FILTER (WHERE s.state = 'offline')::int AS offline,
               (SELECT sum(r.sum) / nullif(sum(r.n), 0) FROM rollup_1h r JOIN devices d USING (device_id)
                 WHERE d.ward_code = w.code AND r.metric = 'pm25'
                   AND r.bucket = date_trunc('hour', now()) - interval '1 hour') AS pm25_last_hour
        FROM wards w LEFT JOIN device_state s ON s.ward_code = w.code
        WHERE w.valid_to IS NULL
        GROUP BY w.code, w.name, w.province, w.former_city ORDER BY w.code""")
