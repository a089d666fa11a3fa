"""The wall's view model: one snapshot of the database (:func:`snapshot`), the tiles, feed and banner built from it
(pure functions of the snapshot), the scenes a rotating wall shows, and :func:`wall_refresh`, which the wall's
callback calls to read and build one tick."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from dash import html
from psycopg_pool import ConnectionPool

from dashboards import cache, context, fmt
from dashboards.components import Tile, tile_body, tile_class
from dashboards.i18n import norm_lang, t
from dashboards.queries import alarms as alarm_q
from dashboards.queries import (
    aqi,
    camwifi,
    completeness,
    devices,
    environment,
    events,
    health,
    replica,
    report_counts,
    rollups,
    wards,
)
from dashboards.theme import Theme, theme_for
from dashboards.views import camwifi as camwifi_view
from dashboards.views import lighting as lighting_view
from dashboards.views import replica_banner, wall_alarms, wall_environment, wall_incidents, wall_lighting, wall_social
from layers.environment import load_noise_limits
from layers.vn_aqi import BANDS
from pipelines.social import queries as social_q
from pipelines.social.model import HIGH_REACH

# the side column, in its order
TILE_KEYS = ("alarms", "incidents", "devices", "aqi", "wifi", "environment", "events", "reports", "system", "social")
BOTTOM_KEYS = ("lighting",)     # under the map, beside the availability tile: the side column has no height left
AVAILABILITY = "availability"   # the data-availability tile, beside the event feed under the map
# Beyond these ages a value is not "now" any more: the tile greys out and says how old it is.
AQI_FRESH_S = 2 * 3600
WIFI_FRESH_S = 5 * 60
BAND = {b.key: b for b in BANDS}
SNAPSHOT_TTL_S = 5.0   # one wall tick: every wall and server showing a scene shares one read per tick
OVERDUE_HEX = "#a21caf"   # the map's overdue fuchsia, darker under white digits: the tile and its dots agree


@dataclass(frozen=True)
class WallSnapshot:
    now: datetime
    counts: pd.DataFrame
    kinds: pd.DataFrame
    stations: pd.DataFrame
    wifi: rollups.WifiCompare
    events: pd.DataFrame
    ingest: health.IngestStatus
    reports: report_counts.ReportCounts
    backlog: int = 0                            # minutes of history not rolled up yet (a backfill is loading)
    alarms: alarm_q.AlarmSummary = alarm_q.AlarmSummary()   # live alarms of the scene (and the system-wide ones)
    tz: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    completeness: float | None = None           # readings stored ÷ expected over 24 h (None: nothing expected)
    under: int = 0                              # devices of the scene under the flag line (90 %) over 24 h
    measured: int = 0                           # devices of the scene with readings expected over 24 h
    cameras: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=camwifi.CAMERA_COLUMNS))
    wifi_points: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=camwifi.POINT_COLUMNS))
    wifi_hours: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=("hour", "sessions", "days")))
    incidents: list[dict[str, Any]] = field(default_factory=list)   # live incidents touching the scene
    environment: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=environment.STATION_COLUMNS))
    social: social_q.Summary = social_q.Summary()   # social listening mentions of the scene, 24 h
    lighting: lighting_view.LightingNow = lighting_view.LightingNow()


def snapshot(pool: ConnectionPool, now: datetime, scope: Sequence[str] | None, tz: ZoneInfo,
             high_reach: int = HIGH_REACH) -> WallSnapshot:
    """Everything the tiles show, for the wards of ``scope`` (None: everywhere)."""
    with pool.connection() as conn:
        social = social_q.summary(conn, now, scope, high_reach)
    return WallSnapshot(
        now=now, counts=devices.state_counts(pool, scope), kinds=devices.kinds(pool),
        stations=aqi.station_aqi(pool, now, scope), wifi=rollups.wifi_compare(pool, now, scope),
        events=rollups.event_counts(pool, now - timedelta(hours=1), scope), ingest=health.ingest_status(pool),
        reports=report_counts.counts(pool, now, tz, scope), backlog=rollups.history_backlog(pool, now),
        alarms=alarm_q.summary(pool, now, tz, scope), tz=tz,
        cameras=camwifi.camera_classes(pool, scope),
        wifi_points=camwifi.wifi_points(pool, now, tz, scope, year_to_date=False),
        wifi_hours=camwifi.sessions_by_hour(pool, now - timedelta(days=7), now, tz, scope),
        incidents=wall_incidents.live(pool, now, scope), environment=environment.stations(pool, now, scope),
        social=social, lighting=lighting_view.load_last_night(pool, now, tz, scope),
        **_completeness(pool, scope))


def seen_at(snap: WallSnapshot, now: datetime) -> WallSnapshot:
    """A (cached) snapshot shown at ``now``: ages count from ``now``, so a copy read a few seconds ago never makes
    the ingest look fresher than it is (the stale banner and the system tile stay honest)."""
    late = (now - snap.now).total_seconds()
    if late <= 0:
        return snap
    ingest = snap.ingest
    if ingest.commit_age_s is not None:
        ingest = replace(ingest, commit_age_s=ingest.commit_age_s + late)
    return replace(snap, now=now, ingest=ingest)


def _completeness(pool: ConnectionPool, scope: Sequence[str] | None) -> dict[str, Any]:
    """The scene's 24 h completeness, and how many of its devices are under the flag line of how many measured."""
    rows = completeness.for_devices(pool, completeness.SPANS["24h"])
    rows = [r for r in rows if scope is None or r["ward_code"] in scope]
    return {"completeness": completeness.grouped(rows, "network")[0].ratio if rows else None,
            "under": sum(bool(r["flagged"]) for r in rows), "measured": sum(r["ratio"] is not None for r in rows)}


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else (now - then).total_seconds()


