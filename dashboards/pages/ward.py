"""/ward/<code>: one ward for a leader who asks "what is happening here": map, air, wifi, traffic, devices, and the
environment (pollutants, noise, water)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboards import context
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import lighting_page, replica_banner
from dashboards.views import social as social_view
from dashboards.views import ward as view
from dashboards.views import ward_environment as env_view

dash.register_page(__name__, path_template="/ward/<code>", title="IOC — ward", name="ward")

CHARTS = ("pm25_24h", "aqi_24h", "pm25_30d", "aqi_30d", "wifi", "traffic", "completeness", "wifi_days", "wifi_hours")
REFRESH_MS = 60_000


def layout(code: str | None = None, lang: str | None = None, theme: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    graphs = [dbc.Col(dcc.Graph(id={"type": "ward-chart", "index": c}, config={"displayModeBar": False}), lg=6)
              for c in CHARTS]
    return frame(th, [
        nav(lang, th, ""), replica_banner.slot("ward", lang, th.name != "dark"),
        dcc.Store(id="ward-opts", data={"code": code, "lang": lang, "theme": th.name}),
        dcc.Interval(id="ward-tick", interval=REFRESH_MS), dcc.Store(id="ward-map-known"),
        dbc.Container([
            html.Div([html.H1(code or "", id="ward-title", className="me-auto"),
                      lang_switch(f"/ward/{code}", lang, "ward", theme=theme)], className="d-flex align-items-center"),
            dbc.Row([dbc.Col(dcc.Graph(id="ward-map", style={"height": "520px"},
                                       config={"displayModeBar": False, "scrollZoom": True}), lg=7),
                     dbc.Col([html.H4(t("ward.devices", lang)), html.Div(id="ward-devices"),
                              html.H4(t("ward.reports", lang), className="mt-3"), html.Div(id="ward-reports")],
                             lg=5)]),
            dbc.Row([dbc.Col([html.H4(t("ward.cameras", lang)), html.Div(id="ward-cameras")], lg=5),
                     dbc.Col([html.H4(t("ward.wifi_points", lang)), html.Div(id="ward-wifi")], lg=7)],
                    className="mt-3"),
            dbc.Row([dbc.Col([html.H4(t("ward.social", lang)), html.Div(id="ward-social")], lg=5)], className="mt-3"),
            dbc.Row(graphs, className="g-3 mt-1"),
            html.Div(id="ward-env"),
            html.Div(id="ward-lighting"),
        ], fluid=True),
    ], "ward-page")


@callback(Output("ward-title", "children"), Output("ward-map", "figure"), Output("ward-map-known", "data"),
          Output("ward-devices", "children"), Output("ward-reports", "children"),
          Output("ward-cameras", "children"), Output("ward-wifi", "children"),
          Input("ward-tick", "n_intervals"), State("ward-opts", "data"), State("ward-map-known", "data"))
def refresh_ward(_n: int | None, opts: dict[str, Any], known: dict[str, Any] | None) -> tuple[Any, ...]:
    return view.ward_overview(context.current(), opts, datetime.now(UTC), known)


@callback(Output({"type": "ward-chart", "index": dash.ALL}, "figure"), Input("ward-tick", "n_intervals"),
          State("ward-opts", "data"))
def refresh_charts(_n: int | None, opts: dict[str, Any]) -> list[Any]:
    return view.ward_charts(context.current(), opts, datetime.now(UTC), len(CHARTS))


@callback(Output("ward-env", "children"), Input("ward-tick", "n_intervals"), State("ward-opts", "data"))
def refresh_environment(_n: int | None, opts: dict[str, Any]) -> list[Any]:
    ioc, lang, th = context.current(), norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light")
    code = opts.get("code")
    if not code:
        return []
    return env_view.section(ioc.read_pool, str(code), datetime.now(UTC), ioc.settings.tz, th, lang)


@callback(Output("ward-social", "children"), Input("ward-tick", "n_intervals"), State("ward-opts", "data"))
def refresh_social(_n: int | None, opts: dict[str, Any]) -> Any:
    """Social listening in this ward: mentions by topic over 24 h and 7 days (docs/social.md)."""
    opts = opts or {}
    return social_view.ward_section(context.current(), str(opts.get("code")), norm_lang(opts.get("lang")),
                                    datetime.now(UTC))


@callback(Output("ward-lighting", "children"), Input("ward-tick", "n_intervals"), State("ward-opts", "data"))
def refresh_lighting(_n: int | None, opts: dict[str, Any]) -> Any:
    return lighting_page.ward_section(context.current(), opts, datetime.now(UTC))
