"""/social: social listening for staff. Counts by topic × sentiment per ward over 24 h or 7 days, mentions per
local day, the newest mentions with filters, and on a negative, high-reach, local mention a button that makes it a
field report (once; later clicks open that report). Query parameters: ``lang`` (vi|en), ``theme``, ``ward``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards import auth, context
from dashboards.auth import require
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import replica_banner, social_actions
from dashboards.views import social as view
from ioc.security import roles
from pipelines.social.demo import LABEL
from pipelines.social.model import SENTIMENTS, TOPICS
from pipelines.social.queries import ward_choices

dash.register_page(__name__, path="/social", title="IOC — lắng nghe mạng xã hội", name="social")

REFRESH_MS = 60_000
GRAPH: Any = {"displayModeBar": False}
ALL_VALUES = "all"      # the filters' "all" (an empty value shows as a blank select)


def _filters(lang: str, ward: str | None) -> dbc.Row:
    with context.current().read_pool.connection() as conn:
        known = ward_choices(conn)
    all_ = {"label": t("social.filter.all", lang), "value": ALL_VALUES}
    wards = [all_, *({"label": name, "value": code} for code, name in known),
             {"label": t("social.ward.unknown", lang), "value": view.UNKNOWN}]
    col = {"md": 6, "lg": 2}
    return dbc.Row([
        dbc.Col(dbc.RadioItems(id="social-window", value="24h", inline=True, className="mt-4",
                               options=[{"label": t(f"social.window.{w}", lang), "value": w} for w in ("24h", "7d")]),
                md=6, lg=3),
        dbc.Col([dbc.Label(t("social.filter.ward", lang)),
                 dbc.Select(id="social-ward", options=wards, value=ward or ALL_VALUES)], **col),
        dbc.Col([dbc.Label(t("social.filter.topic", lang)),
                 dbc.Select(id="social-topic", value=ALL_VALUES, options=[
                     all_, *({"label": t(f"social.topic.{k}", lang), "value": k} for k in TOPICS)])], **col),
        dbc.Col([dbc.Label(t("social.filter.sentiment", lang)),
                 dbc.Select(id="social-sentiment", value=ALL_VALUES, options=[
                     all_, *({"label": t(f"social.sentiment.{s}", lang), "value": s} for s in SENTIMENTS)])], **col),
        dbc.Col([dbc.Label(t("social.filter.reach", lang)),
                 dbc.Input(id="social-reach", type="number", min=0, step=100, value=0)], **col),
    ], className="g-3 mb-3 align-items-end")


def layout(lang: str | None = None, theme: str | None = None, ward: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/social"), replica_banner.slot("social", lang, th.name != "dark"),
        dcc.Store(id="social-opts", data={"lang": lang, "theme": th.name}),
        dcc.Interval(id="social-tick", interval=REFRESH_MS), dcc.Store(id="social-version", data=0),
        dcc.Location(id="social-go", refresh=True),
        dbc.Container([
            html.Div([html.H1(t("social.title", lang), className="me-3"),
                      html.Span(LABEL, id="social-synthetic", className="badge text-bg-warning fs-6 me-auto",
                                style={"display": "none"}),
                      html.Div(id="social-totals", className="d-flex gap-3 me-3"),
                      lang_switch("/social", lang, "social", theme=theme)], className="d-flex align-items-center"),
            html.P(t("social.privacy", lang), className="text-body-secondary"),
            _filters(lang, ward),
            html.Div(id="social-feedback"),
            dbc.Row([dbc.Col(html.Div(dcc.Graph(id="social-topics", config=GRAPH), className="ioc-panel"), lg=6),
                     dbc.Col(html.Div(dcc.Graph(id="social-days", config=GRAPH), className="ioc-panel"), lg=6)],
                    className="g-3"),
            html.H2(t("social.by_ward", lang), className="h4 mt-3"),
            html.Div(id="social-wards"),
            html.H2(t("social.list", lang), className="h4 mt-3"),
            html.Div(id="social-mentions"),
        ], fluid=True),
    ], "social-page")


@callback(Output("social-totals", "children"), Output("social-topics", "figure"), Output("social-days", "figure"),
          Output("social-wards", "children"), Output("social-mentions", "children"),
          Output("social-synthetic", "style"),
          Input("social-opts", "data"), Input("social-window", "value"), Input("social-ward", "value"),
          Input("social-topic", "value"), Input("social-sentiment", "value"), Input("social-reach", "value"),
          Input("social-tick", "n_intervals"), Input("social-version", "data"))
def refresh(opts: dict[str, Any], window: str | None, ward: str | None, topic: str | None, sentiment: str | None,
            reach: float | None, _n: int | None, _v: int) -> tuple[Any, ...]:
    opts = opts or {}
    lang = norm_lang(opts.get("lang"))
    chosen_ward = None if ward in (None, "", ALL_VALUES) else ward
    filters = view.Filters(window if window in ("24h", "7d") else "24h", chosen_ward,
                           topic if topic in TOPICS else None, sentiment if sentiment in SENTIMENTS else None,
                           int(reach or 0))
    found = view.page(context.current(), auth.current_principal(), theme_for(opts.get("theme"), "light"), lang,
                      filters, datetime.now(UTC))
    shown = {"display": "inline-block"} if found.synthetic else {"display": "none"}
    return found.totals, found.topics, found.days, found.wards, found.mentions, shown


@callback(Output("social-go", "href"), Output("social-feedback", "children"), Output("social-version", "data"),
          Input({"type": "social-report", "index": ALL}, "n_clicks"),
          State("social-version", "data"), State("social-opts", "data"), prevent_initial_call=True)
@require(roles.REPORTS_HANDLE)
def create_report(clicks: list[int | None], version: int, opts: dict[str, Any]) -> tuple[Any, Any, Any]:
    """One click makes the mention a field report and opens it; a later click opens the same report."""
    opts, trigger = opts or {}, ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or ()):
        return no_update, no_update, no_update     # the list was redrawn: no button was pressed
    who = auth.current_principal()
    if who is None:
        return no_update, dbc.Alert(t("social.needs_handle", norm_lang(opts.get("lang"))), color="danger"), no_update
    href, message, ok = social_actions.create_report(context.current(), who, int(trigger["index"]),
                                                     norm_lang(opts.get("lang")))
    alert = dbc.Alert(message, color="success" if ok else "danger", duration=8000 if ok else None)
    return href or no_update, alert, (version or 0) + 1
