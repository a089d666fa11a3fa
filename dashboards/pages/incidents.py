"""/incidents (and /incidents/<id>): incidents for operators (sự cố): the list, one incident's evidence on a map,
its playbook (which step is due, which overdue), its timeline, and the handling (confirm, dismiss, merge, attach,
finish steps, resolve, answer the attached reports). Viewers see; operators and admins act. Query parameters:
``lang`` (vi|en), ``theme`` (light|dark), ``incident`` (open one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboards import context
from dashboards.auth import require
from dashboards.components import frame, lang_switch, nav
from dashboards.i18n import norm_lang, t
from dashboards.theme import theme_for
from dashboards.views import incident_actions as act
from dashboards.views import incident_map, replica_banner
from dashboards.views import incidents as view
from ioc.security import roles
from pipelines.incidents import handling, queries

dash.register_page(__name__, path="/incidents", title="IOC — sự cố", name="incidents")

REFRESH_MS = 5000
PAGE_SIZE = 100


def _selected(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 18 else None


def _form(lang: str) -> html.Div:
    sources = [{"label": t(f"incidents.source.{s}", lang), "value": s} for s in handling.SOURCES]
    return html.Div([
        html.Div(id="incidents-buttons", className="mb-2"),
        dbc.Row([dbc.Col([dbc.Label(t("incidents.form.note", lang)), dbc.Textarea(id="incidents-note", rows=2)], lg=6),
                 dbc.Col([dbc.Label(t("incidents.form.target", lang)), dbc.Input(id="incidents-target")], lg=2),
                 dbc.Col([dbc.Label(t("incidents.do.attach", lang)),
                          dcc.Dropdown(id="incidents-source", options=sources, value="report", clearable=False),
                          dbc.Input(id="incidents-ref", placeholder=t("incidents.form.ref", lang))], lg=4)],
                className="g-2"),
        dbc.Row([dbc.Col([dbc.Label(t("incidents.form.response", lang)),
                          dbc.Textarea(id="incidents-response", rows=2)], lg=9),
                 dbc.Col(dbc.Button(t("incidents.do.answer", lang), id="incidents-answer", color="primary",
                                    className="mt-4"), lg=3)], className="g-2 mt-1", id="incidents-answer-row"),
        html.Div(id="incidents-feedback", className="mt-2")], className="ioc-panel mt-2", id="incidents-form")


def layout(lang: str | None = None, theme: str | None = None, incident: str | None = None,
           incident_id: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/incidents"), replica_banner.slot("incidents", lang, th.name != "dark"),
        dcc.Store(id="incidents-opts", data={"lang": lang, "theme": th.name, "handle": act.can_handle()}),
        dcc.Store(id="incidents-selected", data=_selected(incident_id or incident)),
        dcc.Store(id="incidents-changes", data=0), dcc.Store(id="incidents-seen"),
        dcc.Interval(id="incidents-tick", interval=REFRESH_MS),
        dbc.Container([
            html.Div([html.H1(t("incidents.title", lang), className="me-auto"),
                      lang_switch("/incidents", lang, "incidents", theme=theme)],
                     className="d-flex align-items-center"),
            dbc.Row([
                dbc.Col([dbc.Row([dbc.Col(dcc.Dropdown(id="incidents-status", options=view.status_options(lang),
                                                       value="live", clearable=False), lg=7),
                                  dbc.Col(html.Div(id="incidents-total", className="fs-5 pt-1 text-end"), lg=5)],
                                 className="g-2 mb-2"),
                         html.Div(id="incidents-table")], lg=5),
                dbc.Col([html.Div(id="incidents-detail-head", className="ioc-panel"),
                         html.Div(_form(lang), id="incidents-handling"),
                         dbc.Row([dbc.Col(dcc.Graph(id="incidents-map", style={"height": "420px"},
                                                    config={"displayModeBar": False, "scrollZoom": True}), lg=7),
                                  dbc.Col(html.Div(id="incidents-playbook-box"), lg=5)], className="g-2 mt-2"),
                         dbc.Row([dbc.Col(html.Div(id="incidents-evidence"), lg=7),
                                  dbc.Col(html.Div(id="incidents-timeline-box"), lg=5)], className="g-2 mt-2")],
                        lg=7)]),
        ], fluid=True),
    ], "incidents-page")


dash.register_page("incidents_one", path_template="/incidents/<incident_id>", title="IOC — sự cố",
                   name="incident", layout=layout)


@callback(Output("incidents-table", "children"), Output("incidents-total", "children"),
          Input("incidents-status", "value"), Input("incidents-tick", "n_intervals"),
          Input("incidents-changes", "data"), Input("incidents-selected", "data"), State("incidents-opts", "data"))
def refresh_table(status: str | None, _n: int | None, _c: int, selected: int | None,
                  opts: dict[str, Any]) -> tuple[Any, str]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    statuses = ("suggested", "confirmed") if status in (None, "live") else (str(status),)
    with ioc.read_pool.connection() as conn:   # the list only reads; the detail, an action's result, reads the primary
        total, found = queries.listing(conn, queries.IncidentFilter(statuses), datetime.now(UTC), 0, PAGE_SIZE)
    return view.table(found, selected, ioc.settings.tz, lang), t("incidents.total", lang, n=total)


@callback(Output("incidents-selected", "data"), Input({"type": "incidents-row", "id": ALL}, "n_clicks"),
          prevent_initial_call=True)
def select_incident(clicks: list[int | None]) -> Any:
    if not isinstance(ctx.triggered_id, dict) or not any(clicks):
        return dash.no_update   # rows drawn anew by the refresh have no clicks yet
    return ctx.triggered_id["id"]


@callback(Output("incidents-detail-head", "children"), Output("incidents-buttons", "children"),
          Output("incidents-map", "figure"), Output("incidents-playbook-box", "children"),
          Output("incidents-evidence", "children"), Output("incidents-timeline-box", "children"),
          Output("incidents-handling", "style"), Output("incidents-seen", "data"),
          Input("incidents-selected", "data"), Input("incidents-changes", "data"),
          Input("incidents-tick", "n_intervals"), State("incidents-seen", "data"), State("incidents-opts", "data"))
def show_detail(incident_id: int | None, _c: int, _n: int | None, seen: dict[str, Any] | None,
                opts: dict[str, Any]) -> tuple[Any, ...]:
    """The selected incident; a tick redraws it only when its version changed (someone acted), so a checklist
    being ticked is not wiped under the operator's hand."""
    ioc, lang, now = context.current(), norm_lang(opts.get("lang")), datetime.now(UTC)
    th, tz, handle = theme_for(opts.get("theme"), "light"), ioc.settings.tz, bool(opts.get("handle"))
    if incident_id is None:
        return (html.P(t("incidents.pick", lang), className="text-muted"), [], {"data": [], "layout": {}}, [], [], [],
                {"display": "none"}, None)
    with ioc.pool.connection() as conn:   # the primary: an action's result and the checklist just ticked show here
        inc = queries.one(conn, incident_id, now)
        if inc is None:
            return (html.P(t("incidents.pick", lang), className="text-muted"), [], {"data": [], "layout": {}}, [], [],
                    [], {"display": "none"}, None)
        mark = {"id": incident_id, "version": inc["version"], "items": inc["items"]}
        if ctx.triggered_id == "incidents-tick" and seen == mark:
            return (dash.no_update,) * 8
        items, steps, events = (queries.items(conn, incident_id), queries.steps(conn, incident_id, now),
                                queries.timeline(conn, incident_id))
        names, outlines = queries.departments(conn), queries.ward_outlines(conn, inc["ward_codes"])
    return (view.header(inc, names, tz, lang), view.buttons(inc["status"], handle, lang),
            incident_map.figure(inc, items, th, lang, ioc.settings.tiles_url, outlines),
            view.playbook(steps, inc["status"], handle, names, tz, lang), view.evidence(items, tz, lang),
            view.timeline(events, tz, lang), {} if handle and inc["status"] in view.LIVE else {"display": "none"}, mark)


