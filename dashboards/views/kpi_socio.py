"""The socio-economic section of /adoption (chỉ tiêu KT-XH): a card per indicator with value, target, status and
forecast, and the selected indicator's trend against its target. Socio lines in, components out;
:func:`socio_view` reads them through the app context.

Cards carry their numbers as ``data-*`` attributes (as the procedure-KPI cards do), so a test compares them with
``ioc kpis indicators --json`` and the API without parsing formatted text.
"""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal
from dash import html

from dashboards import context
from dashboards.i18n import LOCALES, norm_lang, t
from dashboards.queries import socio as q
from dashboards.theme import LIGHT, Theme
from dashboards.views.kpi_view import BLANK, STATUS_COLORS, op_text, status_badge
from pipelines.kpis import periods
from pipelines.kpis.periods import Period
from pipelines.kpis.socio import SocioLine

TARGET_RED = "#be123c"
UNITS_EN = {"điểm": "points", "người": "people", "hộ": "households", "trường": "schools"}   # sheets write Vietnamese
FORECAST_BLUE = "#0369a1"


def number(value: float | None, unit: str, lang: str) -> str:
    """``92.63, '%'`` → ``92,6%`` (vi); ``1.42, '%'`` → ``1,42%``; ``10, 'điểm'`` → ``10 điểm``."""
    if value is None or not math.isfinite(value):
        return BLANK
    pattern = "#,##0.0#" if unit == "%" and abs(value) < 10 else "#,##0.0" if unit == "%" else "#,##0.##"
    text = str(format_decimal(value, format=pattern, locale=LOCALES[lang]))
    return f"{text}%" if unit == "%" else f"{text} {unit_name(unit, lang)}".rstrip()


def unit_name(unit: str, lang: str) -> str:
    return UNITS_EN.get(unit, unit) if lang == "en" else unit


def target_text(line: SocioLine, lang: str) -> str:
    tg = line.target
    if tg is None:
        return t("kpis.no_target", lang)
    return t("kpis.target", lang, op=op_text(tg.op), value=number(tg.value, line.indicator.unit, lang))


def forecast_text(line: SocioLine, over: bool, lang: str, period: Period | None = None) -> str:
    f, unit = line.forecast, line.indicator.unit
    if over:
        return t("kpis.period_over", lang)
    if f is None:
        final = period is not None and len(line.points) and line.points["end"].iloc[-1] >= period.end
        return t("socio.final", lang) if final else t("kpis.no_forecast", lang)
    return t("kpis.forecast", lang, value=number(f.value, unit, lang), low=number(f.low, unit, lang),
             high=number(f.high, unit, lang))


def card(line: SocioLine, over: bool, lang: str, selected: bool, period: Period | None = None) -> html.Div:
    color = STATUS_COLORS[line.status] if line.target else "#111827"
    unit = line.indicator.unit
    badge = [status_badge(line.status, lang), html.Span(target_text(line, lang), className="ms-2")] \
        if line.target and line.value is not None else \
        [html.Span(target_text(line, lang), style={"color": "var(--ioc-muted)"})]
    detail = t("socio.of_period", lang, period=line.value_period) if line.value_period else t("socio.no_value", lang)
    if line.numerator is not None and line.denominator is not None:
        detail += f" · {number(line.numerator, '', lang)} / {number(line.denominator, '', lang)} " \
                  f"{t('adoption.people', lang)}"
    return html.Div([
        html.Div(line.indicator.name(lang), className="kpi-card-title",
                 style={"fontSize": "1.05rem", "fontWeight": 600, "lineHeight": 1.2, "minHeight": "2.5em"}),
        html.Div(number(line.value, unit, lang), className="kpi-card-value",
                 style={"fontSize": "3.2rem", "fontWeight": 800, "lineHeight": 1.05, "color": color,
                        "fontVariantNumeric": "tabular-nums"}),
        html.Div(badge, className="kpi-card-target", style={"fontSize": "1.05rem", "margin": "4px 0"}),
        html.Div(detail, className="kpi-card-counts", style={"fontSize": "1rem"}),
        html.Div(forecast_text(line, over, lang, period), className="kpi-card-forecast",
                 style={"fontSize": "0.95rem", "color": "var(--ioc-muted)"}),
    ], id={"type": "socio-card", "index": line.key}, n_clicks=0, className="kpi-card", role="button",
        **_data(line),
        style={"background": "var(--ioc-panel)", "borderRadius": "10px", "padding": "10px 14px", "height": "100%",
               "borderLeft": f"8px solid {STATUS_COLORS[line.status]}", "cursor": "pointer",
               "boxShadow": "0 0 0 3px #0369a1" if selected else "0 1px 2px rgba(0,0,0,.08)"})


