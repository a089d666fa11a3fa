"""The wall map per tick: the whole figure when its shape changes, else a Patch of what changed, else nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from psycopg_pool import ConnectionPool

from dashboards import cache, maps
from dashboards.queries import alarms as alarm_q
from dashboards.queries import maplayers, wards
from dashboards.theme import Theme
from dashboards.views import figure_diff, wall_alarms, wall_incidents

# The wall's map panel at 1920×1080: the width left of the 660 px tile column, the height above the feed.
WALL_MAP_PX = (1230, 700)


def scene_key(scene: dict[str, Any]) -> str:
    return f"scene:{scene.get('ward') or scene.get('area') or 'city'}"


def view(pool: ConnectionPool, scene: dict[str, Any]) -> maps.MapView:
    """The box of a resolved scene (``views.wall.resolve``): its wards, else every ward that holds devices."""
    return maps.MapView(wards.extent(pool, scene.get("codes")), scene_key(scene), *WALL_MAP_PX, wall=True)


def figure(pool: ConnectionPool, now: datetime, scene: dict[str, Any], theme: Theme, lang: str,
           tiles_url: str | None) -> dict[str, Any]:
    """The devices, stations, access points and open reports of the scene's wards (the city view's: all of them),
    so the legend counts what the tiles count, over the outlines of its province's wards for context."""
    area = scene.get("area_codes")
    src = maplayers.load(pool, now, ward_codes=area or wards.with_devices(pool) or None, scope=scene.get("codes"))
    src = replace(src, alarms=wall_alarms.map_points(alarm_q.located(pool, scene.get("codes")), lang),
                  incidents=wall_incidents.map_traces(wall_incidents.live(pool, now, scene.get("codes")), lang))
    return maps.figure(src, theme, lang, tiles_url, view(pool, scene))


MAP_TTL_S = 5.0   # one wall tick


def update(pool: ConnectionPool, now: datetime, scene: dict[str, Any], known: figure_diff.Known | None,
           theme: Theme, lang: str, tiles_url: str | None, store: cache.Store | None = None) -> tuple[Any, Any]:
    """(figure, Patch or no_update; the browser's new known record). ``uirevision`` is the scene: an operator's
    zoom survives ticks but not a scene change (the Patch then carries the new centre, zoom and revision). The
    figure of a scene is shared through ``store`` for one tick; the Patch is each browser's own."""
    scope = (scene_key(scene), tuple(scene.get("codes") or ()), tuple(scene.get("area_codes") or ()), theme.name,
             lang, tiles_url)
    got = cache.cached(store, "wall-map", scope, now, MAP_TTL_S,
                       lambda: figure(pool, now, scene, theme, lang, tiles_url))
    return figure_diff.update(got.value, known)
