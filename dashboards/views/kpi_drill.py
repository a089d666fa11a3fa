"""The drill-down behind a ward's number: ward → procedure → the overdue dossiers (for /kpis/ward/<code>)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import context
from dashboards.components import query_string
from dashboards.i18n import norm_lang, t
from dashboards.queries import kpis as q
from dashboards.views import kpi_view
from pipelines.kpis import drill, periods
from pipelines.kpis.summary import summarize

CARDS = ("on_time_766", "overdue_rate", "resolved_on_time")
MAX_ROWS = 300


def drill_view(ioc: context.IocContext, opts: dict[str, Any], now: datetime) -> tuple[Any, Any, Any, Any, Any]:
    """(title, breadcrumb, cards, procedure table, overdue dossiers) of ``opts`` (code, period, procedure, lang)."""
    lang, code = norm_lang(opts.get("lang")), str(opts.get("code") or "")
    period = periods.parse(str(opts.get("period")))
    procedure = opts.get("procedure") or None
    tz = ioc.settings.tz
    comp = q.computed(ioc.read_pool, period, now, tz)
    wards = comp.inputs.wards
    if code not in set(wards["code"]):
        return t("kpis.drill.unknown", lang, code=code), "", "", "", ""
    name = str(wards.loc[wards["code"] == code, "name"].iloc[0])
    summary = summarize(comp, code)
    dossiers = q.dossiers_of(ioc.read_pool, period, code, None, now, tz)
    table = drill.by_procedure(dossiers, comp.inputs.procedures, comp.as_of)
    chosen = dossiers[dossiers["procedure_code"] == procedure] if procedure else dossiers
    late = drill.overdue(chosen, comp.as_of)
    cards = dbc.Row([dbc.Col(kpi_view.card(summary.line(k), summary, lang, False)) for k in CARDS], className="g-2")
    return (f"{name} · {period.label}", _crumbs(name, code, period.label, procedure, lang), cards,
            procedure_table(table, code, period.label, procedure, lang),
            dossier_table(late, procedure, comp.inputs.procedures, lang, tz))


def _crumbs(name: str, code: str, period: str, procedure: str | None, lang: str) -> Any:
    items = [{"label": t("kpis.title_short", lang), "href": "/kpis" + query_string(period=period, scope=code,
                                                                                      lang=lang)},
             {"label": name, "href": f"/kpis/ward/{code}" + query_string(period=period, lang=lang),
              "active": procedure is None}]
    if procedure:
        items.append({"label": procedure, "active": True})
    return dbc.Breadcrumb(items=items, style={"fontSize": "1.1rem"})


def procedure_table(table: pd.DataFrame, code: str, period: str, chosen: str | None, lang: str) -> Any:
    if table.empty:
        return html.P(t("common.no_data", lang))
    head = html.Thead(html.Tr([html.Th(t(f"kpis.drill.col.{c}", lang)) for c in
                               ("procedure", "name", "received", "overdue", "on_time_766", "resolved_on_time")]))
    body = []
    for r in table.head(MAX_ROWS).itertuples(index=False):
        href = f"/kpis/ward/{code}" + query_string(period=period, procedure=r.procedure_code, lang=lang)
        body.append(html.Tr([
            html.Td(html.A(r.procedure_code, href=href)), html.Td(r.name, style={"whiteSpace": "normal"}),
            html.Td(kpi_view.count(r.received, lang)),
            html.Td(kpi_view.count(r.overdue, lang),
                    style={"fontWeight": 700, "color": "#be123c" if r.overdue else None}),
            html.Td(kpi_view.pct(r.on_time_766 / r.received if r.received else None, lang)),
            html.Td(kpi_view.pct(r.resolved_on_time / r.resolved if r.resolved else None, lang)),
        ], className="table-active" if r.procedure_code == chosen else None))
    return dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="kpi-table")


def dossier_table(late: pd.DataFrame, procedure: str | None, procedures: pd.DataFrame, lang: str, tz: Any) -> Any:
    name = procedures.set_index("code")["name"].get(procedure, "") if procedure and len(procedures) else ""
    title = t("kpis.drill.overdue_of", lang, procedure=f"{procedure} {name}".strip()) if procedure else \
        t("kpis.drill.overdue_all", lang)
    if late.empty:
        return [html.H3(title, style={"fontSize": "1.3rem"}), html.P(t("kpis.drill.none_overdue", lang))]
    head = html.Thead(html.Tr([html.Th(t(f"kpis.drill.col.{c}", lang)) for c in
                               ("dossier", "procedure", "received", "deadline", "resolved", "days_late", "reason")]))

    def when(ts: Any) -> str:
        return "—" if pd.isna(ts) else pd.Timestamp(ts).tz_convert(tz).strftime("%d/%m/%Y %H:%M")

    body = [html.Tr([html.Td(r.dossier_id), html.Td(r.procedure_code), html.Td(when(r.received_at)),
                     html.Td(when(r.deadline)), html.Td(when(r.resolved_at) if pd.notna(r.resolved_at) else
                                                        t("kpis.drill.in_progress", lang)),
                     html.Td(kpi_view.count(r.days_late, lang) if r.days_late >= 1 else "< 1"),
                     html.Td(t(f"kpis.drill.reason.{r.reason}", lang))])
            for r in late.head(MAX_ROWS).itertuples(index=False)]
    more = [html.P(t("kpis.drill.more", lang, n=len(late) - MAX_ROWS))] if len(late) > MAX_ROWS else []
    return [html.H3(f"{title} ({kpi_view.count(len(late), lang)})", style={"fontSize": "1.3rem"}),
            dbc.Table([head, html.Tbody(body)], hover=True, size="sm", className="kpi-table"), *more]