def devices_tile(snap: WallSnapshot, lang: str, theme: Theme) -> Tile:
    counts = snap.counts
    online = int(counts.loc[counts["state"] == "online", "n"].sum())
    rows = [html.Tr([html.Th(""), *[html.Th(t(f"state.{s}", lang), style={"color": theme.state_colors[s]})
                                    for s in ("online", "stale", "offline")]])]
    for kind in snap.kinds["kind"]:
        mine = counts[counts["kind"] == kind]
        if kind == "camera" and camwifi_view.classified(snap.cameras):   # by ownership, as the plans count them
            rows += camwifi_view.wall_camera_rows(snap.cameras, lang)
            continue
        cells = [html.Td(fmt.number(int(mine.loc[mine["state"] == s, "n"].sum()), lang))
                 for s in ("online", "stale", "offline")]
        rows.append(html.Tr([html.Th(t(f"kind.{kind}", lang)), *cells]))
    caption = " · ".join(filter(None, (t("wall.devices.caption", lang), camwifi_view.ptz_note(snap.cameras, lang))))
    return Tile("devices", t("wall.tile.devices", lang),
                f"{fmt.number(online, lang)} / {fmt.number(int(counts['n'].sum()), lang)}",
                [html.Table(rows, className="ioc-mini-table")], caption)


def aqi_tile(snap: WallSnapshot, lang: str) -> Tile:
    worst = aqi.worst(snap.stations)
    title = t("wall.tile.aqi", lang)
    if snap.stations.empty:     # not "no data yet": there is no station in this scene to have any
        return Tile("aqi", title, fmt.BLANK, [t("wall.aqi.no_station", lang)], unavailable=True)
    if worst is None:           # while history is being rolled up, say so: "no station has enough data" is false
        key = "wall.aqi.loading" if snap.backlog else "wall.aqi.none"
        return Tile("aqi", title, fmt.BLANK, [t(key, lang)], stale=True)
    band = BAND[str(worst["band"])]
    as_of = worst["as_of"]
    assert isinstance(as_of, datetime)
    age = _age(snap.now, as_of + timedelta(hours=1))
    stale = age is not None and age > AQI_FRESH_S
    caption = t("common.as_of", lang, age=fmt.age(age, lang)) if stale else t("wall.aqi.where", lang,
                                                                              place=worst["name"])
    return Tile("aqi", title, f"{worst['aqi']}", [band.name_vi if lang == "vi" else band.name_en,
                                                  html.Br(), str(worst["name"])],
                caption, stale=stale, color=band.hex, text_color=band.text_hex)


