"""Callbacks as plain functions: the functions the pages' @callback wrappers call, against the real database."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import psycopg
from dash import Patch, no_update
from dash._utils import to_json
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.queries import rollups, wards
from dashboards.theme import DARK
from dashboards.views import devices as devices_view
from dashboards.views import wall, wall_map
from dashboards.views import ward as ward_view
from ioc.config import Settings
from layers.style import STATES
from layers.vn_aqi import BANDS, daily_aqi
from tests.dashboards import seed

OPTS = {"lang": "vi", "theme": "dark", "ward": None, "rotate": 0}


def _ctx(settings: Settings, pool: ConnectionPool) -> context.IocContext:
    return context.IocContext(settings, given=pool)


def _tiles(out: tuple[object, ...]) -> dict[str, str]:
    bodies, classes = out[0], out[1]
    assert isinstance(bodies, list) and isinstance(classes, list)
    return {key: cls for key, cls in zip(wall.TILE_KEYS, classes, strict=True)}


def test_wall_refresh_fills_tiles_and_hides_the_banner(db: psycopg.Connection, settings: Settings,
                                                       pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    seed.field_reports(db, "22333", open_=3, overdue=1)
    out = wall.wall_refresh(_ctx(settings, pool), {"i": 0, "ward": None}, OPTS, datetime.now(UTC))
    classes = _tiles(out)
    assert "ioc-stale" not in classes["aqi"] and "ioc-unavailable" not in classes["reports"]
    assert out[2] == "" and out[3] == "ioc-banner"
    assert len(out[4]) == 8 and out[5] == "Toàn thành phố"
    body = json.dumps(out[0][wall.TILE_KEYS.index("devices")], default=lambda c: c.to_plotly_json())
    assert "36 / 36" in body
    reports = json.dumps(out[0][wall.TILE_KEYS.index("reports")], default=lambda c: c.to_plotly_json())
    assert "3 / 1" in reports and wall.OVERDUE_HEX in reports  # open / overdue, overdue in the alert colour


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


NT = wards.Area("Tỉnh Khánh Hòa", ("22333", "22366"))
DX = wards.Area("Tỉnh Đồng Nai", ("25195", "25210"))


def _rotation(opts: dict[str, object], areas: list[wards.Area], n: int) -> list[tuple[object, object]]:
    scene: dict[str, object] = {"i": 0}
    seen = []
    for _ in range(n):
        scene = wall.next_scene(scene, opts, areas)
        seen.append((scene.get("area"), scene.get("ward")))
    return seen


def test_scenes_rotate_through_the_city_and_each_ward() -> None:
    assert _rotation(OPTS, [NT], 4) == [(None, "22333"), (None, "22366"), (None, None), (None, "22333")]
    assert wall.resolve({"i": 0}, OPTS, [NT]) == {"codes": None, "area_codes": None}  # one province: the whole city
    assert wall.next_scene({"i": 3}, OPTS | {"ward": "22366"}, [NT])["ward"] == "22366"
    assert wall.resolve({"ward": "22366"}, OPTS, [NT]) == {"ward": "22366", "codes": ["22366"], "area_codes": None}


def test_two_cities_rotate_as_two_city_views_never_the_empty_country_between() -> None:
    assert _rotation(OPTS, [NT, DX], 6) == [(None, "22333"), (None, "22366"), ("Tỉnh Đồng Nai", None),
                                             (None, "25195"), (None, "25210"), ("Tỉnh Khánh Hòa", None)]
    # a wall that does not rotate shows the first city (most devices), scoped to its wards
    assert wall.resolve({"i": 0, "ward": None}, OPTS, [NT, DX]) == {
        "area": "Tỉnh Khánh Hòa", "codes": ["22333", "22366"], "area_codes": ["22333", "22366"]}
    # a ward scene is framed on the ward and draws its own city around it
    assert wall.resolve({"ward": "25210"}, OPTS, [NT, DX])["area_codes"] == ["25195", "25210"]
    assert wall.resolve({"area": "Tỉnh Đồng Nai"}, OPTS, [NT, DX])["codes"] == ["25195", "25210"]
    # ?area= keeps the rotation inside one province
    assert _rotation(OPTS | {"area": "Tỉnh Đồng Nai"}, [NT, DX], 3) == [
        (None, "25195"), (None, "25210"), ("Tỉnh Đồng Nai", None)]


def test_wall_of_two_cities_frames_and_counts_one_city_at_a_time(db: psycopg.Connection, settings: Settings,
                                                                 pool: ConnectionPool,
                                                                 seeded: list[seed.Device]) -> None:
    seed.load_wards(db, ("25195", "25210"))
    seed.add_devices(db, 1, wards=("25195", "25210"))
    areas = wards.areas(pool)
    assert [(a.name, a.codes) for a in areas] == [("Tỉnh Khánh Hòa", ("22333", "22402", "22366", "22390")),  # by name
                                                  ("Tỉnh Đồng Nai", ("25195", "25210"))]
    out = wall.wall_refresh(_ctx(settings, pool), {"i": 0, "ward": None}, OPTS, datetime.now(UTC))
    assert out[5] == "Tỉnh Khánh Hòa"
    body = json.dumps(out[0][wall.TILE_KEYS.index("devices")], default=lambda c: c.to_plotly_json())
    assert "36 / 36" in body                                  # Nha Trang's 36, not the 42 of both cities
    db.execute("DELETE FROM devices WHERE kind = 'env' AND ward_code = '25210'")
    out = wall.wall_refresh(_ctx(settings, pool), {"i": 5, "ward": "25210"}, OPTS, datetime.now(UTC))
    aqi_tile = json.dumps(out[0][wall.TILE_KEYS.index("aqi")], ensure_ascii=False, default=lambda c: c.to_plotly_json())
    assert "Không có trạm quan trắc ở khu vực này" in aqi_tile          # none here, rather than "no data yet"
    assert "ioc-unavailable" in _tiles(out)["aqi"] and "ioc-stale" not in _tiles(out)["aqi"]
    out = wall.wall_refresh(_ctx(settings, pool), {"i": 3, "area": "Tỉnh Đồng Nai"}, OPTS, datetime.now(UTC))
    body = json.dumps(out[0][wall.TILE_KEYS.index("devices")], default=lambda c: c.to_plotly_json())
    assert out[5] == "Tỉnh Đồng Nai" and "5 / 5" in body
    fig, _ = wall_map.update(pool, datetime.now(UTC), wall.resolve({"area": "Tỉnh Đồng Nai"}, OPTS, areas), None,
                             DARK, "vi", None)
    centre, zoom = fig["layout"]["map"]["center"], fig["layout"]["map"]["zoom"]
    assert 106.8 < centre["lon"] < 107.0 and 11.4 < centre["lat"] < 11.7 and zoom > 10   # Đồng Xoài, close up
    assert fig["layout"]["uirevision"] == "scene:Tỉnh Đồng Nai"
    drawn = {t["uid"]: t["name"] for t in fig["data"] if str(t.get("uid", "")).startswith("devices-")}
    assert drawn["devices-online"].endswith("(5)")                 # the legend counts Đồng Xoài's devices only
    fig, _ = wall_map.update(pool, datetime.now(UTC), wall.resolve({"ward": "25210"}, OPTS, areas), None,
                             DARK, "vi", None)
    in_ward = db.execute("SELECT count(*) FROM devices WHERE ward_code = '25210' AND online").fetchone()[0]
    drawn = {t["uid"]: t for t in fig["data"] if str(t.get("uid", "")).startswith("devices-")}
    assert 0 < in_ward < 5 and drawn["devices-online"]["name"].endswith(f"({in_ward})")   # the ward's, as its tiles
    assert _points(drawn["devices-online"]) == in_ward
    outlines = next(t for t in fig["data"] if t["type"] == "choroplethmap")
    assert sorted(outlines["locations"]) == ["25195", "25210"]                             # its province around it


def test_feed_says_what_happened_before_the_device_name() -> None:
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    long_name = "Camera người dân 0955 – Trường Trung học cơ sở Nguyễn Văn Trỗi, Phường Bình Phước"
    camera = pd.DataFrame({"ts": [now], "type": ["illegal_parking"], "name": ["Camera 2"]})
    changes = pd.DataFrame({"ts": [now.replace(minute=1)], "online": [False], "name": [long_name]})
    # rendered at 03:02: the feed shows nothing dated after the wall's clock
    items = wall.feed_items(camera, changes, now.replace(minute=2), ZoneInfo("Asia/Ho_Chi_Minh"), "vi")
    texts = [li.children[1].children for li in items]
    assert texts == [f"Mất kết nối · {long_name}", "Đỗ xe sai quy định · Camera 2"]     # newest first
    assert items[0].children[0].children == "10:01:00"                                   # local time


def _points(trace: dict[str, Any]) -> int:
    """How many points a trace draws: its ``lon`` is a list, or plotly's typed array ({"dtype", "bdata"})."""
    lon = trace["lon"]
    if isinstance(lon, dict):
        return len(np.frombuffer(base64.b64decode(lon["bdata"]), dtype=lon["dtype"]))
    return len(lon)


