"""Time-series figures for the ward page: PM2.5 and VN_AQI with a band background, wifi and traffic by hour."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.i18n import t
from dashboards.theme import Theme
from layers.vn_aqi import BANDS, BREAKPOINTS

# PM2.5 concentrations (µg/m³) where each band begins: the decision's breakpoints, so the background tells the band.
PM25_EDGES = [bp for bp, _ in BREAKPOINTS["pm25"]][:7]


def _bands(fig: go.Figure, edges: list[float], top: float, lang: str) -> None:
    for band, lo, hi in zip(BANDS, edges, [*edges[1:], float("inf")], strict=False):
        if lo >= top:
            break
        label = band.name_vi if lang == "vi" else band.name_en
        roomy = (min(hi, top) - lo) / top > 0.08  # no label on a sliver, where it would overlap the next one
        fig.add_hrect(y0=lo, y1=min(hi, top), fillcolor=band.hex, opacity=0.16, line_width=0, layer="below",
                      annotation_text=label if roomy else None, annotation_position="top left",
                      annotation_font_size=13)


def _empty(fig: go.Figure, theme: Theme, lang: str) -> go.Figure:
    fig.add_annotation(text=t("common.no_data", lang), showarrow=False, font={"size": 20, "color": theme.muted},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def band_chart(series: pd.DataFrame, column: str, title: str, theme: Theme, lang: str, *, aqi: bool,
               kind: str = "line") -> go.Figure:
    """A PM2.5 (µg/m³) or VN_AQI series over coloured band stripes; ``series`` is indexed by time."""
    fig = go.Figure(layout=theme.plot_layout(title={"text": title}, height=340, uirevision=title, showlegend=False))
    values = pd.to_numeric(series[column], errors="coerce") if len(series) else pd.Series(dtype=float)
    if values.dropna().empty:
        return _empty(fig, theme, lang)
    top = max(float(values.max()) * 1.15, 60.0 if aqi else 30.0)
    _bands(fig, [b.lo for b in BANDS] if aqi else PM25_EDGES, top, lang)
    trace = go.Bar if kind == "bar" else go.Scatter
    fig.add_trace(trace(x=series.index, y=values, name=title, marker_color=theme.accent)
                  if kind == "bar" else trace(x=series.index, y=values, name=title, mode="lines",
                                              line={"color": theme.fg, "width": 3}))
    fig.update_yaxes(range=[0, top])
    return fig


def compare_chart(now: pd.Series, before: pd.Series, title: str, labels: tuple[str, str], theme: Theme,
                  lang: str) -> go.Figure:
    """This period against the same hours a week earlier (``before`` already shifted onto ``now``'s hours)."""
    fig = go.Figure(layout=theme.plot_layout(title={"text": title}, height=340, uirevision=title))
    if now.dropna().empty and before.dropna().empty:
        return _empty(fig, theme, lang)
    fig.add_trace(go.Scatter(x=before.index, y=before.values, name=labels[1], mode="lines",
                             line={"color": theme.muted, "dash": "dot", "width": 2}))
    fig.add_trace(go.Scatter(x=now.index, y=now.values, name=labels[0], mode="lines",
                             line={"color": theme.accent, "width": 3}))
    return fig


def traffic_chart(vehicles: pd.Series, people: pd.Series, title: str, theme: Theme, lang: str) -> go.Figure:
    fig = go.Figure(layout=theme.plot_layout(title={"text": title}, height=340, barmode="group", uirevision=title))
    if vehicles.dropna().empty and people.dropna().empty:
        return _empty(fig, theme, lang)
    fig.add_trace(go.Bar(x=vehicles.index, y=vehicles.values, name=t("ward.vehicles", lang),
                         marker_color=theme.accent))
    fig.add_trace(go.Bar(x=people.index, y=people.values, name=t("ward.people", lang), marker_color="#a78bfa"))
    return fig
