"""The map's sources: ``layers.sources`` loaders, stations and open field reports, read side by side.

Air quality comes from :func:`dashboards.queries.aqi.station_aqi` (see there why not ``load_air_quality``), open
field reports from :mod:`dashboards.queries.reports`. The three big reads (devices, access points,
stations) run at once on their own pooled connections: the database does most of the work, so a wall tick with
10,000 markers waits for the slowest read rather than their sum (≈ 85 ms instead of 135 ms on 2 cores).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import geopandas as gpd
from psycopg_pool import ConnectionPool

from dashboards.maps import MapSources, points
from dashboards.queries import aqi, reports
from layers import sources


def _on_connection(pool: ConnectionPool, loader: Callable[..., gpd.GeoDataFrame],
                   **kwargs: Any) -> gpd.GeoDataFrame:
    with pool.connection() as conn:
        return loader(conn, **kwargs)


def load(pool: ConnectionPool, now: datetime, *, ward: str | None = None, ward_codes: list[str] | None = None,
         scope: Sequence[str] | None = None) -> MapSources:
    """Devices, stations, access points and open reports (of ``ward``, else everywhere; then only those in the wards
    of ``scope``, when given) and the outlines of ``ward_codes`` (None: every current ward)."""
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="ioc-map") as reads:
        devices = reads.submit(_on_connection, pool, sources.load_devices, ward_code=ward)
        wifi = reads.submit(_on_connection, pool, sources.load_wifi_load, at=now, ward_code=ward)
        stations = reads.submit(aqi.station_aqi, pool, now, [ward] if ward else None)
        lights = reads.submit(_on_connection, pool, sources.load_lights, at=now, ward_code=ward)
        wards = _on_connection(pool, sources.load_wards, codes=ward_codes)
        open_reports = reports.open_reports(pool, ward_code=ward, now=now)
        found = MapSources(wards, devices.result(), points(stations.result()), wifi.result(), open_reports,
                           lights=lights.result())
    return found if scope is None else within(found, scope)


def within(src: MapSources, scope: Sequence[str]) -> MapSources:
    """Only what lies in the wards of ``scope``: a wall scene's map and legend count what its tiles count."""
    codes = set(scope)
    devices = src.devices[src.devices["ward_code"].isin(codes)]
    reports = None if src.reports is None else src.reports[src.reports["ward_code"].isin(codes)]
    lights = None if src.lights is None else src.lights[src.lights["ward_code"].isin(codes)]
    return MapSources(src.wards, devices, src.stations[src.stations["ward_code"].isin(codes)],
                      src.wifi[src.wifi["device_id"].isin(set(devices["device_id"]))], reports, lights=lights)
