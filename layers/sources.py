"""PostGIS → GeoDataFrames (EPSG:4326). The connection is passed in; nothing is read at import.

Point loaders take ``ward_code`` (+ ``on_date``) to keep the points inside that ward's boundary valid on the date.
Devices without a location cannot be drawn and are left out here; ``layers.assign`` lists them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from layers.airq import WINDOW, latest_aqi
from layers.assign import today
from layers.crs import WGS84

# Keeps a device when no ward is asked for, or when the ward valid on the date covers it.
_IN_WARD = sql.SQL("""(%(ward)s::text IS NULL OR ST_Covers(
    (SELECT ST_Union(w.geom) FROM ioc_wards_at(%(on_date)s) w WHERE w.code = %(ward)s), d.location))""")

_WARDS = """
SELECT code, name, province, former_city, valid_from, valid_to, ST_AsBinary(geom)
FROM ioc_wards_at(%(on_date)s)
WHERE %(codes)s::text[] IS NULL OR code = ANY(%(codes)s)
ORDER BY code
"""
_DEVICES = sql.SQL("""
SELECT d.device_id, d.kind, d.name, d.state, d.ward_code, d.attrs->>'camera_type', d.attrs->>'ownership',
       d.attrs->>'hotspot', d.last_data_at, d.data_age_s, ST_X(d.location), ST_Y(d.location)
FROM device_state d
WHERE d.location IS NOT NULL AND (%(kinds)s::text[] IS NULL OR d.kind = ANY(%(kinds)s)) AND {in_ward}
ORDER BY d.device_id
""")
_STATIONS = sql.SQL("""
SELECT d.device_id, d.name, d.state, ST_X(d.location), ST_Y(d.location)
FROM device_state d WHERE d.kind = %(kind)s AND d.location IS NOT NULL AND {in_ward} ORDER BY d.device_id
""")
# Lamps (not cabinets) with their newest reading of the last 30 minutes (none: no_data on the map).
_LIGHTS = sql.SQL("""
SELECT d.device_id, d.name, d.ward_code, l.power_state, l.commanded_power_state, l.lamp_failure, l.supply_loss,
       l.lamp_unexpected_on, ST_X(d.location), ST_Y(d.location)
FROM devices d
LEFT JOIN LATERAL (SELECT * FROM light_telemetry l WHERE l.device_id = d.device_id
                   AND l.ts > %(since)s AND l.ts <= %(at)s ORDER BY l.ts DESC LIMIT 1) l ON true
WHERE d.kind = 'light' AND coalesce(d.attrs->>'device_type', 'lamp') = 'lamp' AND d.location IS NOT NULL
  AND {in_ward}
