"""/alarms: alarms for operators (cảnh báo): the list with filters, an alarm's detail and history, and the handling
(acknowledge, assign, resolve with a note, close, silence). Viewers see; operators and admins act; admins also
see the rules in force. Query parameters: ``lang`` (vi|en), ``theme`` (light|dark), ``alarm`` (open one)."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboards import auth, context
from dashboards.auth import require
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.queries import alarms as q
from dashboards.theme import theme_for
from dashboards.views import alarm_actions as act
from dashboards.views import alarm_rules, replica_banner
from dashboards.views import alarms as view
from ioc.security import roles
from pipelines.alarms.actions import AlarmFilter

dash.register_page(__name__, path="/alarms", title="IOC — cảnh báo", name="alarms")

PAGE_SIZE = 50
REFRESH_MS = 5000
FILTERS = ("alarms-state", "alarms-severity", "alarms-ward")


def _filters(lang: str) -> dbc.Row:
    found = view.filter_options(lang)
    return dbc.Row([
        dbc.Col(dcc.Dropdown(id="alarms-state", options=found["states"], value="live", clearable=False), lg=3),
        dbc.Col(dcc.Dropdown(id="alarms-severity", options=found["severities"],
                             placeholder=t("alarms.filter.severity", lang)), lg=3),
        dbc.Col(dcc.Dropdown(id="alarms-ward", placeholder=t("alarms.filter.ward", lang)), lg=3),
        dbc.Col(html.Div(id="alarms-total", className="fs-5 pt-1 text-end"), lg=3)], className="g-2 mb-2")


def _handling(lang: str) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col([dbc.Label(t("alarms.form.note", lang)), dbc.Textarea(id="alarms-note", rows=2)], lg=6),
            dbc.Col([dbc.Label(t("alarms.form.assignee", lang)), dbc.Input(id="alarms-assignee")], lg=3),
            dbc.Col([dbc.Label(t("alarms.form.hours", lang)),
                     dbc.Input(id="alarms-hours", type="number", min=0.5, max=168, step=0.5, value=4)], lg=3)],
            className="g-2 mb-2"),
        html.Div(id="alarms-buttons"), html.Div(id="alarms-feedback", className="mt-2")], className="ioc-panel mt-2")


def layout(lang: str | None = None, theme: str | None = None, alarm: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/alarms"), replica_banner.slot("alarms", lang, th.name != "dark"),
        dcc.Store(id="alarms-opts", data={"lang": lang, "theme": th.name, "handle": act.can_handle()}),
        dcc.Store(id="alarms-selected", data=int(alarm) if alarm and alarm.isdigit() else None),
        dcc.Store(id="alarms-version", data=0), dcc.Interval(id="alarms-tick", interval=REFRESH_MS),
        dbc.Container([
            html.Div([html.H1(t("alarms.title", lang), className="me-auto"),
                      lang_switch("/alarms", lang, "alarms", theme=theme)], className="d-flex align-items-center"),
            dbc.Row([dbc.Col([_filters(lang), html.Div(id="alarms-table"),
                              dbc.Pagination(id="alarms-pager", max_value=1, active_page=1, first_last=True,
                                             previous_next=True)], lg=7),
                     dbc.Col([html.Div(id="alarms-detail", className="ioc-panel"), _handling(lang)], lg=5)]),
            html.Div(id="alarms-rules", className="mt-4"),
        ], fluid=True),
    ], "alarms-page")


@callback(Output("alarms-ward", "options"), Output("alarms-rules", "children"), Input("alarms-opts", "data"))
def load_options(opts: dict[str, Any]) -> tuple[Any, Any]:
    """The ward filter's choices, and for admins the rules in force (changed with ``ioc alarms rules load``)."""
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    found = [{"label": w["name"], "value": w["code"]} for w in q.wards(ioc.read_pool)]
    who = auth.current_principal()
    if who is not None and not who.may(roles.ADMIN):
        return found, []
    # the rules stay on the primary: an admin edits them on this page and must see the edit at once
    return found, [*view.rules_section(q.rules(ioc.pool), ioc.settings.tz, lang),
                   *alarm_rules.editor(alarm_rules.current(ioc), lang)]


@callback(Output("alarms-table", "children"), Output("alarms-pager", "max_value"),
          Output("alarms-pager", "active_page"), Output("alarms-total", "children"),
          *(Input(f, "value") for f in FILTERS), Input("alarms-pager", "active_page"),
          Input("alarms-tick", "n_intervals"), Input("alarms-version", "data"), State("alarms-selected", "data"),
          State("alarms-opts", "data"))
