"""/footage: the camera footage register (sổ trích xuất hình ảnh camera). Everyone with the page sees the counts of
extractions per month, purpose, outcome and ward; footage officers also see the register and the overdue
destructions (the register is kept with ``ioc footage …``). Query parameters: ``lang`` (vi|en), ``theme``."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboards import auth, context
from dashboards.auth import require
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import footage as view
from dashboards.views import footage_actions as act
from dashboards.views import replica_banner
from ioc.security import roles

dash.register_page(__name__, path="/footage", title="IOC — trích xuất hình ảnh", name="footage")

REFRESH_MS = 60_000
GRAPH: Any = {"displayModeBar": False}


def layout(lang: str | None = None, theme: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/footage"), replica_banner.slot("footage", lang, th.name != "dark"),
        dcc.Store(id="footage-opts", data={"lang": lang, "theme": th.name}),
        dcc.Interval(id="footage-tick", interval=REFRESH_MS), dcc.Store(id="footage-version", data=0),
        dbc.Container([
            html.Div([html.H1(t("footage.title", lang), className="me-auto"),
                      html.Div(id="footage-total", className="fs-4 me-3"),
                      lang_switch("/footage", lang, "footage", theme=theme)], className="d-flex align-items-center"),
            html.P(t("footage.law", lang), className="text-body-secondary footage-law"),
            dbc.Row([dbc.Col(html.Div(dcc.Graph(id="footage-months", config=GRAPH), className="ioc-panel"), lg=7),
                     dbc.Col(html.Div(dcc.Graph(id="footage-outcomes", config=GRAPH), className="ioc-panel"), lg=5)],
                    className="g-3"),
            dbc.Row([dbc.Col([html.H2(t("footage.by_ward", lang), className="h4 mt-3"),
                              html.Div(id="footage-wards")], lg=3),
                     dbc.Col([act.forms(lang, act.officer() is not None),
                              html.Div(id="footage-register", className="mt-3")], lg=9)], className="g-3"),
        ], fluid=True),
    ], "footage-page")


@callback(Output("footage-months", "figure"), Output("footage-outcomes", "figure"), Output("footage-wards", "children"),
          Output("footage-register", "children"), Output("footage-total", "children"),
          Input("footage-opts", "data"), Input("footage-tick", "n_intervals"), Input("footage-version", "data"))
def refresh(opts: dict[str, Any], _n: int | None, _v: int) -> tuple[Any, Any, Any, Any, str]:
    """Counts for every reader of the page; the register only for a footage officer (checked here, per request)."""
    lang = norm_lang(opts.get("lang"))
    found = view.page(context.current(), auth.current_principal(), theme_for(opts.get("theme"), "light"), lang)
    return found.months, found.outcomes, found.wards, found.register, t("footage.total", lang, n=found.total)


@callback(Output("footage-f-feedback", "children"), Output("footage-version", "data"),
          Input("footage-f-submit", "n_clicks"), Input("footage-a-submit", "n_clicks"),
          State("footage-f-requester", "value"), State("footage-f-unit", "value"), State("footage-f-purpose", "value"),
          State("footage-f-reason", "value"), State("footage-f-basis", "value"), State("footage-f-cameras", "value"),
          State("footage-f-from", "value"), State("footage-f-to", "value"),
          State("footage-a-id", "value"), State("footage-a-action", "value"), State("footage-a-text", "value"),
          State("footage-a-outcome", "value"), State("footage-a-by", "value"),
          State("footage-version", "data"), State("footage-opts", "data"), prevent_initial_call=True)
@require(roles.FOOTAGE)
def submit(_new: int | None, _step: int | None, requester: str | None, unit: str | None, purpose: str | None,
           reason: str | None, basis: str | None, cameras: str | None, start: str | None, end: str | None,
           extraction: int | None, action: str | None, text: str | None, result: str | None, by: str | None,
           version: int, opts: dict[str, Any]) -> tuple[Any, Any]:
    """A footage officer registers a request, or approves, refuses, records an outcome or a destruction."""
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    if ctx.triggered_id == "footage-f-submit":
        form = act.RequestForm(requester or "", unit or "", purpose or "", reason or "", basis or "", cameras or "",
                               start or "", end or "")
        ok, message = act.register(ioc, form, lang)
    else:
        ok, message = act.act(ioc, extraction, action or "", (text or "").strip(), result, by, lang)
    return dbc.Alert(message, color="success" if ok else "danger", duration=8000 if ok else None), version + 1