def _ops(patch: object) -> list[tuple[object, ...]]:
    assert isinstance(patch, Patch)
    return [tuple(op["location"]) for op in patch.to_plotly_json()["operations"]]


def test_wall_map_sends_a_figure_once_then_small_patches(db: psycopg.Connection, pool: ConnectionPool,
                                                         seeded: list[seed.Device]) -> None:
    seed.field_reports(db, "22390", open_=3, overdue=1)
    now = datetime.now(UTC)
    fig, known = wall_map.update(pool, now, {"ward": None}, None, DARK, "vi", None)
    assert isinstance(fig, dict) and fig["layout"]["uirevision"] == "scene:city"
    uids = [t.get("uid") for t in fig["data"]]
    assert [u for u in uids if u and u.startswith("devices-")] == [f"devices-{s}" for s in STATES]
    assert {"report-open", "report-in_progress", "report-overdue"} <= {t.get("legendgroup") for t in fig["data"]}
    style = fig["layout"]["map"]["style"]
    assert isinstance(style, dict) and style["sources"] and "glyphs" not in style and "http" not in json.dumps(style)
    assert wall_map.update(pool, now, {"ward": None}, known, DARK, "vi", None) == (no_update, no_update)

    seed.age_devices(db, offline=["camera-22333-0001"])
    patch, known2 = wall_map.update(pool, now, {"ward": None}, known, DARK, "vi", None)
    touched = {uids[int(str(op[1]))] for op in _ops(patch)}
    assert touched == {"devices-online", "devices-offline"}  # one device moved between two state traces
    assert len(to_json(patch)) < len(to_json(fig)) / 3 and "FeatureCollection" not in to_json(patch)

    # a ward scene draws the ward's devices only; its reports (none here) are a trace fewer: the whole figure again
    moved, _ = wall_map.update(pool, now, {"ward": "22366", "codes": ["22366"]}, known2, DARK, "vi", None)
    assert isinstance(moved, dict) and moved["layout"]["uirevision"] == "scene:22366"
    shown = sum(_points(t) for t in moved["data"] if str(t.get("uid", "")).startswith("devices-"))
    assert shown == db.execute("SELECT count(*) FROM devices WHERE ward_code = '22366'").fetchone()[0] < 36

    db.execute("INSERT INTO devices (device_id, kind, location, ward_code, registered) "
               "VALUES ('camera-new', 'camera', ST_SetSRID(ST_Point(109.19, 12.25), 4326), '22402', true)")
    added, _ = wall_map.update(pool, now, {"ward": None}, known2, DARK, "vi", None)
    assert "camera-new" in to_json(added)