def _data(line: SocioLine) -> dict[str, Any]:
    def text(v: float | None) -> str:
        return "" if v is None else repr(v)

    return {"data-key": line.key, "data-value": text(line.value), "data-status": line.status or "",
            "data-target": "" if line.target is None else repr(line.target.value),
            "data-forecast": "" if line.forecast is None else repr(line.forecast.value),
            "data-numerator": text(line.numerator), "data-denominator": text(line.denominator)}


def cards(lines: list[SocioLine], over: bool, lang: str, selected: str, period: Period | None = None) -> Any:
    if not lines:
        return html.P(t("common.no_data", lang))
    return dbc.Row([dbc.Col(card(ln, over, lang, ln.key == selected, period), lg=4, xl=2, className="mb-2")
                    for ln in lines], className="g-2")


def trend_figure(line: SocioLine | None, period: Period, theme: Theme, lang: str) -> go.Figure:
    """Every reported sheet period (markers on a line, each at its period's end; the chosen period's in colour),
    the target (dashed) and, while the period runs, the forecast to its end with the 90% band."""
    fig = go.Figure(layout=theme.plot_layout(height=440, bargap=0.25,
                                             uirevision=line.key if line else "none"))
    if line is None or line.points.empty:
        fig.add_annotation(text=t("common.no_data", lang), showarrow=False, xref="paper", yref="paper", x=0.5,
                           y=0.5, font={"size": 22, "color": theme.muted})
        return fig
    unit = line.indicator.unit
    fig.update_layout(title={"text": f"{line.indicator.name(lang)} — {t('socio.trend', lang)}", "font": {"size": 20}})
    pts = line.points
    at = pd.to_datetime(pts["end"]) - pd.Timedelta(days=1)
    inside = [period.start <= s and e <= period.end for s, e in zip(pts["start"], pts["end"], strict=True)]
    fig.add_trace(go.Scatter(x=at, y=pts["value"].astype(float), mode="lines+markers", name=t("socio.values", lang),
                             line={"color": theme.fg, "width": 3},
                             marker={"size": 12, "color": [theme.accent if i else "#9ca3af" for i in inside]},
                             text=pts["period"], hovertemplate="%{text}: %{y:.2f}<extra></extra>"))
    f = line.forecast
    if f is not None:
        start, end = at.iloc[-1], pd.Timestamp(period.end) - pd.Timedelta(days=1)
        last = float(pts["value"].iloc[-1])
        fig.add_trace(go.Scatter(x=[start, end, end, start], y=[last, f.high, f.low, last], fill="toself", mode="lines",
                                 fillcolor="rgba(3,105,161,0.18)", line={"width": 0}, hoverinfo="skip",
                                 name=t("kpis.band", lang)))
        fig.add_trace(go.Scatter(x=[start, end], y=[last, f.value], mode="lines+markers",
                                 line={"color": FORECAST_BLUE, "dash": "dot", "width": 3}, marker={"size": [0, 12]},
                                 name=t("kpis.forecast_short", lang),
                                 hovertemplate=f"{number(f.value, unit, lang)} [{number(f.low, unit, lang)}–"
                                               f"{number(f.high, unit, lang)}]<extra></extra>"))
    if line.target is not None:
        fig.add_hline(y=line.target.value, line_dash="dash", line_color=TARGET_RED, line_width=3,
                      annotation_text=f"{t('kpis.target_short', lang)} {op_text(line.target.op)} "
                                      f"{number(line.target.value, unit, lang)}",
                      annotation_position="top left", annotation_font={"size": 16, "color": TARGET_RED})
    fig.update_yaxes(ticksuffix="%" if unit == "%" else "", title=None if unit == "%" else unit_name(unit, lang))
    fig.update_xaxes(tickformat="%m/%Y", dtick="M3")
    fig.update_layout(legend={"orientation": "h", "y": -0.14, "font": {"size": 15}})
    return fig


def socio_view(ioc: context.IocContext, opts: dict[str, Any], now: Any) -> tuple[Any, go.Figure]:
    """(cards, trend of the selected indicator) for opts (period, scope, key, lang)."""
    lang = norm_lang(opts.get("lang"))
    period = periods.parse(str(opts.get("period")))
    scope = opts.get("scope") if opts.get("scope") not in (None, "", "*") else None
    found = q.lines(ioc.read_pool, scope, period, now, ioc.settings.tz)
    over = period.bounds(ioc.settings.tz)[1] <= now
    key = opts.get("key") if any(ln.key == opts.get("key") for ln in found) else (found[0].key if found else "")
    chosen = next((ln for ln in found if ln.key == key), None)
    return cards(found, over, lang, str(key), period), trend_figure(chosen, period, LIGHT, lang)
