"""The wall map per tick: a full figure when the device set changes, else a small :class:`dash.Patch`."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from dash import Patch
from psycopg_pool import ConnectionPool

from dashboards import maps
from dashboards.queries import aqi, devices, rollups, wards
from dashboards.theme import Theme


def map_data(pool: ConnectionPool, now: datetime, ward: str | None) -> maps.MapData:
    """Every device and station (the scene only moves the view), the outlines of the wards in view."""
    codes = wards.with_devices(pool)
    view = wards.extent(pool, [ward] if ward else None)
    return maps.MapData(outlines=wards.outlines(pool, codes or None), points=devices.map_points(pool),
                        stations=aqi.station_aqi(pool, now), wifi=rollups.wifi_now(pool), view=view)


def signature(data: maps.MapData, theme: Theme, lang: str) -> str:
    """Changes when the markers' order changes (a device added or placed), so patches stay aligned."""
    h = hashlib.sha1(usedforsecurity=False)
    h.update(f"{theme.name}|{lang}|".encode())
    h.update("\n".join(maps.device_order(data.points)).encode())
    return h.hexdigest()


def scene_key(scene: dict[str, Any] | None) -> str:
    return f"scene:{(scene or {}).get('ward') or 'city'}"


def update(pool: ConnectionPool, now: datetime, scene: dict[str, Any] | None, known: str | None, theme: Theme,
           lang: str, tiles_url: str | None, scene_changed: bool) -> tuple[Any, str]:
    """(figure or patch, signature). uirevision is the scene, so zoom survives ticks but not a scene change."""
    ward = (scene or {}).get("ward")
    data = map_data(pool, now, ward)
    sig = signature(data, theme, lang)
    if sig != known:
        return maps.city_map(data, theme, lang, tiles_url, scene_key(scene)), sig
    patch: Patch = maps.state_patch(data, theme, lang)
    if scene_changed:
        center, zoom = maps.center_zoom(data.view)
        patch["layout"]["map"]["center"] = center
        patch["layout"]["map"]["zoom"] = zoom
        patch["layout"]["uirevision"] = scene_key(scene)
    return patch, sig
