"""Live ward status for residents (/public/<ward>): public wifi points up or down, and the environment stations
nearest the ward with their VN_AQI now (:func:`dashboards.queries.aqi.station_aqi` computes the index)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from psycopg_pool import ConnectionPool

from dashboards.queries._run import rows
from dashboards.queries.aqi import station_aqi

NEAREST = 3


def wifi_points(pool: ConnectionPool, ward: str) -> list[dict[str, Any]]:
    """The ward's placed public wifi points: device_id, name, lon, lat, up (online now), by name."""
    return rows(pool, """
        SELECT device_id, coalesce(name, device_id) AS name, ST_X(location) AS lon, ST_Y(location) AS lat,
               state = 'online' AS up
        FROM device_state WHERE kind = 'wifi' AND registered AND location IS NOT NULL AND ward_code = %s
        ORDER BY name, device_id""", [ward])


def nearest_air(pool: ConnectionPool, ward: str, centre: tuple[float, float], now: datetime,
                n: int = NEAREST) -> list[dict[str, Any]]:
    """The ward's stations that publish an index now; when it has none, the ``n`` nearest publishing stations
    elsewhere (by distance from ``centre``, lon/lat). Each: device_id, name, lon, lat, aqi, band, km, inside."""
    found = station_aqi(pool, now).dropna(subset=["aqi"])
    if found.empty:
        return []
    lon0, lat0 = centre
    k = math.cos(math.radians(lat0))
    out = [{"device_id": r.device_id, "name": r.name, "lon": float(r.lon), "lat": float(r.lat), "aqi": int(r.aqi),
            "band": r.band, "inside": r.ward_code == ward,
            "km": math.hypot((float(r.lon) - lon0) * k, float(r.lat) - lat0) * 111.32}
           for r in found.itertuples()]
    inside = [s for s in out if s["inside"]]
    return sorted(inside or out, key=lambda s: (s["km"], s["device_id"]))[: max(n, len(inside))]
