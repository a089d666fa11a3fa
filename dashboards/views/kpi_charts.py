"""Figures of the KPI pages: a KPI's trend against its target with the forecast band, and the ward choropleth."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from dashboards.i18n import t
from dashboards.maps import offline_style
from dashboards.theme import Theme
from dashboards.views.kpi_view import op_text, pct
from layers.build import ward_layer
from layers.plotly_map import fit, ward_traces
from layers.style import theme as map_theme
from pipelines.kpis import periods
from pipelines.kpis.compute import Computed
from pipelines.kpis.summary import KpiLine, monthly_series

GREY = "#9ca3af"


def trend_figure(comp: Computed, line: KpiLine, scope: str | None, theme: Theme, lang: str) -> go.Figure:
    """Monthly values (bars; each month judged at its end), the period's running value (line), the target
    (dashed) and the forecast from now to the period's end with its 90% band (shaded)."""
    title = f"{line.indicator.name(lang)} — {t('kpis.trend', lang)}"
    fig = go.Figure(layout=theme.plot_layout(title={"text": title, "font": {"size": 20}}, height=520,
                                             uirevision=line.key, bargap=0.25))
    months = monthly_series(comp, line.key, scope)
    if months.empty and line.ratio.value is None:
        fig.add_annotation(text=t("common.no_data", lang), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                           font={"size": 22, "color": theme.muted})
        return fig
    mid = pd.to_datetime(months["month"]) + pd.Timedelta(days=14)     # a month's bar sits in its middle
    inside = months["month"].map(comp.period.contains).astype(bool)
    fig.add_trace(go.Bar(x=mid, y=100 * months["value"], name=t("kpis.monthly", lang),
                         marker_color=[theme.accent if i else GREY for i in inside], opacity=0.55,
                         hovertemplate="%{x|%m/%Y}: %{y:.1f}%<extra></extra>"))
    running = _running(monthly_series(comp, line.key, scope, to_date=True), comp)
    fig.add_trace(go.Scatter(x=running["at"], y=100 * running["value"], mode="lines+markers",
                             name=t("kpis.running", lang), line={"color": theme.fg, "width": 4}, marker={"size": 8},
                             hovertemplate="%{x|%d/%m/%Y}: %{y:.1f}%<extra></extra>"))
    now = running["at"].iloc[-1] if len(running) else _local(comp.as_of, comp)
    if line.forecast is not None:
        _forecast_band(fig, line, now, comp, lang)
    if line.target is not None:
        fig.add_hline(y=100 * line.target.value, line_dash="dash", line_color="#be123c", line_width=3,
                      annotation_text=f"{t('kpis.target_short', lang)} {op_text(line.target.op)} "
                                      f"{pct(line.target.value, lang, 0)}",
                      annotation_position="top left", annotation_font={"size": 16, "color": "#be123c"})
    fig.update_yaxes(ticksuffix="%", range=_y_range(fig, line))
    fig.update_xaxes(tickformat="%m/%Y", dtick="M2")
    fig.update_layout(legend={"orientation": "h", "y": -0.12, "font": {"size": 15}})
    return fig


def _local(ts: object, comp: Computed) -> pd.Timestamp:
    return pd.Timestamp(ts).tz_convert(comp.tz).tz_localize(None)


def _running(months: pd.DataFrame, comp: Computed) -> pd.DataFrame:
    """The period's value (judged like the cards) at the end of each month so far, the last one at ``as_of``:
    cumulative numerator ÷ cumulative denominator, so the line ends on the card's value."""
    num, den = months["numerator"].cumsum(), months["denominator"].cumsum()
    ends = [min(pd.Timestamp(periods.add_months(m, 1)), _local(comp.as_of, comp)) for m in months["month"]]
    return pd.DataFrame({"at": ends, "value": (num / den.where(den > 0)).to_numpy()})


def _forecast_band(fig: go.Figure, line: KpiLine, now: pd.Timestamp, comp: Computed, lang: str) -> None:
    f = line.forecast
    assert f is not None and line.ratio.value is not None
    end = pd.Timestamp(comp.period.end)
    v = 100 * line.ratio.value
    fig.add_trace(go.Scatter(x=[now, end, end, now], y=[v, 100 * f.high, 100 * f.low, v], fill="toself",
                             fillcolor="rgba(3,105,161,0.18)", line={"width": 0}, hoverinfo="skip",
                             name=t("kpis.band", lang)))
    fig.add_trace(go.Scatter(x=[now, end], y=[v, 100 * f.value], mode="lines+markers",
                             line={"color": "#0369a1", "dash": "dot", "width": 3}, marker={"size": [0, 12]},
                             name=t("kpis.forecast_short", lang),
                             hovertemplate=f"{pct(f.value, lang)} [{pct(f.low, lang)}–{pct(f.high, lang)}]"
                                           "<extra></extra>"))


def _y_range(fig: go.Figure, line: KpiLine) -> list[float]:
    values = [float(y) for tr in fig.data if tr.y is not None for y in tr.y if y is not None and pd.notna(y)]
    if line.target is not None:
        values.append(100 * line.target.value)
    lo, hi = (min(values), max(values)) if values else (0.0, 100.0)
    pad = max(3.0, (hi - lo) * 0.15)
    return [max(0.0, lo - pad), min(100.0, hi + pad) if hi + pad > 100 else hi + pad]


def map_figure(shapes: gpd.GeoDataFrame, ranking: pd.DataFrame, line_name: str, theme: Theme, lang: str,
               tiles_url: str | None) -> go.Figure:
    """The wards of ``shapes`` coloured by the KPI's value (percent); wards without data stay outlined only."""
    values = pd.Series(100 * ranking["value"].astype(float).to_numpy(), index=ranking["code"]).dropna()
    fig = go.Figure(layout={"paper_bgcolor": theme.panel, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                            "font": {"color": theme.fg, "size": 15}, "showlegend": False, "height": 520})
    if shapes.empty:
        return fig
    layer = ward_layer(shapes, values, f"{line_name} (%)")
    mt = map_theme("light" if theme.name == "light" else "dark")
    fig.add_traces(ward_traces(layer, mt, lang))
    # a horizontal scale under the map leaves the narrow column to the wards
    fig.update_traces(selector={"type": "choroplethmap", "showscale": None},
                      colorbar={"orientation": "h", "y": -0.02, "yanchor": "top", "thickness": 12, "title": None,
                                "ticksuffix": "%", "len": 0.9})
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 48})
    west, south, east, north = (float(v) for v in shapes.total_bounds)
    center, zoom = fit((west, south, east, north), 440, 420)
    # the dashboards' offline style: no glyphs URL (names drawn with the browser's fonts), stable across updates
    fig.update_layout(map={"style": offline_style(theme, tiles_url), "center": center, "zoom": zoom},
                      uirevision=line_name)
    return fig


def map_wards(wards: pd.DataFrame, scope: str | None) -> tuple[list[str], str | None]:
    """Which wards the map shows: the scope's province (a ward's own province), or, for every ward, the province
    with the most wards; returns (codes, the province shown)."""
    if wards.empty:
        return [], None
    row = wards[wards["code"] == scope]
    province = row["province"].iloc[0] if len(row) else scope if scope in set(wards["province"]) else \
        wards["province"].value_counts().idxmax()
    return wards.loc[wards["province"] == province, "code"].tolist(), province

