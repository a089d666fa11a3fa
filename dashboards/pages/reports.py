"""/reports: field reports (phản ánh hiện trường): tiles, a map of open reports, the queue with server-side paging,
a report's detail with its sensor evidence, and the handling actions for staff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboards import context
from dashboards.auth import require
from dashboards.components import frame, lang_switch, nav, tile_body, tile_class
from dashboards.i18n import norm_lang, t
from dashboards.queries import reports as q
from dashboards.theme import theme_for
from dashboards.views import replica_banner
from dashboards.views import report_page as act
from dashboards.views import report_views as view

dash.register_page(__name__, path="/reports", title="IOC — phản ánh hiện trường", name="reports")

PAGE_SIZE = 12
REFRESH_MS = 60_000
FILTERS = ("reports-ward", "reports-category", "reports-status", "reports-overdue", "reports-search",
           "reports-hamlet")
HIDDEN = {"display": "none"}


def _controls(lang: str) -> dbc.Row:
    def drop(id_: str, key: str, value: str | None = None, options: list[dict[str, str]] | None = None) -> dbc.Col:
        return dbc.Col(dcc.Dropdown(id=id_, placeholder=t(key, lang), value=value, options=options or []), lg=3)

    # the status list is fixed and given here: a dropdown whose value is not among its options drops the value
    statuses = [{"label": t(f"reports.status.{s}", lang), "value": s} for s in view.STATUSES]
    return dbc.Row([
        drop("reports-ward", "reports.filter.ward"), drop("reports-category", "reports.filter.category"),
        drop("reports-status", "reports.filter.status", "open", statuses),
        dbc.Col(dbc.Switch(id="reports-overdue", label=t("reports.filter.overdue", lang), value=False), lg=3,
                className="pt-1"),
        # hamlets (ấp / khu phố) of the chosen ward, or of all when few: hidden while there are none to offer
        dbc.Col(dcc.Dropdown(id="reports-hamlet", placeholder=t("reports.filter.hamlet", lang)), lg=3,
                id="reports-hamlet-col", style=HIDDEN),
        dbc.Col(dbc.Input(id="reports-search", type="search", debounce=0.4, placeholder=t("reports.filter.search",
                                                                                            lang))),
        dbc.Col(html.Div(id="reports-total", className="fs-5 pt-1 text-end"), lg=3)], className="g-2 mb-2")


def _table() -> list[Any]:
    """The queue: one page rendered on the server (:func:`refresh_table`), and its pager."""
    return [html.Div(id="reports-table"),
            dbc.Pagination(id="reports-pager", max_value=1, active_page=1, fully_expanded=False, first_last=True,
                           previous_next=True)]


def _handling(lang: str) -> dbc.Row:
    return dbc.Row([
        dbc.Col([dbc.Label(t("reports.action.department", lang)), dcc.Dropdown(id="reports-department")], lg=3),
        dbc.Col([dbc.Label(t("reports.action.note", lang)), dbc.Textarea(id="reports-note", rows=2)], lg=3),
        dbc.Col([dbc.Label(t("reports.action.response", lang)), dbc.Textarea(id="reports-response", rows=2)], lg=3),
        dbc.Col([dbc.Label(t("reports.action.days", lang)), dbc.Input(id="reports-days", type="number", min=0.5,
                                                                      max=30, step=0.5, value=1)], lg=1),
        dbc.Col([dbc.Button(t("reports.contact.show", lang), id="reports-contact-btn", size="sm", color="link",
                            className="px-0"), html.Div(id="reports-contact", className="small")], lg=2),
        dbc.Col(html.Div(id="reports-feedback"), lg=12, className="mt-2")], className="ioc-panel mt-2 g-2")


def layout(lang: str | None = None, theme: str | None = None, report: str | None = None, **_: Any) -> html.Div:
    lang, th = norm_lang(lang), theme_for(theme, "light")
    return frame(th, [
        nav(lang, th, "/reports"),
        dcc.Store(id="reports-opts", data={"lang": lang, "theme": th.name}),
        dcc.Store(id="reports-selected", data=int(report) if report and report.isdigit() else None),
        dcc.Store(id="reports-version", data=0), dcc.Interval(id="reports-tick", interval=REFRESH_MS),
        dbc.Container([
            html.Div([html.H1(t("reports.title", lang), className="me-auto"),
                      lang_switch("/reports", lang, "reports", theme=theme)], className="d-flex align-items-center"),
            html.Div(id="reports-replica", className=replica_banner.OFF),   # the standby trails (docs/ha.md)
            html.Div(id="reports-tiles", className="ioc-tiles mb-3", style={"gridTemplateColumns": "repeat(5, 1fr)"}),
            dbc.Row([dbc.Col([_controls(lang), *_table()], lg=7),
                     dbc.Col(dcc.Graph(id="reports-map", style={"height": "540px"},
                                       config={"displayModeBar": False, "scrollZoom": True}), lg=5)]),
            html.Div(id="reports-detail", className="ioc-panel mt-3"), _handling(lang),
        ], fluid=True),
    ], "reports-page")


@callback(Output("reports-ward", "options"), Output("reports-category", "options"),
          Output("reports-department", "options"), Input("reports-opts", "data"))
def load_options(opts: dict[str, Any]) -> tuple[Any, Any, Any]:
    found = view.options(q.choices(context.current().pool), norm_lang(opts.get("lang")))
    return found["wards"], found["categories"], found["departments"]


@callback(Output("reports-hamlet", "options"), Output("reports-hamlet", "value"), Output("reports-hamlet-col", "style"),
          Input("reports-ward", "value"), State("reports-hamlet", "value"))
def load_hamlets(ward: str | None, chosen: str | None) -> tuple[Any, Any, Any]:
    options = view.hamlet_options(q.hamlet_choices(context.current().read_pool, ward), ward)
    keep = chosen if any(o["value"] == chosen for o in options) else None   # another ward: its hamlet goes
    return options, keep, {} if options else HIDDEN


@callback(Output("reports-tiles", "children"), Output("reports-map", "figure"),
          Output("reports-replica", "children"), Output("reports-replica", "className"),
          Input("reports-tick", "n_intervals"), Input("reports-version", "data"), Input("reports-ward", "value"),
          State("reports-opts", "data"))
def refresh_overview(_n: int | None, _v: int, ward: str | None, opts: dict[str, Any]) -> tuple[Any, ...]:
    ioc, lang = context.current(), norm_lang(opts.get("lang"))
    tiles = view.tiles(q.report_tiles(ioc.read_pool, datetime.now(UTC), ioc.settings.tz), lang)
    cells = [html.Div(tile_body(tile), className=tile_class(tile), style={"minHeight": "118px"}) for tile in tiles]
    behind, css = replica_banner.banner(ioc.read_pool, ioc.settings.replica_lag_s, lang)
    return cells, act.overview_map(ioc, ward, lang, opts.get("theme", "light")), behind, css


@callback(Output("reports-table", "children"), Output("reports-pager", "max_value"),
          Output("reports-pager", "active_page"), Output("reports-total", "children"),
          *(Input(f, "value") for f in FILTERS), Input("reports-pager", "active_page"),
          Input("reports-tick", "n_intervals"), Input("reports-version", "data"), State("reports-selected", "data"),
          State("reports-opts", "data"))
def refresh_table(ward: str | None, category: str | None, status: str | None, overdue: bool, search: str | None,
                  hamlet: str | None, page_no: int | None, _n: int | None, _v: int, selected: int | None,
                  opts: dict[str, Any]) -> tuple[Any, int, int, str]:
    if ctx.triggered_id in FILTERS:
        page_no = 1   # a new filter starts on its first page
    lang, where = norm_lang(opts.get("lang")), q.QueueFilter(ward, category, status, bool(overdue), search or "",
                                                           view.hamlet_value(hamlet))
    rows, pages, page, total = act.queue_page(context.current(), where, (page_no or 1) - 1, PAGE_SIZE, lang)
    return view.table(rows, selected, lang), pages, page + 1, total


@callback(Output("reports-selected", "data"), Input({"type": "reports-row", "id": ALL}, "n_clicks"),
          prevent_initial_call=True)
def select_report(clicks: list[int | None]) -> Any:
    if not isinstance(ctx.triggered_id, dict) or not any(clicks):
        return dash.no_update   # rows drawn anew (another page, the refresh) have no clicks yet
    return ctx.triggered_id["id"]


@callback(Output({"type": "reports-row", "id": ALL}, "className"), Input("reports-selected", "data"),
          State({"type": "reports-row", "id": ALL}, "id"), State({"type": "reports-row", "id": ALL}, "className"),
          prevent_initial_call=True)
def mark_selected(selected: int | None, ids: list[dict[str, Any]], classes: list[str | None]) -> list[str]:
    """The selected report's row highlighted in place: no new query for a click."""
    return [view.with_selection(c, i["id"] == selected) for i, c in zip(ids, classes, strict=True)]


