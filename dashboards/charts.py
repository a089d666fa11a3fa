"""Time-series figures for the ward page, as plain plotly dicts: PM2.5 and VN_AQI over band stripes, wifi, traffic.

Plain dicts because plotly's validation of ``go.Figure`` (``add_hrect`` above all) cost ~150 ms for six charts.
Times go out as local wall-clock strings (``2026-11-21 09:00``): plotly.js reads dates without a zone, so the
series must already be in the display zone, and a string without an offset cannot be read any other way.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboards.i18n import t
from dashboards.theme import Theme
from layers.vn_aqi import BANDS, BREAKPOINTS

Figure = dict[str, Any]
# Where each band begins: PM2.5 by the decision's breakpoints (µg/m³), VN_AQI by its index ranges; contiguous.
PM25_EDGES = [float(bp) for bp, _ in BREAKPOINTS["pm25"]][: len(BANDS)]
AQI_EDGES = [0.0] + [float(b.hi) for b in BANDS[:-1]]
HOURLY_TICKS = "%H:%M\n%d/%m"
DAILY_TICKS = "%d/%m"
LABEL_MIN_SHARE = 0.08   # no band label on a stripe thinner than this share of the axis: it would overlap the next


def local_times(index: pd.Index) -> list[str]:
    """A tz-aware index (already in the display zone) as wall-clock strings plotly.js reads unambiguously."""
    return list(pd.DatetimeIndex(index).strftime("%Y-%m-%d %H:%M"))


def _values(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in pd.to_numeric(values, errors="coerce")]


def base(title: str, theme: Theme, ticks: str, **layout: Any) -> Figure:
    # title left and legend top right: two-line hour ticks (time, then the day) need the space below the axis
    lay = theme.plot_layout(title={"text": title, "x": 0.01, "xanchor": "left"}, height=340, uirevision=title,
                            legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
                            margin={"l": 56, "r": 16, "t": 56, "b": 56}, **layout)
    hover = "%d/%m/%Y" if ticks == DAILY_TICKS else "%H:%M %d/%m/%Y"
    lay["xaxis"] = {**lay["xaxis"], "type": "date", "tickformat": ticks, "hoverformat": hover}
    return {"data": [], "layout": lay}


def _empty(fig: Figure, theme: Theme, lang: str) -> Figure:
    fig["layout"]["annotations"] = [{"text": t("common.no_data", lang), "showarrow": False, "xref": "paper",
                                     "yref": "paper", "x": 0.5, "y": 0.5,
                                     "font": {"size": 20, "color": theme.muted}}]
    return fig


def band_stripes(edges: list[float], top: float, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(shapes, annotations): one pale stripe per band up to ``top``, labelled where it is tall enough."""
    shapes, labels = [], []
    for band, lo, hi in zip(BANDS, edges, [*edges[1:], float("inf")], strict=True):
        if lo >= top:
            break
        upper = min(hi, top)
        shapes.append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": lo, "y1": upper,
                       "fillcolor": band.hex, "opacity": 0.16, "line": {"width": 0}, "layer": "below"})
        if (upper - lo) / top > LABEL_MIN_SHARE:
            labels.append({"text": band.name_vi if lang == "vi" else band.name_en, "showarrow": False,
                           "xref": "paper", "x": 0.005, "xanchor": "left", "yref": "y", "y": upper,
                           "yanchor": "top", "font": {"size": 13}})
    return shapes, labels


def band_chart(series: pd.DataFrame, column: str, title: str, theme: Theme, lang: str, *, aqi: bool,
               daily: bool = False) -> Figure:
    """A PM2.5 (µg/m³) or VN_AQI series over its band stripes; ``series`` is indexed by local time."""
    fig = base(title, theme, DAILY_TICKS if daily else HOURLY_TICKS, showlegend=False)
    values = pd.to_numeric(series[column], errors="coerce") if len(series) else pd.Series(dtype=float)
    if values.dropna().empty:
        return _empty(fig, theme, lang)
    top = max(float(values.max()) * 1.15, 60.0 if aqi else 30.0)
    shapes, labels = band_stripes(AQI_EDGES if aqi else PM25_EDGES, top, lang)
    fig["layout"].update(shapes=shapes, annotations=labels)
    fig["layout"]["yaxis"] = {**fig["layout"]["yaxis"], "range": [0, top]}
    x, y = local_times(series.index), _values(values)
    fig["data"] = [{"type": "bar", "x": x, "y": y, "name": title, "marker": {"color": theme.accent}} if daily else
                   {"type": "scatter", "mode": "lines", "x": x, "y": y, "name": title,
                    "line": {"color": theme.fg, "width": 3}}]
    return fig


def compare_chart(now: pd.Series, before: pd.Series, title: str, labels: tuple[str, str], theme: Theme,
                  lang: str) -> Figure:
    """This period against the same hours a week earlier (``before`` already shifted onto ``now``'s hours)."""
    fig = base(title, theme, HOURLY_TICKS)
    if now.dropna().empty and before.dropna().empty:
        return _empty(fig, theme, lang)
    fig["data"] = [
        {"type": "scatter", "mode": "lines", "x": local_times(before.index), "y": _values(before), "name": labels[1],
         "line": {"color": theme.muted, "dash": "dot", "width": 2}},
        {"type": "scatter", "mode": "lines", "x": local_times(now.index), "y": _values(now), "name": labels[0],
         "line": {"color": theme.accent, "width": 3}},
    ]
    return fig


def traffic_chart(vehicles: pd.Series, people: pd.Series, title: str, theme: Theme, lang: str) -> Figure:
    fig = base(title, theme, HOURLY_TICKS, barmode="group")
    if vehicles.dropna().empty and people.dropna().empty:
        return _empty(fig, theme, lang)
    fig["data"] = [
        {"type": "bar", "x": local_times(vehicles.index), "y": _values(vehicles), "name": t("ward.vehicles", lang),
         "marker": {"color": theme.accent}},
        {"type": "bar", "x": local_times(people.index), "y": _values(people), "name": t("ward.people", lang),
         "marker": {"color": "#a78bfa"}},
    ]
    return fig
