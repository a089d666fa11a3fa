"""/wall: the operations wall (1920×1080, dark, read from 5 m). Updates by partial property updates every 5 s.

Query parameters: ``lang`` (vi|en), ``rotate`` (seconds per scene: the city, then each ward; with wards in several
provinces, each province's view and wards in turn), ``ward`` (pin one ward), ``area`` (one province), ``theme``
(dark|light).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html

from dashboards import context
from dashboards.components import frame, lang_switch
from dashboards.i18n import norm_lang, t
from dashboards.queries import wards
from dashboards.theme import theme_for
from dashboards.views import wall as view
from dashboards.views import wall_map

dash.register_page(__name__, path="/wall", title="IOC — wall", name="wall")

TICK_MS = 5000
RECONNECT_AFTER_MS = 3 * TICK_MS


def _rotate_s(value: Any) -> int:
    try:
        return max(10, min(3600, int(value))) if value not in (None, "") else 0
    except (TypeError, ValueError):
        return 0


def layout(lang: str | None = None, rotate: str | None = None, ward: str | None = None, area: str | None = None,
           theme: str | None = None, **_: Any) -> html.Div:
    lang = norm_lang(lang)
    th = theme_for(theme, "dark")
    rotate_s = _rotate_s(rotate)
    opts = {"lang": lang, "theme": th.name, "ward": ward or None, "area": area or None,
            "rotate": rotate_s, "tz": "Asia/Ho_Chi_Minh"}
    clock_zone: dict[str, Any] = {"data-lang": "en-GB" if lang == "en" else "vi-VN", "data-tz": "Asia/Ho_Chi_Minh"}
    header = html.Div([
        html.Div([html.Div(t("wall.title", lang), className="ioc-wall-title"),
                  html.Div(t("wall.scene.city", lang), id="wall-scene-name", className="ioc-wall-scene")]),
        html.Span(t("wall.reconnecting", lang), id="wall-reconnect", className="ioc-reconnect"),
        lang_switch("/wall", lang, "wall", rotate=rotate_s or None, ward=ward, area=area, theme=theme),
        # ticked by assets/ioc-clock.js, not by a dcc.Interval: no Dash round trip and no store change per second
        html.Div([html.Div("--:--:--", id="wall-clock-time", className="ioc-clock-time"),
                  html.Div("", id="wall-clock-date", className="ioc-clock-date")], className="ioc-clock",
                 **clock_zone),
    ], className="ioc-wall-header")
    tiles = html.Div([html.Div(id={"type": "wall-tile", "key": k}, className="ioc-tile") for k in view.TILE_KEYS],
                     className="ioc-tiles")
    feed = html.Div([html.H2(t("wall.feed.title", lang)), html.Ul(id="wall-feed")], className="ioc-feed")
    availability = html.Div(id="wall-availability", className="ioc-tile ioc-tile-availability")
    under_map = [html.Div(id={"type": "wall-bottom-tile", "key": k}, className="ioc-tile") for k in view.BOTTOM_KEYS]
    graph = dcc.Graph(id="wall-map", style={"height": "100%"}, config={"displayModeBar": False, "scrollZoom": True},
                      figure={"layout": {"paper_bgcolor": th.panel, "plot_bgcolor": th.panel,
                                         "xaxis": {"visible": False}, "yaxis": {"visible": False}}})
    # wall-map-sig: digests of what the browser's map holds (views.figure_diff), so a tick sends only changes
    return frame(th, [
        dcc.Store(id="wall-opts", data=opts),
        dcc.Store(id="wall-scene", data={"i": 0, "ward": ward or None, "area": area or None}),
        dcc.Store(id="wall-map-sig"), dcc.Store(id="wall-ok"), dcc.Store(id="wall-seen"),
        dcc.Interval(id="wall-tick", interval=TICK_MS),
        dcc.Interval(id="wall-rotate", interval=max(rotate_s, 10) * 1000, disabled=not rotate_s),
        header, html.Div(id="wall-banner", className="ioc-banner"),
        html.Div([html.Div([html.Div(graph, className="ioc-wall-map"),
                            html.Div([feed, availability, *under_map], className="ioc-wall-bottom")],
                           className="ioc-wall-left"),
                  html.Div(tiles, className="ioc-wall-side")], className="ioc-wall-main"),
    ], "wall-page", kind="wall")


@callback(
    Output({"type": "wall-tile", "key": ALL}, "children"),
    Output({"type": "wall-tile", "key": ALL}, "className"),
    Output("wall-banner", "children"), Output("wall-banner", "className"),
    Output("wall-feed", "children"), Output("wall-scene-name", "children"), Output("wall-ok", "data"),
    Output("wall-availability", "children"), Output("wall-availability", "className"),
    Output({"type": "wall-bottom-tile", "key": ALL}, "children"),
    Output({"type": "wall-bottom-tile", "key": ALL}, "className"),
    Input("wall-tick", "n_intervals"), Input("wall-scene", "data"), State("wall-opts", "data"),
)
def refresh_wall(_n: int | None, scene: dict[str, Any] | None, opts: dict[str, Any]) -> tuple[Any, ...]:
    return view.wall_refresh(context.current(), scene, opts, datetime.now(UTC))


@callback(
    Output("wall-map", "figure"), Output("wall-map-sig", "data"),
    Input("wall-tick", "n_intervals"), Input("wall-scene", "data"),
    State("wall-map-sig", "data"), State("wall-opts", "data"),
)
def refresh_map(_n: int | None, scene: dict[str, Any] | None, known: dict[str, Any] | None,
                opts: dict[str, Any]) -> tuple[Any, Any]:
    ioc = context.current()
    shown = view.resolve(scene, opts, wards.areas(ioc.read_pool))
    return wall_map.update(ioc.read_pool, datetime.now(UTC), shown, known, theme_for(opts.get("theme"), "dark"),
                           norm_lang(opts.get("lang")), ioc.settings.tiles_url, ioc.cache)


@callback(Output("wall-scene", "data"), Input("wall-rotate", "n_intervals"), State("wall-scene", "data"),
          State("wall-opts", "data"), prevent_initial_call=True)
def rotate_scene(_n: int | None, scene: dict[str, Any] | None, opts: dict[str, Any]) -> dict[str, Any]:
    return view.next_scene(scene, opts, wards.areas(context.current().read_pool))


# When the server stops answering, callbacks fail but the intervals keep firing: the page keeps polling and
# says "reconnecting" until a refresh gets through again. wall-seen is when this browser last heard the server.
clientside_callback(
    "function(ok) { return Date.now(); }",
    Output("wall-seen", "data"), Input("wall-ok", "data"), prevent_initial_call=True,
)
clientside_callback(
    f"""
    function(_n, seen) {{
        const late = seen && (Date.now() - seen > {RECONNECT_AFTER_MS});
        return late ? 'ioc-reconnect ioc-reconnect-on' : 'ioc-reconnect';
    }}
    """,
    Output("wall-reconnect", "className"), Input("wall-tick", "n_intervals"), State("wall-seen", "data"),
)
