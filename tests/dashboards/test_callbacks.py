"""Callbacks as plain functions: the functions the pages' @callback wrappers call, against the real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import plotly.graph_objects as go
import psycopg
from dash import Patch
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.theme import DARK
from dashboards.views import devices as devices_view
from dashboards.views import wall, wall_map
from dashboards.views import ward as ward_view
from ioc.config import Settings
from tests.dashboards import seed

OPTS = {"lang": "vi", "theme": "dark", "ward": None, "rotate": 0}


def _ctx(settings: Settings, pool: ConnectionPool) -> context.IocContext:
    return context.IocContext(settings, given=pool)


def _tiles(out: tuple[object, ...]) -> dict[str, str]:
    bodies, classes = out[0], out[1]
    assert isinstance(bodies, list) and isinstance(classes, list)
    return {key: cls for key, cls in zip(wall.TILE_KEYS, classes, strict=True)}


def test_wall_refresh_fills_tiles_and_hides_the_banner(settings: Settings, pool: ConnectionPool,
                                                       seeded: list[seed.Device]) -> None:
    out = wall.wall_refresh(_ctx(settings, pool), {"i": 0, "ward": None}, OPTS, datetime.now(UTC))
    classes = _tiles(out)
    assert "ioc-stale" not in classes["aqi"] and "ioc-unavailable" in classes["reports"]
    assert out[2] == "" and out[3] == "ioc-banner"
    assert len(out[4]) == 8 and out[5] == "Toàn thành phố"
    body = json.dumps(out[0][wall.TILE_KEYS.index("devices")], default=lambda c: c.to_plotly_json())
    assert "36 / 36" in body


def test_wall_refresh_greys_old_tiles_and_shows_the_banner(db: psycopg.Connection, settings: Settings,
                                                           pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    db.execute("DELETE FROM rollup_1m WHERE metric = 'clients'")       # wifi silent for the last hour
    db.execute("DELETE FROM rollup_1h WHERE metric IN ('pm25', 'pm10') AND bucket > now() - interval '4 hours'")
    seed.heartbeat(db, age_s=settings.stale_ingest_s + 60)
    out = wall.wall_refresh(_ctx(settings, pool), {"i": 1, "ward": "22333"}, OPTS | {"lang": "en"},
                            datetime.now(UTC))
    classes = _tiles(out)
    assert "ioc-stale" in classes["wifi"] and "ioc-stale" in classes["system"]
    assert "ioc-stale" in classes["aqi"]  # the newest PM2.5 hour is hours old: greyed, with its age
    assert "Data not updating" in str(out[2]) and out[3].endswith("ioc-banner-on")
    assert out[5] == "Phường Bắc Nha Trang"


def test_scenes_rotate_through_the_city_and_each_ward() -> None:
    codes = ["22333", "22366"]
    scene = {"i": 0, "ward": None}
    seen = []
    for _ in range(4):
        scene = wall.next_scene(scene, OPTS, codes)
        seen.append(scene["ward"])
    assert seen == ["22333", "22366", None, "22333"]
    assert wall.next_scene(scene, OPTS | {"ward": "22366"}, codes)["ward"] == "22366"


def test_wall_map_sends_a_figure_once_then_small_patches(db: psycopg.Connection, pool: ConnectionPool,
                                                         seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    fig, sig = wall_map.update(pool, now, {"ward": None}, None, DARK, "vi", None, scene_changed=False)
    assert isinstance(fig, go.Figure) and fig.layout.uirevision == "scene:city"
    assert fig.layout.map.style == "white-bg"  # offline: no tile server, no style download
    seed.age_devices(db, offline=["camera-22333-0001"])
    patch, sig2 = wall_map.update(pool, now, {"ward": None}, sig, DARK, "vi", None, scene_changed=False)
    assert isinstance(patch, Patch) and sig2 == sig
    assert DARK.state_colors["offline"] in json.dumps(patch.to_plotly_json())
    moved, _ = wall_map.update(pool, now, {"ward": "22366"}, sig, DARK, "vi", None, scene_changed=True)
    ops = json.dumps(moved.to_plotly_json())
    assert "scene:22366" in ops and "center" in ops
    db.execute("INSERT INTO devices (device_id, kind, location, ward_code, registered) "
               "VALUES ('camera-new', 'camera', ST_SetSRID(ST_Point(109.19, 12.25), 4326), '22402', true)")
    _, sig3 = wall_map.update(pool, now, {"ward": None}, sig, DARK, "vi", None, scene_changed=False)
    assert sig3 != sig


def test_device_table_pages_and_sorts(settings: Settings, pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    from dashboards.queries.devices import DeviceFilter

    table, pages, total = devices_view.device_page(_ctx(settings, pool), DeviceFilter(), {"col": "device_id",
                                                                                          "desc": True}, 2, "en")
    assert pages == 2 and total == "36 devices"
    text = json.dumps(table.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert "camera-22333-0001" in text and "wifi-22402-0003" not in text  # page 2 of a descending sort
    assert devices_view.toggle_sort({"col": "kind", "desc": False}, "kind") == {"col": "kind", "desc": True}
    assert devices_view.toggle_sort({"col": "kind", "desc": True}, "state") == {"col": "state", "desc": False}


def test_ward_charts_have_band_backgrounds(settings: Settings, pool: ConnectionPool,
                                           seeded: list[seed.Device]) -> None:
    figs = ward_view.ward_charts(_ctx(settings, pool), {"code": "22333", "lang": "en"}, datetime.now(UTC), 6)
    assert len(figs) == 6
    pm24, aqi24, pm30, aqi30 = figs[:4]
    assert 20 <= len(pm24.data[0].x) <= 25 and len(pm24.layout.shapes) >= 2
    assert {s.fillcolor for s in aqi24.layout.shapes} <= {"#00e400", "#ffff00", "#ff7e00", "#ff0000", "#8f3f97",
                                                          "#7e0023"}
    assert 30 <= len(pm30.data[0].x) <= 32 and len(aqi30.data[0].y) == len(pm30.data[0].y)
    assert figs[4].data[0].name == "A week earlier" and figs[5].data[0].name == "Vehicles"
    unknown = ward_view.ward_overview(_ctx(settings, pool), {"code": "99999", "lang": "en"}, datetime.now(UTC))
    assert unknown[0] == "No ward with code 99999"