def refresh_table(state: str | None, severity: str | None, ward: str | None, page_no: int | None, _n: int | None,
                  _v: int, selected: int | None, opts: dict[str, Any]) -> tuple[Any, int, int, str]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    states = q.LIVE if state in (None, "live") else (str(state),)
    asked = 0 if ctx.triggered_id in FILTERS else max(0, (page_no or 1) - 1)
    # the list only reads: a standby serves it (an action's result shows in the detail, read on the primary)
    page, total, found = q.page_of(ioc.read_pool, AlarmFilter(states, severity, None, ward), asked, PAGE_SIZE)
    return (view.table(found, selected, ioc.settings.tz, lang), max(1, -(-total // PAGE_SIZE)), page + 1,
            t("alarms.total", lang, n=total))


@callback(Output("alarms-selected", "data"), Input({"type": "alarms-row", "id": ALL}, "n_clicks"),
          prevent_initial_call=True)
def select_alarm(clicks: list[int | None]) -> Any:
    if not isinstance(ctx.triggered_id, dict) or not any(clicks):
        return dash.no_update   # rows drawn anew by the refresh have no clicks yet
    return ctx.triggered_id["id"]


@callback(Output({"type": "alarms-row", "id": ALL}, "className"), Input("alarms-selected", "data"),
          State({"type": "alarms-row", "id": ALL}, "id"), State({"type": "alarms-row", "id": ALL}, "className"),
          prevent_initial_call=True)
def mark_selected(selected: int | None, ids: list[dict[str, Any]], classes: list[str | None]) -> list[str]:
    return [view.with_selection(c, i["id"] == selected) for i, c in zip(ids, classes, strict=True)]


@callback(Output("alarms-detail", "children"), Output("alarms-buttons", "children"),
          Input("alarms-selected", "data"), Input("alarms-version", "data"), Input("alarms-tick", "n_intervals"),
          State("alarms-opts", "data"))
def show_detail(alarm_id: int | None, _v: int, _n: int | None, opts: dict[str, Any]) -> tuple[Any, Any]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    # the primary: drawn again after an action (alarms-version), it must show that action's result
    found, history = q.detail(ioc.pool, alarm_id) if alarm_id is not None else (None, [])
    told = q.deliveries(ioc.pool, alarm_id) if found and alarm_id is not None else []
    return (view.detail(found, history, ioc.settings.tz, lang, told, mask=not opts.get("handle")),
            view.buttons(found["state"] if found else None, bool(opts.get("handle")), lang))


@callback(Output("alarms-feedback", "children"), Output("alarms-version", "data"),
          Input({"type": "alarms-act", "action": ALL}, "n_clicks"), State("alarms-selected", "data"),
          State("alarms-note", "value"), State("alarms-assignee", "value"), State("alarms-hours", "value"),
          State("alarms-version", "data"), State("alarms-opts", "data"), prevent_initial_call=True)
@require(roles.READ)
def handle(clicks: list[int | None], alarm_id: int | None, note: str | None, assignee: str | None,
           hours: float | None, version: int, opts: dict[str, Any]) -> tuple[Any, Any]:
    if not isinstance(ctx.triggered_id, dict) or not any(clicks) or alarm_id is None:
        return dash.no_update, dash.no_update
    form = act.Form(note or "", assignee or "", float(hours or 0))
    ok, message = act.handle(context.current(), alarm_id, ctx.triggered_id["action"], form, act.actor(),
                             norm_lang(opts.get("lang")))
    return dbc.Alert(message, color="success" if ok else "danger", duration=8000 if ok else None), version + 1


@callback(Output({"type": "alarms-rules-result", "index": ALL}, "children"),
          Input({"type": "alarms-rules-do", "action": ALL}, "n_clicks"),
          State({"type": "alarms-rules-yaml", "index": ALL}, "value"), State("alarms-opts", "data"),
          prevent_initial_call=True)
@require(roles.ADMIN)
def edit_rules(clicks: list[int | None], texts: list[str | None], opts: dict[str, Any]) -> list[Any]:
    if not isinstance(ctx.triggered_id, dict) or not any(clicks) or not texts:
        return [dash.no_update] * len(texts)
    ok, lines = alarm_rules.apply(context.current(), ctx.triggered_id["action"], texts[0] or "",
                                  act.actor() or "admin", norm_lang(opts.get("lang")))
    return [alarm_rules.result(ok, lines)]
