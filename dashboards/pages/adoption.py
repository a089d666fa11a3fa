"""/adoption: socio-economic indicators with targets (chỉ tiêu KT-XH: cards with status and forecast, the trend of
the one clicked), e-citizen adoption (smartphones, online payment accounts, VNeID level 2) per ward and hamlet,
and the other indicator sheets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, callback, ctx, dcc, html

from dashboards import context
from dashboards.components import frame, lang_switch, nav, query_string
from dashboards.i18n import norm_lang, t
from dashboards.queries import kpis as q
from dashboards.theme import theme_for
from dashboards.views import kpi_adoption, kpi_page, kpi_socio, replica_banner
from pipelines.kpis.indicators import ADOPTION

dash.register_page(__name__, path="/adoption", title="IOC — adoption", name="adoption")


def layout(lang: str | None = None, period: str | None = None, scope: str | None = None, **_: Any) -> html.Div:
    ioc, now = context.current(), datetime.now(UTC)
    lang, th = norm_lang(lang), theme_for("light", "light")
    state = kpi_page.ViewState.of(period, scope, None, lang, kpi_page.default_period(now, ioc.settings.tz))
    rates = [{"label": kpi_adoption.name_of(k, lang), "value": k} for k in ADOPTION]
    return frame(th, [
        nav(lang, th, "/adoption"), replica_banner.slot("adoption", lang, th.name != "dark"),
        dcc.Store(id="adoption-opts", data={"lang": lang}),
        dbc.Container([
            html.Div([html.H1(t("socio.page_title", lang), className="me-auto", style={"fontSize": "2rem"}),
                      dbc.Button(t("kpis.title_short", lang), href="/kpis" + query_string(lang=lang), color="link"),
                      lang_switch("/adoption", lang, "adoption", period=state.period, scope=state.scope)],
                     className="d-flex align-items-center gap-3"),
            dbc.Row([dbc.Col(dcc.Dropdown(id="adoption-period", value=state.period, clearable=False,
                                          options=[{"label": state.period, "value": state.period}]), lg=2),
                     dbc.Col(dcc.Dropdown(id="adoption-scope", value=state.scope or "*", clearable=False,
                                          options=[{"label": state.scope or t("kpis.all_wards", lang),
                                                    "value": state.scope or "*"}]), lg=3),
                     dbc.Col(dcc.Dropdown(id="adoption-rate", options=rates, value=next(iter(ADOPTION)),
                                          clearable=False), lg=4)], className="g-2 mb-2"),
            html.H2(t("socio.title", lang), style={"fontSize": "1.4rem"}),
            dcc.Store(id="socio-key", data=""),
            dcc.Loading(html.Div(id="socio-cards"), type="dot"),
            dcc.Graph(id="socio-trend", config={"displayModeBar": False}),
            html.H2(t("adoption.section", lang), className="mt-3", style={"fontSize": "1.4rem"}),
            dcc.Loading(html.Div(id="adoption-cards"), type="dot"),
            dbc.Row([dbc.Col(html.Div(id="adoption-table", style={"maxHeight": "620px", "overflowY": "auto"}), lg=7),
                     dbc.Col([dcc.Graph(id="adoption-map", config={"displayModeBar": False}),
                              html.Div(id="adoption-map-caption", className="text-body-secondary")], lg=5)],
                    className="g-3 mt-1"),
            html.H2(t("adoption.others", lang), className="mt-4", style={"fontSize": "1.4rem"}),
            html.Div(id="adoption-others"),
        ], fluid=True),
    ], "adoption-page")


@callback(Output("adoption-period", "options"), Output("adoption-scope", "options"), Input("adoption-opts", "data"))
def fill_choices(opts: dict[str, Any]) -> tuple[Any, Any]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    choices = [o for o in kpi_page.period_options(ioc, datetime.now(UTC))   # years and quarters: no months
               if "-" not in o["value"] or "Q" in o["value"]]
    provinces = [o for o in kpi_page.scope_options(q.wards(ioc.read_pool), lang) if not o["value"].isdigit()]
    return choices, provinces


@callback(Output("adoption-cards", "children"), Output("adoption-table", "children"),
          Output("adoption-map", "figure"), Output("adoption-map-caption", "children"),
          Output("adoption-others", "children"), Input("adoption-period", "value"),
          Input("adoption-scope", "value"), Input("adoption-rate", "value"), Input("adoption-opts", "data"))
def refresh(period: str, scope: str, rate: str, opts: dict[str, Any]) -> tuple[Any, ...]:
    return kpi_adoption.adoption_view(context.current(), {"period": period, "scope": scope, "rate": rate,
                                                          "lang": opts.get("lang")}, datetime.now(UTC))


@callback(Output("socio-cards", "children"), Output("socio-trend", "figure"), Input("adoption-period", "value"),
          Input("adoption-scope", "value"), Input("socio-key", "data"), Input("adoption-opts", "data"))
def refresh_socio(period: str, scope: str, key: str, opts: dict[str, Any]) -> tuple[Any, Any]:
    return kpi_socio.socio_view(context.current(), {"period": period, "scope": scope, "key": key,
                                                    "lang": opts.get("lang")}, datetime.now(UTC))


@callback(Output("socio-key", "data"), Input({"type": "socio-card", "index": ALL}, "n_clicks"),
          prevent_initial_call=True)
def pick_socio(clicks: list[int | None]) -> Any:
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    return ctx.triggered_id["index"]