@callback(Output("incidents-feedback", "children"), Output("incidents-changes", "data"),
          Input({"type": "incidents-act", "action": ALL}, "n_clicks"), Input("incidents-answer", "n_clicks"),
          Input({"type": "incidents-step", "pos": ALL, "done": ALL}, "n_clicks"),
          State("incidents-selected", "data"), State("incidents-seen", "data"), State("incidents-note", "value"),
          State("incidents-target", "value"), State("incidents-source", "value"), State("incidents-ref", "value"),
          State("incidents-response", "value"), State({"type": "incidents-check", "pos": ALL}, "value"),
          State({"type": "incidents-check", "pos": ALL}, "id"), State("incidents-changes", "data"),
          State("incidents-opts", "data"), prevent_initial_call=True)
@require(roles.READ)
def handle(clicks: list[int | None], answer: int | None, steps: list[int | None], incident_id: int | None,
           seen: dict[str, Any] | None, note: str | None, target: str | None, source: str | None, ref: str | None,
           response: str | None, ticks: list[list[int] | None], tick_ids: list[dict[str, Any]], changes: int,
           opts: dict[str, Any]) -> tuple[Any, Any]:
    trigger = ctx.triggered_id
    if incident_id is None or not (any(clicks) or answer or any(steps)) or trigger is None:
        return dash.no_update, dash.no_update
    lang, ioc, user = norm_lang(opts.get("lang")), context.current(), act.actor()
    version = seen.get("version") if seen and seen.get("id") == incident_id else None
    if isinstance(trigger, dict) and trigger.get("type") == "incidents-step":
        pos = int(trigger["pos"])
        ticked = next((v or [] for v, i in zip(ticks, tick_ids, strict=True) if i["pos"] == pos), [])
        ok, message = act.step(ioc, incident_id, version, pos, [int(x) for x in ticked], bool(trigger["done"]),
                               user, lang)
    else:
        action = "answer" if trigger == "incidents-answer" else str(trigger["action"])
        form = act.Form(note or "", target or "", source or "report", ref or "", response or "")
        ok, message = act.handle(ioc, incident_id, version, action, form, user, lang)
    return dbc.Alert(message, color="success" if ok else "danger", duration=8000 if ok else None), changes + 1
