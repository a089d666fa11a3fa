"""Small frames and rows for the layers tests: two square wards side by side, devices placed on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
import psycopg
from shapely.geometry import Point, box

from layers.wardfile import Fields, prepare

# Two 0.01° squares in Nha Trang sharing the edge lon = 109.20 (codes "A1" west, "B2" east).
WEST = box(109.19, 12.24, 109.20, 12.25)
EAST = box(109.20, 12.24, 109.21, 12.25)


def square_wards() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["A1", "B2"], "name": ["Phường Tây", "Phường Đông"]},
                            geometry=[WEST, EAST], crs=4326)


def ward_file(frame: gpd.GeoDataFrame | None = None):  # -> WardFile
    return prepare(square_wards() if frame is None else frame, Fields(), source="squares.geojson")


def add_device(conn: psycopg.Connection, device_id: str, kind: str, lon: float | None, lat: float | None, *,
               state: str = "online", attrs: str = "{}") -> None:
    """Insert a device whose ``device_state`` comes out as ``state``."""
    now = datetime.now(UTC)
    registered, online, last = {
        "online": (True, True, now), "stale": (True, True, now - timedelta(hours=2)),
        "offline": (True, False, now), "unregistered": (False, None, now)}[state]
    conn.execute(
        """INSERT INTO devices (device_id, kind, name, location, registered, online, last_data_at, attrs)
           VALUES (%s, %s, %s, CASE WHEN %s::float8 IS NULL THEN NULL
                                    ELSE ST_SetSRID(ST_MakePoint(%s, %s), 4326) END, %s, %s, %s, %s::jsonb)""",
        [device_id, kind, device_id, lon, lon, lat, registered, online, last, attrs])


def point_frame(points: list[tuple[float, float]], crs: int = 4326, **columns: list[object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(x, y) for x, y in points], crs=crs)
