"""One report's detail: facts and SLA, photos, sensor evidence, timeline, and the handling buttons it allows.

Rendering only: the page's callbacks fetch (never the contact) and pass the results in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboards import fmt
from dashboards.i18n import t
from dashboards.views.report_views import OVERDUE_RED, status_label, text, verdict_label
from pipelines.reports.evidence import Corroboration
from pipelines.reports.sla import Clock
from pipelines.reports.workflow import ACTIONS

VERDICT_COLOR = {"corroborated": "success", "not_corroborated": "secondary", "no_sensor": "light"}
BUTTON_COLOR = {"resolve": "success", "reject": "danger", "close": "dark", "assign": "primary", "start": "primary",
                "escalate": "warning"}


def _time(value: Any, tz: ZoneInfo, lang: str) -> str:
    return fmt.BLANK if value is None or pd.isna(value) else fmt.local_time(value, tz, lang, "HH:mm dd/MM/yyyy")


def _facts(d: dict[str, Any], clock: Clock, tz: ZoneInfo, lang: str) -> html.Dl:
    sla = t("reports.detail.sla", lang, due=_time(clock.due_at, tz, lang),
            used=fmt.number(clock.used_days, lang, 1), budget=fmt.number(clock.budget_days, lang, 1))
    facts = [(t("reports.col.submitted", lang), _time(d["submitted_at"], tz, lang)),
             (t("reports.detail.source", lang), f"{d['source']} · {d['external_id'] or '—'}"),
             (t("reports.col.ward", lang), d["ward_name"] or d["ward_code"] or fmt.BLANK),
             (t("reports.detail.hamlet", lang), d.get("hamlet") or fmt.BLANK),
             (t("reports.detail.address", lang), d["address"] or fmt.BLANK),
             (t("reports.col.department", lang), d[f"department_{lang}"] or fmt.BLANK),
             (t("reports.col.due", lang), html.Span(sla, style={"color": OVERDUE_RED} if clock.overdue else {}))]
    return html.Dl([x for k, v in facts for x in (html.Dt(k, className="col-4"), html.Dd(v, className="col-8 mb-1"))],
                   className="row small mb-2")


def _photo_url(url: str) -> str:
    return quote(url, safe=":/?&=#%@+,;~")   # no quote or bracket can end the CSS url() early


def photos(urls: list[str], lang: str) -> html.Div:
    if not urls:
        return html.Div(t("reports.detail.no_photos", lang), className="text-body-secondary small")
    # a background image shows nothing when the photo host is unreachable, instead of a broken-image icon
    return html.Div([html.A(html.Div(t("reports.detail.photo", lang, n=i), className="small p-1", style={
        "width": "112px", "height": "84px", "backgroundImage": f"url('{_photo_url(u)}')", "backgroundSize": "cover",
        "backgroundColor": "#e5e7eb", "borderRadius": "6px", "display": "flex", "alignItems": "flex-end"}),
        href=u, target="_blank", rel="noopener noreferrer", className="me-2 text-decoration-none")
        for i, u in enumerate(urls, start=1)], className="d-flex flex-wrap")


def evidence(found: Corroboration | None, lang: str) -> html.Div:
    if found is None:
        return html.Div(dbc.Badge(verdict_label(None, lang), color="light", text_color="dark"))
    lines = [html.Li(t("reports.evidence.row", lang, device=f.device_id, distance=fmt.number(f.distance_m, lang),
                       measure=f.measure, value=fmt.number(f.value, lang, 1), unit=f.unit,
                       threshold=fmt.number(f.threshold, lang, 1)),
                     style={"fontWeight": 700} if f.hit else {}) for f in found.findings[:6]]
    return html.Div([
        dbc.Badge(verdict_label(found.verdict, lang), color=VERDICT_COLOR.get(found.verdict, "light"),
                  text_color="dark" if found.verdict == "no_sensor" else None, className="fs-6 mb-1"),
        html.Div(t("reports.evidence.within", lang, r=fmt.number(found.radius_m, lang),
                   t=fmt.number(found.window_min, lang)), className="small text-body-secondary"),
        html.Ul(lines, className="small mb-0") if lines else html.Div(t("reports.evidence.nothing", lang),
                                                                       className="small")])


def timeline(history: pd.DataFrame, tz: ZoneInfo, lang: str) -> html.Ul:
    items = []
    for h in history.to_dict("records"):
        before, note = text(h["from_status"]), text(h["note"])
        moved = "" if before in (None, h["to_status"]) else f" → {t('reports.status.' + h['to_status'], lang)}"
        items.append(html.Li([html.Span(_time(h["at"], tz, lang), className="text-body-secondary me-2"),
                              html.Strong(t(f"reports.action.{h['action']}", lang)), moved,
                              f" · {h['actor']}", html.Div(note, className="small") if note else None]))
    return html.Ul(items, className="list-unstyled small mb-0")


def buttons(allowed: list[str], lang: str) -> html.Div:
    # what the state allows is solid, the rest an outline that cannot be pressed
    made = [dbc.Button(t(f"reports.action.{a}", lang), id={"type": "reports-act", "action": a}, size="sm",
                       color=BUTTON_COLOR.get(a, "secondary"), outline=a not in allowed,
                       disabled=a not in allowed, className="me-1 mb-1") for a in ACTIONS]
    made.append(dbc.Button(t("reports.action.corroborate", lang), id={"type": "reports-act", "action": "corroborate"},
                           size="sm", color="info", outline=True, className="me-1 mb-1"))
    return html.Div(made)


def panel(d: dict[str, Any], clock: Clock, history: pd.DataFrame, found: Corroboration | None, inset: Any,
          allowed: list[str], tz: ZoneInfo, lang: str) -> list[Any]:
    """The detail in three columns: facts and text | evidence and photos | inset map and actions."""
    head = html.H4([f"#{d['id']} · {d[f'name_{lang}']} · ", status_label(d["status"], d["paused_since"] is not None,
                                                                         lang),
                    dbc.Badge(t("reports.overdue", lang), color="danger", className="ms-2") if clock.overdue
                    else None,
                    dbc.Badge(t("reports.escalated", lang), color="warning", text_color="dark", className="ms-2")
                    if d.get("escalated_at") else None], className="mb-2")
    response = [html.H6(t("reports.detail.response", lang)), html.P(d["public_response"])] if d["public_response"] \
        else []
    left = [_facts(d, clock, tz, lang), html.P(d["description"] or fmt.BLANK), *response,
            html.H6(t("reports.detail.timeline", lang)), timeline(history, tz, lang)]
    middle = [html.H6(t("reports.detail.evidence", lang)), evidence(found, lang),
              html.H6(t("reports.detail.photos", lang), className="mt-3"), photos(list(d["photo_urls"] or []), lang)]
    graph = dcc.Graph(figure=inset, config={"displayModeBar": False}, style={"height": "230px"}) if inset else \
        html.Div(t("reports.detail.no_location", lang), className="text-body-secondary")
    right = [graph, html.H6(t("reports.action.title", lang), className="mt-2"), buttons(allowed, lang)]
    return [head, dbc.Row([dbc.Col(left, lg=5), dbc.Col(middle, lg=3), dbc.Col(right, lg=4)])]