def test_wall_map_draws_the_operators_tiles_when_configured(pool: ConnectionPool,
                                                            seeded: list[seed.Device]) -> None:
    url = "https://tiles.example.vn/{z}/{x}/{y}.png"
    fig, _ = wall_map.update(pool, datetime.now(UTC), {"ward": None}, None, DARK, "en", url)
    style = fig["layout"]["map"]["style"]
    assert style["sources"]["ioc-tiles"]["tiles"] == [url] and style["layers"][0]["type"] == "background"


def test_device_table_pages_and_sorts(settings: Settings, pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    from dashboards.queries.devices import DeviceFilter

    table, pages, total = devices_view.device_page(_ctx(settings, pool), DeviceFilter(), {"col": "device_id",
                                                                                          "desc": True}, 2, "en")
    assert pages == 2 and total == "36 devices"
    text = json.dumps(table.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert "camera-22333-0001" in text and "wifi-22402-0003" not in text  # page 2 of a descending sort
    assert devices_view.toggle_sort({"col": "kind", "desc": False}, "kind") == {"col": "kind", "desc": True}
    assert devices_view.toggle_sort({"col": "kind", "desc": True}, "state") == {"col": "state", "desc": False}


def test_ward_charts_have_band_backgrounds_and_local_times(settings: Settings, pool: ConnectionPool,
                                                            seeded: list[seed.Device]) -> None:
    now = datetime.now(UTC)
    figs = ward_view.ward_charts(_ctx(settings, pool), {"code": "22333", "lang": "en"}, now, 9)
    assert len(figs) == 9   # the 7th: data completeness per day (issue 16); wifi sessions by day and hour (19)
    pm24, aqi24, pm30, aqi30 = figs[:4]
    local = now.astimezone(settings.tz)
    # times are local wall-clock strings ending at the current hour; the days end today
    assert 20 <= len(pm24["data"][0]["x"]) <= 25 and pm24["data"][0]["x"][-1] == local.strftime("%Y-%m-%d %H:00")
    assert len(pm30["data"][0]["x"]) == 30 and pm30["data"][0]["x"][-1] == local.strftime("%Y-%m-%d 00:00")
    assert aqi30["data"][0]["y"] == [_daily_aqi(v) for v in pm30["data"][0]["y"]]
    assert len(pm24["layout"]["shapes"]) >= 2
    assert {s["fillcolor"] for s in aqi24["layout"]["shapes"]} <= {b.hex for b in BANDS}
    labels = {a["text"] for f in figs[:4] for a in f["layout"].get("annotations", [])}
    assert labels and labels <= {b.name_en for b in BANDS}  # no stray "new text" annotations
    assert figs[4]["data"][0]["name"] == "A week earlier" and figs[5]["data"][0]["name"] == "Vehicles"
    unknown = ward_view.ward_overview(_ctx(settings, pool), {"code": "99999", "lang": "en"}, now)
    assert unknown[0] == "No ward with code 99999"


def _daily_aqi(pm25: float | None) -> int | None:
    found = daily_aqi(pm25_24h=pm25)
    return found.value if found else None


def test_ward_overview_maps_the_ward_and_counts_its_reports(db: psycopg.Connection, settings: Settings,
                                                            pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    seed.field_reports(db, "22366", open_=4, overdue=2)
    ioc = _ctx(settings, pool)
    title, fig, known, _devices, reports, _cameras, _wifi = ward_view.ward_overview(
        ioc, {"code": "22366", "lang": "en"}, datetime.now(UTC))
    assert title == "Phường Nha Trang" and fig["layout"]["uirevision"] == "ward:22366"
    assert sum(len(t["hovertext"]) for t in fig["data"] if str(t.get("uid", "")).startswith("devices-")) == 9
    text = json.dumps(reports.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert '"4"' in text and '"2"' in text and "Overdue" in text
    again = ward_view.ward_overview(ioc, {"code": "22366", "lang": "en"}, datetime.now(UTC), known)
    assert again[1] is no_update  # nothing changed: nothing sent


def test_wifi_tile_compares_with_last_week_only_when_there_was_a_last_week() -> None:
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)

    def detail(last_week: float | None) -> str:
        snap = wall.WallSnapshot(now, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                                 rollups.WifiCompare(420.0, now, 25, last_week), pd.DataFrame(), None,  # type: ignore[arg-type]
                                 None)
        return json.dumps(wall.wifi_tile(snap, "vi").detail, ensure_ascii=False,
                          default=lambda c: c.to_plotly_json())
    assert "+5" in detail(400.0) and "Cùng giờ tuần trước: 400" in detail(400.0)
    assert "Cùng giờ tuần trước: —" in detail(None) and detail(None).count("—") == 1   # no "—" for a change
