"""/devices: the health of every device (10,000+) with server-side paging, sorting and search; dead letters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboards import context
from dashboards.components import frame, lang_switch, nav, tile_body, tile_class
from dashboards.i18n import norm_lang, t
from dashboards.queries import completeness, devices, health
from dashboards.theme import theme_for
from dashboards.views import devices as view
from dashboards.views import replica_banner

dash.register_page(__name__, path="/devices", title="IOC — devices", name="devices")


def layout(lang: str | None = None, theme: str | None = None, q: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    kinds = [{"label": t(f"kind.{k}", lang), "value": k} for k in ("camera", "env", "wifi", "light")]
    states = [{"label": t(f"state.{s}", lang), "value": s} for s in devices.STATES]
    controls = dbc.Row([
        dbc.Col(dbc.Input(id="devices-search", type="search", value=q or "", debounce=0.4,
                          placeholder=t("devices.search", lang)), lg=4),
        dbc.Col(dcc.Dropdown(id="devices-kind", options=kinds, placeholder=t("devices.col.kind", lang)), lg=2),
        dbc.Col(dcc.Dropdown(id="devices-state", options=states, placeholder=t("devices.col.state", lang)), lg=2),
        dbc.Col(html.Div(id="devices-total", className="fs-5 pt-1"), lg=2),
    ], className="g-2 mb-2")
    return frame(th, [
        nav(lang, th, "/devices"), replica_banner.slot("devices", lang, th.name != "dark"),
        dcc.Store(id="devices-opts", data={"lang": lang, "theme": th.name}),
        dcc.Store(id="devices-sort-state", data={"col": "device_id", "desc": False}),
        dcc.Store(id="devices-selected"), dcc.Interval(id="devices-tick", interval=30_000),
        dbc.Container([
            html.Div([html.H1(t("devices.title", lang), className="me-auto"), lang_switch("/devices", lang, "devices")],
                     className="d-flex align-items-center"),
            dbc.Row([dbc.Col(html.Div(id="devices-system", className="ioc-tile"), lg=3),
                     dbc.Col([controls, html.Div(id="devices-table"),
                              dbc.Pagination(id="devices-pager", max_value=1, active_page=1, fully_expanded=False,
                                             first_last=True, previous_next=True)], lg=9)]),
            html.Div(id="devices-detail", className="ioc-panel mt-3"),
        ], fluid=True),
    ], "devices-page")


@callback(Output("devices-sort-state", "data"), Input({"type": "devices-sort", "col": ALL}, "n_clicks"),
          State("devices-sort-state", "data"), prevent_initial_call=True)
def change_sort(clicks: list[int | None], current: dict[str, Any]) -> Any:
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    return view.toggle_sort(current, ctx.triggered_id["col"])


@callback(Output("devices-table", "children"), Output("devices-pager", "max_value"),
          Output("devices-total", "children"),
          Input("devices-search", "value"), Input("devices-kind", "value"), Input("devices-state", "value"),
          Input("devices-sort-state", "data"), Input("devices-pager", "active_page"),
          Input("devices-tick", "n_intervals"), State("devices-opts", "data"))
def refresh_table(search: str | None, kind: str | None, state: str | None, sort: dict[str, Any],
                  page_no: int | None, _n: int | None, opts: dict[str, Any]) -> tuple[Any, int, str]:
    return view.device_page(context.current(), devices.DeviceFilter(search or "", kind, None, state), sort,
                       page_no or 1, norm_lang(opts.get("lang")))


@callback(Output("devices-selected", "data"), Input({"type": "devices-row", "index": ALL}, "n_clicks"),
          prevent_initial_call=True)
def select_device(clicks: list[int | None]) -> Any:
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    return ctx.triggered_id["index"]


@callback(Output("devices-detail", "children"), Input("devices-selected", "data"), Input("devices-tick", "n_intervals"),
          State("devices-opts", "data"))
def show_detail(device_id: str | None, _n: int | None, opts: dict[str, Any]) -> list[Any]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    pool = ioc.read_pool   # the detail only reads: a standby serves it
    dev = devices.device(pool, device_id) if device_id else None
    letters = devices.dead_letters(pool, dev["device_id"]) if dev else pd.DataFrame()
    hours = completeness.hourly_many(pool, [dev["device_id"]], view.week_start(datetime.now(UTC), ioc.settings.tz)
                                     ).get(dev["device_id"], []) if dev else []
    return view.detail(dev, letters, hours, ioc.settings.tz, lang)


@callback(Output("devices-system", "children"), Output("devices-system", "className"),
          Input("devices-tick", "n_intervals"), State("devices-opts", "data"))
def refresh_system(_n: int | None, opts: dict[str, Any]) -> tuple[Any, str]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    tile = view.system_tile(health.ingest_status(ioc.read_pool), ioc.settings.stale_ingest_s, lang, datetime.now(UTC))
    return tile_body(tile), tile_class(tile)