ORDER BY d.device_id
""")
_LIGHT_COLUMNS = ["device_id", "name", "ward_code", "power_state", "commanded_power_state", "lamp_failure",
                  "supply_loss", "lamp_unexpected_on"]
_AQ_HOURS = """
SELECT device_id, bucket, metric, sum / nullif(n, 0)
FROM rollup_1h
WHERE metric = ANY(%(metrics)s) AND device_id = ANY(%(ids)s) AND bucket > %(since)s AND bucket <= %(at)s
"""
_WIFI = """
SELECT device_id, bucket, sum / nullif(n, 0), res FROM (
    (SELECT DISTINCT ON (device_id) device_id, bucket, sum, n, '1m' AS res FROM rollup_1m
     WHERE metric = 'clients' AND device_id = ANY(%(ids)s) AND bucket > %(since_1m)s AND bucket <= %(at)s
     ORDER BY device_id, bucket DESC)
    UNION ALL
    (SELECT DISTINCT ON (device_id) device_id, bucket, sum, n, '1h' AS res FROM rollup_1h
     WHERE metric = 'clients' AND device_id = ANY(%(ids)s) AND bucket > %(since_1h)s AND bucket <= %(at)s
     ORDER BY device_id, bucket DESC)
) x ORDER BY res = '1m' DESC
"""
_DEVICE_COLUMNS = ["device_id", "kind", "name", "state", "ward_code", "camera_type", "ownership", "hotspot",
                   "last_data_at", "data_age_s"]


def load_wards(conn: psycopg.Connection, on_date: date | None = None,
               codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """Wards valid on ``on_date`` (default today in Vietnam): code, name, province, former_city, valid_from,
    valid_to, geometry (MultiPolygon, EPSG:4326)."""
    rows = conn.execute(_WARDS, {"on_date": on_date or today(), "codes": codes}).fetchall()
    cols = ["code", "name", "province", "former_city", "valid_from", "valid_to"]
    frame = pd.DataFrame([r[:-1] for r in rows], columns=cols)
    geoms = shapely.from_wkb(np.array([bytes(r[-1]) for r in rows], dtype=object)) if rows else []
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


def load_devices(conn: psycopg.Connection, *, kinds: list[str] | None = None, ward_code: str | None = None,
                 on_date: date | None = None) -> gpd.GeoDataFrame:
    """Located devices with their state from ``device_state`` (online, stale, offline, unregistered)."""
    params = {"kinds": kinds, "ward": ward_code, "on_date": on_date or today()}
    rows = conn.execute(_DEVICES.format(in_ward=_IN_WARD), params).fetchall()
    return _points(rows, _DEVICE_COLUMNS)


def load_air_quality(conn: psycopg.Connection, *, at: datetime | None = None, ward_code: str | None = None,
                     on_date: date | None = None) -> gpd.GeoDataFrame:
    """Environment stations with their latest hourly VN_AQI from ``rollup_1h`` (see :func:`layers.airq.latest_aqi`).

    Stations without an hour in the last 12 are kept, with ``aqi`` <NA>: a map must show that a station is silent.
    """
    moment = at or _now(conn)
    stations = _stations(conn, "env", ward_code, on_date)
    params = {"metrics": ["pm25", "pm10", "o3", "co", "so2", "no2"], "ids": list(stations["device_id"]),
              "since": moment - WINDOW, "at": moment}
    hourly = pd.DataFrame(conn.execute(_AQ_HOURS, params).fetchall(), columns=["device_id", "bucket", "metric", "mean"])
    aqi = latest_aqi(hourly.dropna(subset=["mean"]), moment)
    merged = stations.merge(aqi, on="device_id", how="left")
    merged["aqi"] = merged["aqi"].astype("Int64")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=WGS84)


def load_wifi_load(conn: psycopg.Connection, *, at: datetime | None = None, ward_code: str | None = None,
                   on_date: date | None = None, window: timedelta = timedelta(minutes=15)) -> gpd.GeoDataFrame:
    """Wifi access points with ``clients`` now: the newest 1-minute mean within ``window``, else the newest
    1-hour mean within 2 hours (``resolution`` says which); <NA> when neither exists."""
    moment = at or _now(conn)
    aps = _stations(conn, "wifi", ward_code, on_date)
    params = {"ids": list(aps["device_id"]), "since_1m": moment - window,
              "since_1h": moment - timedelta(hours=2), "at": moment}
    latest: dict[str, tuple[object, object, str]] = {}
    for device_id, bucket, clients, res in conn.execute(_WIFI, params).fetchall():
        latest.setdefault(device_id, (bucket, clients, res))   # '1m' rows come first
    aps["bucket"] = aps["device_id"].map(lambda i: latest.get(i, (None,))[0])
    aps["clients"] = pd.array([latest.get(i, (None, None))[1] for i in aps["device_id"]], dtype="Float64")
    aps["resolution"] = aps["device_id"].map(lambda i: latest.get(i, (None, None, None))[2])
    return aps


def load_lights(conn: psycopg.Connection, *, at: datetime | None = None, ward_code: str | None = None,
                on_date: date | None = None, window: timedelta = timedelta(minutes=30)) -> gpd.GeoDataFrame:
    """Street lamps with their newest state within ``window`` (three 10-minute reports); <NA> states when silent."""
    moment = at or _now(conn)
    params = {"since": moment - window, "at": moment, "ward": ward_code, "on_date": on_date or today()}
    return _points(conn.execute(_LIGHTS.format(in_ward=_IN_WARD), params).fetchall(), _LIGHT_COLUMNS)


def _stations(conn: psycopg.Connection, kind: str, ward_code: str | None, on_date: date | None) -> gpd.GeoDataFrame:
    params = {"kind": kind, "ward": ward_code, "on_date": on_date or today()}
    rows = conn.execute(_STATIONS.format(in_ward=_IN_WARD), params).fetchall()
    return _points(rows, ["device_id", "name", "state"])


def _points(rows: list[tuple[object, ...]], columns: list[str]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame([r[:-2] for r in rows], columns=columns)
    lon = np.array([r[-2] for r in rows], dtype=float)
    lat = np.array([r[-1] for r in rows], dtype=float)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat, crs=WGS84), crs=WGS84)


def _now(conn: psycopg.Connection) -> datetime:
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]
