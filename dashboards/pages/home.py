"""/: the wards of the city, each linking to its page, and the way to the wall and the device health page."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboards import context, fmt
from dashboards.components import frame, lang_switch, nav, query_string
from dashboards.i18n import norm_lang, t
from dashboards.queries import wards
from dashboards.theme import theme_for
from dashboards.views import replica_banner

dash.register_page(__name__, path="/", title="IOC", name="home")


def layout(lang: str | None = None, theme: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/"), replica_banner.slot("home", lang, th.name != "dark"),
        dcc.Store(id="home-opts", data={"lang": lang}),
        dcc.Interval(id="home-tick", interval=60_000),
        dbc.Container([
            html.Div([html.H1(t("home.title", lang), className="me-auto"), lang_switch("/", lang, "home")],
                     className="d-flex align-items-center"),
            html.P([dbc.Button(t("nav.wall", lang), href="/wall" + query_string(lang=lang), color="primary",
                               className="me-2"),
                    dbc.Button(t("nav.devices", lang), href="/devices" + query_string(lang=lang), color="secondary")]),
            html.Div(id="home-wards"),
        ], fluid=True),
    ], "home-page")


@callback(Output("home-wards", "children"), Input("home-tick", "n_intervals"), State("home-opts", "data"))
def list_wards(_n: int | None, opts: dict[str, Any]) -> Any:
    lang = norm_lang(opts.get("lang"))
    return ward_cards(wards.current(context.current().read_pool).to_dict("records"), lang)


def ward_cards(items: list[dict[str, Any]], lang: str) -> Any:
    if not items:
        return html.P(t("home.no_wards", lang))
    cards = [dbc.Col(dbc.Card(dbc.CardBody([
        html.H4(html.A(w["name"], href=f"/ward/{w['code']}" + query_string(lang=lang))),
        html.Div(f"{w['former_city'] or w['province'] or ''}", className="text-body-secondary"),
        html.Div(t("home.devices", lang, n=fmt.number(w["devices"], lang)))])), lg=3, className="mb-3")
        for w in items]
    return dbc.Row(cards)
