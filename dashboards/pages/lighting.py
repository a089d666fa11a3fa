"""/lighting: the street lighting of the city or of one ward — lamps working, outages, day burners, mismatches
between command and state, and kWh and cost per night against the undimmed baseline."""

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
from dashboards.views import lighting_page as view
from dashboards.views import replica_banner

dash.register_page(__name__, path="/lighting", title="IOC — lighting", name="lighting")

REFRESH_MS = 60_000


def layout(lang: str | None = None, theme: str | None = None, ward: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/lighting"), replica_banner.slot("lighting", lang, th.name != "dark"),
        dcc.Store(id="lighting-opts", data={"lang": lang, "theme": th.name}),
        dcc.Interval(id="lighting-tick", interval=REFRESH_MS),
        dbc.Container([
            html.Div([html.H1(t("lighting.title", lang), className="me-auto"),
                      lang_switch("/lighting", lang, "lighting")], className="d-flex align-items-center"),
            dbc.Row([dbc.Col(dcc.Dropdown(id="lighting-ward", value=ward, placeholder=t("lighting.all_wards", lang),
                                          options=view.ward_options(context.current())), lg=4),
                     dbc.Col(html.Div(id="lighting-asof", className="text-muted pt-2"), lg=8)], className="mb-3"),
            html.Div(id="lighting-cards", className="ioc-lighting-cards"),
            dbc.Row([dbc.Col(dcc.Graph(id="lighting-energy", config={"displayModeBar": False}), lg=6),
                     dbc.Col(dcc.Graph(id="lighting-problems", config={"displayModeBar": False}), lg=6)],
                    className="g-3 mt-1"),
            html.H4(t("lighting.lamps_to_check", lang), className="mt-3"),
            html.Div(id="lighting-lamps"),
        ], fluid=True),
    ], "lighting-page")


@callback(Output("lighting-cards", "children"), Output("lighting-asof", "children"),
          Output("lighting-energy", "figure"), Output("lighting-problems", "figure"),
          Output("lighting-lamps", "children"),
          Input("lighting-tick", "n_intervals"), Input("lighting-ward", "value"), State("lighting-opts", "data"))
def refresh_lighting(_n: int | None, ward: str | None, opts: dict[str, Any]) -> tuple[Any, ...]:
    return view.page(context.current(), opts, ward, datetime.now(UTC))
