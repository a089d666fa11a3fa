"""/kpis/ward/<code>: the drill-down of one ward — its procedures, then the overdue dossiers behind the number."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboards import context
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import kpi_drill, kpi_page, replica_banner

dash.register_page(__name__, path_template="/kpis/ward/<code>", title="IOC — KPI ward", name="kpi-ward")


def layout(code: str | None = None, lang: str | None = None, period: str | None = None,
           procedure: str | None = None, **_: Any) -> html.Div:
    ioc, now = context.current(), datetime.now(UTC)
    lang, th = norm_lang(lang), theme_for("light", "light")
    state = kpi_page.ViewState.of(period, code, None, lang, kpi_page.default_period(now, ioc.settings.tz))
    opts = {"code": code, "period": state.period, "procedure": procedure, "lang": lang}
    return frame(th, [
        nav(lang, th, ""), replica_banner.slot("kpi_ward", lang, th.name != "dark"),
        dcc.Store(id="kpiward-opts", data=opts),
        dbc.Container([
            html.Div([html.H1(id="kpiward-title", className="me-auto", style={"fontSize": "2rem"}),
                      lang_switch(f"/kpis/ward/{code}", lang, "kpiward", period=state.period, procedure=procedure)],
                     className="d-flex align-items-center"),
            html.Div(id="kpiward-crumbs"),
            dcc.Loading(html.Div(id="kpiward-cards"), type="dot"),
            html.P(t("kpis.drill.note", lang), className="text-body-secondary mt-2"),
            dbc.Row([dbc.Col([html.H2(t("kpis.drill.procedures", lang), style={"fontSize": "1.3rem"}),
                              html.Div(id="kpiward-procedures", style={"maxHeight": "70vh", "overflowY": "auto"})],
                             lg=6),
                     dbc.Col(html.Div(id="kpiward-dossiers", style={"maxHeight": "75vh", "overflowY": "auto"}),
                             lg=6)], className="g-3 mt-1"),
        ], fluid=True),
    ], "kpiward-page")


@callback(Output("kpiward-title", "children"), Output("kpiward-crumbs", "children"),
          Output("kpiward-cards", "children"), Output("kpiward-procedures", "children"),
          Output("kpiward-dossiers", "children"), Input("kpiward-opts", "data"))
def refresh(opts: dict[str, Any]) -> tuple[Any, ...]:
    return kpi_drill.drill_view(context.current(), opts, datetime.now(UTC))
