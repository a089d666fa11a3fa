"""Shared by the report tests: real ward outlines, a point inside a ward, reports and devices written directly."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from shapely.geometry import shape
from shapely.validation import make_valid

from ioc.data import data_path

WARDS_FILE = "boundaries/wards_2025.geojson"  # a shipped data file (ioc.data)
SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "open311" / "schema"  # the standard's own files
NHA_TRANG = ("22333", "22366", "22390", "22402")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = "0912345678"          # the reporter's phone in every test: searched for in every public output


def load_wards(conn: psycopg.Connection, codes: tuple[str, ...] = NHA_TRANG) -> dict[str, tuple[float, float]]:
    """The chosen 2025 wards, valid from 2025-07-01; returns a point well inside each (lon, lat)."""
    inside: dict[str, tuple[float, float]] = {}
    for f in json.loads(data_path(WARDS_FILE).read_text(encoding="utf-8"))["features"]:
        p = f["properties"]
        if p["new_ward_code"] not in codes:
            continue
        conn.execute("""
            INSERT INTO wards (code, name, province, geom, valid_from, former_city, source)
            VALUES (%s, %s, %s, ST_Multi(ST_CollectionExtract(ST_MakeValid(
                    ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326)), 3)), '2025-07-01', %s, 'test')""",
                     [p["new_ward_code"], p["new_ward_name"], p["new_province_name"], json.dumps(f["geometry"]),
                      p["former_city"]])
        point = make_valid(shape(f["geometry"])).representative_point()
        inside[p["new_ward_code"]] = (round(point.x, 6), round(point.y, 6))
    return inside


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def add_device(conn: psycopg.Connection, device_id: str, kind: str, lon: float, lat: float) -> None:
    conn.execute("""INSERT INTO devices (device_id, kind, name, location, registered)
                    VALUES (%s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), true)""",
                 [device_id, kind, device_id, lon, lat])


def offset(lon: float, lat: float, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    """A point ``east_m``/``north_m`` metres away (spherical approximation; tests keep a margin for it)."""
    import math

    return (lon + east_m / (111_320.0 * math.cos(math.radians(lat))), lat + north_m / 110_574.0)
