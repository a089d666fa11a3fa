"""/kpis: the leaders' view of administrative-procedure and digital-government KPIs, per ward and period.

KPI cards against targets (click one to chart it), its trend with the target line and the forecast band, the
ward ranking and a choropleth; ward names drill down to /kpis/ward/<code>. Exports the current view to XLSX, PNG
or PDF. Light theme and big numbers for a projector; ``?print=1`` hides the controls for printing from a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboards import context
from dashboards.auth import require
from dashboards.components import frame, lang_switch, nav, query_string
from dashboards.exports import kpi_export
from dashboards.i18n import norm_lang, t
from dashboards.queries import kpis as q
from dashboards.theme import theme_for
from dashboards.views import kpi_page, replica_banner
from dashboards.views.kpi_page import ViewState

dash.register_page(__name__, path="/kpis", title="IOC — KPIs", name="kpis")


def layout(lang: str | None = None, period: str | None = None, scope: str | None = None, kpi: str | None = None,
           print: str | None = None, **_: Any) -> html.Div:
    ioc, now = context.current(), datetime.now(UTC)
    lang, th, printing = norm_lang(lang), theme_for("light", "light"), bool(print)
    state = ViewState.of(period, scope, kpi, lang, kpi_page.default_period(now, ioc.settings.tz))
    hidden = {"display": "none"} if printing else {}
    controls = dbc.Row([
        dbc.Col(dcc.Dropdown(id="kpis-period", options=[{"label": state.period, "value": state.period}],
                             value=state.period, clearable=False), lg=2),
        dbc.Col(dcc.Dropdown(id="kpis-scope", options=[{"label": state.scope or t("kpis.all_wards", lang),
                                                         "value": state.scope or "*"}],
                             value=state.scope or "*", clearable=False), lg=3),
        dbc.Col(dcc.Dropdown(id="kpis-kpi", options=kpi_page.kpi_options(lang), value=state.kpi, clearable=False),
                lg=3),
        dbc.Col([dbc.Button(t("kpis.export.xlsx", lang), id="kpis-xlsx", color="secondary", className="me-2"),
                 dbc.Button(t("kpis.export.png", lang), id="kpis-png", color="secondary", className="me-2"),
                 dbc.Button(t("kpis.export.pdf", lang), id="kpis-pdf", color="secondary"),
                 dcc.Download(id="kpis-download")], lg=4, className="text-end"),
    ], className="g-2 mb-2", style=hidden)
    return frame(th, [
        html.Div(nav(lang, th, "/kpis"), style=hidden), replica_banner.slot("kpis", lang, th.name != "dark"),
        dcc.Store(id="kpis-opts", data={"lang": lang}),
        dbc.Container([
            html.Div([html.H1(t("kpis.title", lang), className="me-auto mb-0", style={"fontSize": "2.1rem"}),
                      html.Div(_links(lang), style=hidden),
                      html.Div(lang_switch("/kpis", lang, "kpis", period=state.period, scope=state.scope,
                                           kpi=state.kpi), style=hidden)],
                     className="d-flex align-items-center gap-3"),
            html.Div(id="kpis-subtitle", style={"fontSize": "1.25rem", "margin": "2px 0 8px"}),
            controls,
            dbc.Alert(id="kpis-export-msg", is_open=False, color="warning", dismissable=True),
            # shown while an export runs (a background callback): what it is doing, not a frozen button
            html.Div([html.Div(id="kpis-export-step", style={"fontSize": "1.2rem", "marginBottom": "4px"}),
                      dbc.Progress(id="kpis-export-bar", value=0, striped=True, animated=True,
                                   style={"height": "0.9rem"})],
                     id="kpis-export-progress", style={"display": "none"}, className="mb-2"),
            dcc.Loading(dbc.Row(id="kpis-cards", className="g-2 row-cols-8"), type="dot"),
            dbc.Row([dbc.Col(dcc.Graph(id="kpis-trend", config={"displayModeBar": False}), lg=5),
                     dbc.Col([dcc.Graph(id="kpis-map", config={"displayModeBar": False, "scrollZoom": True}),
                              html.Div(id="kpis-map-caption", className="text-body-secondary")], lg=3),
                     dbc.Col(html.Div(id="kpis-ranking", style={"maxHeight": "540px", "overflowY": "auto"}),
                             lg=4)], className="g-3 mt-1"),
            html.Div(id="kpis-766"),
            html.H2(t("kpis.all_indicators", lang), className="mt-4", style={"fontSize": "1.4rem"}),
            html.Div(id="kpis-others"),
        ], fluid=True),
    ], "kpis-page")


def _links(lang: str) -> list[Any]:
    return [dbc.Button(t("adoption.title_short", lang), href="/adoption" + query_string(lang=lang), color="link")]


@callback(Output("kpis-period", "options"), Output("kpis-scope", "options"), Input("kpis-opts", "data"))
def fill_choices(opts: dict[str, Any]) -> tuple[Any, Any]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    return (kpi_page.period_options(ioc, datetime.now(UTC)),
            kpi_page.scope_options(q.wards(ioc.read_pool), lang))


@callback(Output("kpis-subtitle", "children"), Output("kpis-cards", "children"), Output("kpis-trend", "figure"),
          Output("kpis-map", "figure"), Output("kpis-map-caption", "children"), Output("kpis-ranking", "children"),
          Output("kpis-others", "children"), Output("kpis-766", "children"),
          Input("kpis-period", "value"), Input("kpis-scope", "value"), Input("kpis-kpi", "value"),
          State("kpis-opts", "data"))
def refresh(period: str, scope: str, kpi: str, opts: dict[str, Any]) -> tuple[Any, ...]:
    ioc, now = context.current(), datetime.now(UTC)
    state = ViewState.of(period, scope, kpi, opts.get("lang"), kpi_page.default_period(now, ioc.settings.tz))
    r = kpi_page.render(ioc, state, now)
    return r.subtitle, r.cards, r.trend, r.map, r.map_caption, r.ranking, r.others, r.decision766


@callback(Output("kpis-kpi", "value"), Input({"type": "kpis-card", "index": ALL}, "n_clicks"),
          prevent_initial_call=True)
def pick_card(clicks: list[int | None]) -> Any:
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    return ctx.triggered_id["index"]


@callback(Output("kpis-download", "data"), Output("kpis-export-msg", "children"), Output("kpis-export-msg", "is_open"),
          Input("kpis-xlsx", "n_clicks"), Input("kpis-png", "n_clicks"), Input("kpis-pdf", "n_clicks"),
          State("kpis-period", "value"), State("kpis-scope", "value"), State("kpis-kpi", "value"),
          State("kpis-opts", "data"), prevent_initial_call=True, background=True,
          progress=[Output("kpis-export-bar", "value"), Output("kpis-export-step", "children")],
          running=[(Output("kpis-export-progress", "style"), {"display": "block"}, {"display": "none"}),
                   (Output("kpis-xlsx", "disabled"), True, False), (Output("kpis-png", "disabled"), True, False),
                   (Output("kpis-pdf", "disabled"), True, False)])
@require("export")
def export(set_progress: Callable[[tuple[int, str]], None], _x: int | None, _p: int | None, _d: int | None,
           period: str, scope: str, kpi: str, opts: dict[str, Any]) -> tuple[Any, Any, bool]:
    """A background callback (dashboards/jobs.py): runs in a job process, the bar follows its steps."""
    ioc, now = context.current(), datetime.now(UTC)
    state = ViewState.of(period, scope, kpi, opts.get("lang"), kpi_page.default_period(now, ioc.settings.tz))
    kind = {"kpis-xlsx": "xlsx", "kpis-png": "png", "kpis-pdf": "pdf"}[str(ctx.triggered_id)]
    set_progress((2, t("kpis.export.step.start", state.lang)))
    return kpi_export.download(ioc, state, kind, now, lambda pct, what: set_progress((pct, what)))