def wifi_tile(snap: WallSnapshot, lang: str) -> Tile:
    w = snap.wifi
    title = t("wall.tile.wifi", lang)
    last_week = t("wall.wifi.last_week", lang, value=fmt.number(w.clients_last_week, lang))
    summary = camwifi_view.wifi_summary(snap.wifi_points, snap.wifi_hours)
    sessions = camwifi_view.wifi_lines(summary, lang)
    if w.clients_now is None:
        return Tile("wifi", title, fmt.BLANK, [*sessions, last_week], t("wall.wifi.none", lang), stale=True)
    age = _age(snap.now, w.as_of)
    change = (w.clients_now / w.clients_last_week - 1) if w.clients_last_week else None
    # the change against last week beside the big number (the tile's lines are full): .ioc-wifi-change
    detail = [*sessions, last_week] if change is None else [
        html.Span(fmt.percent(change, lang), className="ioc-wifi-change"), *sessions, last_week]
    stale = age is not None and age > WIFI_FRESH_S
    caption = t("common.as_of", lang, age=fmt.age(age, lang)) if stale else (
        camwifi_view.points_note(summary, lang) or t("wall.wifi.aps", lang, n=fmt.number(w.access_points, lang)))
    return Tile("wifi", title, fmt.number(w.clients_now, lang), detail, caption, stale=stale)


def events_tile(snap: WallSnapshot, lang: str) -> Tile:
    ev = snap.events
    lines: list[Any] = []
    for row in ev.head(4).itertuples():
        lines += [f"{t('event.' + str(row.type), lang)}: {fmt.number(int(row.n), lang)}", html.Br()]
    return Tile("events", t("wall.tile.events", lang), fmt.number(int(ev["n"].sum()) if len(ev) else 0, lang),
                lines or [t("wall.events.none", lang)], t("wall.events.caption", lang))


def reports_tile(snap: WallSnapshot, lang: str) -> Tile:
    """Open / overdue field reports, paused ones, and (city-wide) today's intake."""
    title, r = t("wall.tile.reports", lang), snap.reports
    detail: list[Any] = [t("reports.tile.paused", lang, n=fmt.number(r.paused, lang))]
    if r.received_today is not None:
        detail = [f"{t('reports.tile.today', lang)}: {fmt.number(r.received_today, lang)}", html.Br(), *detail]
    return Tile("reports", title, f"{fmt.number(r.open, lang)} / {fmt.number(r.overdue, lang)}", detail,
                t("reports.tile.open_caption", lang), color=OVERDUE_HEX if r.overdue else None, text_color="#ffffff")


def system_tile(snap: WallSnapshot, lang: str, stale_after_s: int) -> Tile:
    s = snap.ingest
    detail = [html.Div(t("wall.system.lag", lang, value=fmt.number(s.lag_s, lang, 1))),
              html.Div(t("wall.system.dead", lang, value=fmt.number(s.dead_letters_per_min, lang, 1))),
              html.Div(t("wall.system.workers", lang, n=fmt.number(s.workers, lang)))]
    stale = s.stale(stale_after_s)
    caption = t("common.as_of", lang, age=fmt.age(s.commit_age_s, lang)) if stale else t("wall.system.caption", lang)
    return Tile("system", t("wall.tile.system", lang), fmt.number(s.rate_stored, lang, 1), detail, caption,
                stale=stale)


