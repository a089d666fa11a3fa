"""The /footage page's view model: the counts everyone with the page may see (extractions per month by purpose,
outcomes by purpose, per ward), and for footage officers the register itself and the overdue destructions.

:func:`page` reads the database (through :mod:`pipelines.footage.queries`) and decides by the caller's right; the
rest are pure functions of query results. A caller without ``footage:register`` never gets a requester's name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from dashboards import fmt
from dashboards.context import IocContext
from dashboards.i18n import t
from dashboards.theme import Theme
from ioc.security import roles
from ioc.security.principal import Principal
from pipelines.footage import queries

PURPOSES: Final = ("antt", "ttatgt", "other")
OUTCOMES: Final = ("criminal_case", "traffic_accident", "administrative_violation", "none", "pending", "refused")
PURPOSE_COLORS: Final = {"antt": "#4e79a7", "ttatgt": "#f28e2b", "other": "#59a14f"}
OUTCOME_COLORS: Final = {"criminal_case": "#e15759", "traffic_accident": "#f28e2b",
                         "administrative_violation": "#edc948", "none": "#8c8c8c", "pending": "#76b7b2",
                         "refused": "#b07aa1"}
REGISTER_COLUMNS: Final = ("id", "requested", "ward", "purpose", "requester", "state", "approver", "destroy_by",
                           "outcome")


@dataclass(frozen=True)
class FootageView:
    total: int
    months: Any          # plotly figure: extractions per month, stacked by purpose
    outcomes: Any        # plotly figure: outcome per purpose
    wards: Any           # html table: per ward and purpose
    register: Any        # officers: the register and the overdue destructions; others: a note


def monthly_figure(rows: list[dict[str, Any]], theme: Theme, lang: str) -> dict[str, Any]:
    by: dict[str, dict[date, int]] = {p: defaultdict(int) for p in PURPOSES}
    for r in rows:
        by[r["purpose"]][r["month"]] += r["n"]
    months = sorted({r["month"] for r in rows})
    data = [{"type": "bar", "name": t(f"footage.purpose.{p}", lang), "x": [m.isoformat() for m in months],
             "y": [by[p].get(m, 0) for m in months], "marker": {"color": PURPOSE_COLORS[p]},
             "hovertemplate": "%{x|%m/%Y}: %{y}<extra>" + t(f"footage.purpose.{p}", lang) + "</extra>"}
            for p in PURPOSES]
    layout = theme.plot_layout(title={"text": t("footage.chart.months", lang), "x": 0.01, "xanchor": "left"},
                               barmode="stack", height=380, bargap=0.15,
                               legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
                               margin={"l": 56, "r": 16, "t": 64, "b": 48})
    layout["xaxis"] = {**layout["xaxis"], "type": "date", "tickformat": "%m/%Y", "dtick": "M3"}
    return {"data": data, "layout": layout}


def outcome_figure(rows: list[dict[str, Any]], theme: Theme, lang: str) -> dict[str, Any]:
    by: dict[str, dict[str, int]] = {o: defaultdict(int) for o in OUTCOMES}
    for r in rows:
        by[r["outcome"]][r["purpose"]] += r["n"]
    names = [t(f"footage.purpose_short.{p}", lang) for p in PURPOSES]
    data = [{"type": "bar", "orientation": "h", "name": t(f"footage.outcome.{o}", lang), "y": names,
             "x": [by[o].get(p, 0) for p in PURPOSES], "marker": {"color": OUTCOME_COLORS[o]}}
            for o in OUTCOMES if any(by[o].values())]
    layout = theme.plot_layout(title={"text": t("footage.chart.outcomes", lang), "x": 0.01, "xanchor": "left"},
                               barmode="stack", height=380,
                               legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
                               margin={"l": 96, "r": 16, "t": 64, "b": 96})
    layout["yaxis"] = {**layout["yaxis"], "autorange": "reversed", "automargin": True}
    return {"data": data, "layout": layout}


def ward_table(rows: list[dict[str, Any]], lang: str) -> dbc.Table:
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for r in rows:
        code = r["ward_code"] or "?"
        names[code] = r["ward_name"] or code
        cells[code][r["purpose"]] += r["n"]
    head = html.Thead(html.Tr([html.Th(t("footage.col.ward", lang)),
                               *[html.Th(t(f"footage.purpose_short.{p}", lang)) for p in PURPOSES],
                               html.Th(t("footage.col.total", lang))]))
    body = [html.Tr([html.Td(names[c]), *[html.Td(fmt.number(cells[c][p], lang)) for p in PURPOSES],
                     html.Td(html.B(fmt.number(sum(cells[c].values()), lang)))])
            for c in sorted(cells, key=lambda c: -sum(cells[c].values()))]
    return dbc.Table([head, html.Tbody(body)], size="sm", className="ioc-table footage-wards")


def _register_row(r: dict[str, Any], today: date, tz: ZoneInfo, lang: str) -> html.Tr:
    by: date | None = r["destroy_by"]
    late = by is not None and by < today and r["state"] in ("exported", "delivered")
    return html.Tr([
        html.Td(str(r["id"])), html.Td(fmt.local_time(r["requested_at"], tz, lang, "dd/MM/yyyy")),
        html.Td(r["ward_name"] or r["ward_code"] or fmt.BLANK),
        html.Td(t(f"footage.purpose_short.{r['purpose']}", lang)),
        html.Td(f"{r['requester']} · {r['unit']}"), html.Td(t(f"footage.state.{r['state']}", lang)),
        html.Td(r["approver"] or fmt.BLANK),
        html.Td(by.strftime("%d/%m/%Y") if by else fmt.BLANK, className="footage-late" if late else None),
        html.Td(t(f"footage.outcome.{r['outcome']}", lang) if r["outcome"] else fmt.BLANK)],
        className="footage-row-late" if late else None)


def register_section(found: list[dict[str, Any]], late: list[dict[str, Any]], today: date, tz: ZoneInfo,
                     lang: str) -> list[Any]:
    """The register (newest first) and the copies past their destruction date, for footage officers."""
    head = html.Thead(html.Tr([html.Th(t(f"footage.col.{c}", lang)) for c in REGISTER_COLUMNS]))
    table = dbc.Table([head, html.Tbody([_register_row(r, today, tz, lang) for r in found])], size="sm", hover=True,
                      className="ioc-table footage-register", responsive=True)
    overdue = (dbc.Alert(t("footage.overdue", lang, n=len(late), ids=", ".join(str(r["id"]) for r in late[:12])),
                         color="danger", className="footage-overdue") if late else
               dbc.Alert(t("footage.overdue_none", lang), color="success"))
    return [html.H2(t("footage.register", lang), className="h4 mt-2"), overdue, table,
            html.Div(t("footage.cli_hint", lang), className="text-body-secondary")]


def counts_only(lang: str) -> list[Any]:
    return [dbc.Alert(t("footage.counts_only", lang), color="secondary", className="footage-counts-only")]


def page(ioc: IocContext, who: Principal | None, theme: Theme, lang: str, now: datetime | None = None,
         limit: int = 50) -> FootageView:
    tz = ioc.settings.tz
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    officer = who is not None and who.may(roles.FOOTAGE)
    with ioc.read_pool.connection() as conn:   # the counts only read: a standby serves them
        rows = queries.counts(conn, ioc.settings.timezone)
    found: list[dict[str, Any]] = []
    late: list[dict[str, Any]] = []
    if officer:
        with ioc.pool.connection() as conn:   # the register's views are logged (docs/footage.md): the primary
            found, late = queries.extractions(conn, limit), queries.overdue(conn, today)
    register = register_section(found, late, today, tz, lang) if officer else counts_only(lang)
    return FootageView(sum(r["n"] for r in rows), monthly_figure(rows, theme, lang), outcome_figure(rows, theme, lang),
                       ward_table(rows, lang), register)