@callback(Output("reports-detail", "children"), Input("reports-selected", "data"),
          Input("reports-version", "data"), State("reports-opts", "data"))
def show_detail(report_id: int | None, _v: int, opts: dict[str, Any]) -> list[Any]:
    return act.detail(context.current(), report_id, norm_lang(opts.get("lang")), opts.get("theme", "light"))


@callback(Output("reports-feedback", "children"), Output("reports-version", "data"),
          Input({"type": "reports-act", "action": ALL}, "n_clicks"), State("reports-selected", "data"),
          State("reports-department", "value"), State("reports-note", "value"), State("reports-response", "value"),
          State("reports-days", "value"), State("reports-version", "data"), State("reports-opts", "data"),
          prevent_initial_call=True)
@require("reports:handle")
def handle(clicks: list[int | None], report_id: int | None, department: str | None, note: str | None,
           response: str | None, days: float | None, version: int, opts: dict[str, Any]) -> tuple[Any, Any]:
    if not isinstance(ctx.triggered_id, dict) or not any(clicks) or report_id is None:
        return dash.no_update, dash.no_update
    form = act.Form(department, note or "", response or "", float(days or 0))
    ok, message = act.handle(context.current(), report_id, ctx.triggered_id["action"], form,
                             norm_lang(opts.get("lang")))
    return dbc.Alert(message, color="success" if ok else "danger", duration=8000 if ok else None), version + 1


@callback(Output("reports-contact", "children"), Input("reports-contact-btn", "n_clicks"),
          State("reports-selected", "data"), State("reports-opts", "data"), prevent_initial_call=True)
@require("reports:contact")
def show_contact(clicks: int | None, report_id: int | None, opts: dict[str, Any]) -> Any:
    if not clicks or report_id is None:
        return dash.no_update
    return act.masked_contact(context.current(), report_id, norm_lang(opts.get("lang")))