def availability_tile(snap: WallSnapshot, lang: str) -> Tile:
    """The data-availability KPI (issue 16), read from 5 m: readings stored ÷ expected over 24 h in the scene, and the
    share of its devices under the 90 % line, large; amber as soon as one device is under it."""
    title = t("wall.tile.availability", lang)
    if snap.completeness is None:   # no registered device expects readings here: nothing to be short of
        return Tile("availability", title, fmt.BLANK, [t("timeline.none", lang)], unavailable=True)
    low = snap.completeness < completeness.FLAG_BELOW
    if snap.under:
        share = fmt.number(100 * snap.under / max(snap.measured, 1), lang)
        lines: list[Any] = [
            html.Div("⚠ " + t("wall.availability.under", lang, n=fmt.number(snap.under, lang),
                                total=fmt.number(snap.measured, lang)), className="ioc-avail-under"),
            html.Div(t("wall.availability.share", lang, share=f"{share} %"), className="ioc-avail-share")]
    else:
        lines = [html.Div(t("wall.availability.none_under", lang), className="ioc-avail-ok")]
    return Tile("availability", title, f"{fmt.number(100 * snap.completeness, lang, 1)} %", lines,
                t("wall.availability.caption", lang), color="#b45309" if low else None, text_color="#ffffff")


def tiles(snap: WallSnapshot, lang: str, theme: Theme, stale_after_s: int) -> dict[str, Tile]:
    made = [wall_alarms.tile(snap.alarms, snap.now, snap.tz, lang),
            wall_incidents.tile(snap.incidents, snap.now, snap.tz, lang), devices_tile(snap, lang, theme),
            aqi_tile(snap, lang), wall_environment.tile(snap.environment, snap.now, load_noise_limits(), lang),
            wifi_tile(snap, lang), events_tile(snap, lang),
            reports_tile(snap, lang), system_tile(snap, lang, stale_after_s), availability_tile(snap, lang),
            wall_social.tile(snap.social, snap.now, lang), wall_lighting.tile(snap.lighting, snap.now, lang)]
    return {tile.key: tile for tile in made}


def banner(ingest: health.IngestStatus, stale_after_s: int, lang: str, replica_lag_s: float = 0.0,
           replica_lag_max_s: int = 30) -> tuple[str, bool]:
    """(text, shown): the stale-data banner when ingest has been silent past the threshold, else the replica banner
    when the database the wall reads from trails the primary by more than its threshold."""
    if not ingest.stale(stale_after_s):
        behind = replica_banner.text(replica_lag_s, replica_lag_max_s, lang)
        return behind, bool(behind)
    if ingest.last_commit_at is None:
        return t("wall.banner.never", lang), True
    return t("wall.banner.stale", lang, age=fmt.age(ingest.commit_age_s, lang)), True


def feed_items(camera: pd.DataFrame, changes: pd.DataFrame, now: datetime, tz: Any, lang: str,
               limit: int = 8) -> list[html.Li]:
    """Newest camera events and device state changes, merged newest first; nothing dated after ``now``."""
    items: list[tuple[datetime, str, str]] = []
    for row in camera.itertuples():
        items.append((row.ts, "event", f"{t('event.' + str(row.type), lang)} · {row.name}"))
    for row in changes.itertuples():
        state = t("state.online" if row.online else "state.offline", lang)
        # what happened first: a long device name is what the feed's ellipsis may cut, never the news
        items.append((row.ts, "online" if row.online else "offline", f"{state} · {row.name}"))
    items = sorted((i for i in items if i[0] <= now), key=lambda i: i[0], reverse=True)
    return [html.Li([html.Span(fmt.short_time(ts, tz, lang), className="ioc-feed-time"),
                     html.Span(text, className=f"ioc-feed-text ioc-feed-{what}")])
            for ts, what, text in items[:limit]]


def wall_refresh(ioc: context.IocContext, scene: dict[str, Any] | None, opts: dict[str, Any],
                 now: datetime) -> tuple[Any, ...]:
    """Tiles (in TILE_KEYS order), banner, feed, scene name, a liveness stamp for the reconnect check, the
    data-availability tile (its body and class), and the tiles under the map (BOTTOM_KEYS order: bodies, classes)."""
    lang, th = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "dark")
    pool, settings = ioc.read_pool, ioc.settings   # the wall only reads: a standby serves it when there is one
    shown_scene = resolve(scene, opts, wards.areas(pool))
    scope = shown_scene.get("codes")
    got = cache.cached(ioc.cache, "wall-snapshot", (tuple(scope) if scope else None, str(settings.tz)), now,
                       SNAPSHOT_TTL_S, lambda: snapshot(pool, now, scope, settings.tz, settings.social_high_reach))
    snap = seen_at(got.value, now)
    made = tiles(snap, lang, th, settings.stale_ingest_s)
    text, shown = banner(snap.ingest, settings.stale_ingest_s, lang, replica.lag_s(pool), settings.replica_lag_s)
    feed = feed_items(events.newest(pool, 8, scope, now=now), devices.state_changes(pool, 8, scope, now=now), now,
                      settings.tz, lang)
    name = scene_name(pool, shown_scene, lang)
    classes = [tile_class(made[k]) for k in TILE_KEYS]
    classes[TILE_KEYS.index(wall_alarms.KEY)] = wall_alarms.css_class(made[wall_alarms.KEY], snap.alarms)
    return ([tile_body(made[k]) for k in TILE_KEYS], classes,
            text, "ioc-banner ioc-banner-on" if shown else "ioc-banner", feed, name, now.timestamp(),
            tile_body(made[AVAILABILITY]), tile_class(made[AVAILABILITY]),
            [tile_body(made[k]) for k in BOTTOM_KEYS], [tile_class(made[k]) for k in BOTTOM_KEYS])


# A scene is what the wall shows: {"ward": code} one ward, {"area": province} the wards holding devices in a province
# (a city view), {} everything. Its "codes" scope the tiles and the feed and frame the map (None: everywhere); with
# several provinces, "area_codes" (its province's wards) scope what the map draws, so the legend counts one city.
def scenes(opts: dict[str, Any], areas: Sequence[wards.Area]) -> list[dict[str, Any]]:
    """The rotation: each city view followed by its wards. One province: the whole city, then each ward; several
    (two cities 300 km apart): each province's view and wards in turn, so no scene is a map of empty country.
    ``?ward=`` pins one ward, ``?area=`` one province's view and wards."""
    if opts.get("ward"):
        return [{"ward": opts["ward"], "codes": [opts["ward"]]}]
    pinned = [a for a in areas if a.name == opts.get("area")]
    if not pinned and len(areas) <= 1:
        codes = list(areas[0].codes) if areas else []
        return [{"codes": None}, *({"ward": c, "codes": [c]} for c in codes)]
    chosen = pinned or list(areas)
    return [scene for a in chosen for scene in (
        {"area": a.name, "codes": list(a.codes)}, *({"ward": c, "codes": [c]} for c in a.codes))]


def resolve(scene: dict[str, Any] | None, opts: dict[str, Any], areas: Sequence[wards.Area]) -> dict[str, Any]:
    """The scene to show for the browser's ``wall-scene``: its ward or province with their codes (a province whose
    wards changed gets the new list), else the first of :func:`scenes`."""
    scene = scene or {}
    if not scene.get("ward") and not any(a.name == scene.get("area") for a in areas):
        scene = scenes(opts, areas)[0]          # not (or no longer) on the list: where this wall starts
    if scene.get("ward"):
        home = next((a for a in areas if scene["ward"] in a.codes), None) if len(areas) > 1 else None
        return {"ward": scene["ward"], "codes": [scene["ward"]], "area_codes": list(home.codes) if home else None}
    mine = next((a for a in areas if a.name == scene.get("area")), None)
    if mine is not None:
        return {"area": mine.name, "codes": list(mine.codes), "area_codes": list(mine.codes)}
    return {"codes": None, "area_codes": None}


def next_scene(scene: dict[str, Any] | None, opts: dict[str, Any], areas: Sequence[wards.Area]) -> dict[str, Any]:
    """The scene after ``scene`` in :func:`scenes`, round and round; a pinned ward stays."""
    order = scenes(opts, areas)
    i = ((scene or {}).get("i", 0) + 1) % len(order)
    return {"i": i, **{k: v for k, v in order[i].items() if k != "codes"}}


def scene_name(pool: ConnectionPool, scene: dict[str, Any], lang: str) -> str:
    if scene.get("ward"):
        place = wards.get(pool, scene["ward"])
        return str(place["name"]) if place else str(scene["ward"])
    return str(scene["area"]) if scene.get("area") else t("wall.scene.city", lang)
