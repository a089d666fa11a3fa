"""Environment figures (plain plotly dicts, as ``dashboards.charts``): the hourly index by pollutant with the one that
dominates, noise against QCVN 26's limit of each hour, a gauge's water level against its warning levels with the rain.
Pure: frames in, figures out; times already in the display zone."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboards.charts import AQI_EDGES, HOURLY_TICKS, Figure, _empty, _values, band_stripes, base, local_times
from dashboards.i18n import t
from dashboards.theme import Theme
from layers.environment import WARNING_LEVELS, NoiseLimits

POLLUTANT_LABELS = {"pm25": "PM2.5", "pm10": "PM10", "o3": "O₃", "co": "CO", "so2": "SO₂", "no2": "NO₂"}
POLLUTANT_COLORS = {"pm25": "#60a5fa", "pm10": "#a78bfa", "o3": "#34d399", "co": "#f472b6", "so2": "#fbbf24",
                    "no2": "#fb923c"}
STATION_COLORS = ("#38bdf8", "#f472b6", "#a3e635", "#fbbf24", "#c084fc", "#2dd4bf")
LEVEL_COLORS = ("#eab308", "#f97316", "#ef4444")   # warning levels I, II, III: yellow, orange, red
LIMIT_COLOR = "#ef4444"
LIMIT_DASH = {"normal": "dash", "special": "dot"}
# many traces: the legend goes under the axis, where the title cannot collide with it
LEGEND_BELOW = {"legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.2, "yanchor": "top"},
                "height": 380, "margin": {"l": 56, "r": 16, "t": 56, "b": 96}}


def dominant_now(index: pd.DataFrame) -> tuple[int, str] | None:
    """(AQIh, dominant pollutant) of the newest hour that has an index."""
    published = index.dropna(subset=["aqi"]) if len(index) else index
    if published.empty:
        return None
    last = published.iloc[-1]
    return int(last["aqi"]), str(last["dominant"])


def pollutant_chart(index: pd.DataFrame, theme: Theme, lang: str) -> Figure:
    """Each pollutant's sub-index over the VN_AQI bands, the index itself bold; the title names the dominant one."""
    now = dominant_now(index)
    title = t("env.chart.pollutants", lang) if now is None else t(
        "env.chart.pollutants_now", lang, aqi=now[0], pollutant=POLLUTANT_LABELS.get(now[1], now[1]))
    fig = base(title, theme, HOURLY_TICKS)
    fig["layout"].update(LEGEND_BELOW)
    subs = [c for c in index.columns if c.startswith("sub_") and index[c].notna().any()]
    if not subs:
        return _empty(fig, theme, lang)
    x = local_times(index.index)
    top = max(60.0, float(pd.concat([index[c] for c in subs]).max()) * 1.15)
    shapes, labels = band_stripes(AQI_EDGES, top, lang)
    fig["layout"].update(shapes=shapes, annotations=labels)
    fig["layout"]["yaxis"] = {**fig["layout"]["yaxis"], "range": [0, top]}
    fig["data"] = [{"type": "scatter", "mode": "lines", "x": x, "y": _values(index[c]),
                    "name": POLLUTANT_LABELS[c[4:]], "line": {"color": POLLUTANT_COLORS[c[4:]], "width": 2}}
                   for c in subs]
    fig["data"].append({"type": "scatter", "mode": "lines", "x": x, "y": _values(index["aqi"].astype(float)),
                        "name": "VN_AQI", "line": {"color": theme.fg, "width": 4}})
    return fig


def limit_steps(index: pd.DatetimeIndex, limits: NoiseLimits, area: str) -> list[float]:
    """The limit of ``area`` for each hour: the period of the hour's middle (an hour starting 20:30 is day)."""
    return [limits.limit(area, (ts + pd.Timedelta(minutes=30)).to_pydatetime()) for ts in index]


def noise_chart(laeq: dict[str, pd.Series], areas: dict[str, str], names: dict[str, str], limits: NoiseLimits,
                theme: Theme, lang: str) -> Figure:
    """Hourly LAeq per station with the limit of each hour for the stations' areas (a step at 6 h and 21 h)."""
    fig = base(t("env.chart.noise", lang), theme, HOURLY_TICKS)
    fig["layout"].update(LEGEND_BELOW)
    shown = {d: s for d, s in laeq.items() if s.notna().any()}
    if not shown:
        return _empty(fig, theme, lang)
    hours = pd.DatetimeIndex(sorted(set().union(*(s.index for s in shown.values()))))
    for area in sorted({areas.get(d, "normal") for d in shown}):
        name_vi, name_en = limits.names.get(area, (area, area))
        fig["data"].append({"type": "scatter", "mode": "lines", "x": local_times(hours),
                            "y": limit_steps(hours, limits, area),
                            "line": {"color": LIMIT_COLOR, "dash": LIMIT_DASH.get(area, "dashdot"), "width": 2,
                                     "shape": "hv"},
                            "name": t("env.noise.limit", lang, area=name_vi if lang == "vi" else name_en)})
    for i, (device, series) in enumerate(sorted(shown.items())):
        fig["data"].append({"type": "scatter", "mode": "lines", "x": local_times(series.index),
                            "y": _values(series), "name": names.get(device, device),
                            "line": {"color": STATION_COLORS[i % len(STATION_COLORS)], "width": 3}})
    fig["layout"]["yaxis"] = {**fig["layout"]["yaxis"], "title": {"text": "dB(A)"}, "range": [30, 90]}
    return fig


def water_chart(name: str, level: pd.Series, rain: pd.Series, levels: list[float] | None, now_cm: float | None,
                theme: Theme, lang: str) -> Figure:
    """One gauge: its hourly level (cm) with warning levels I/II/III as lines, the hour's rain (mm) as bars."""
    title = t("env.chart.water", lang, name=name) + ("" if now_cm is None else f" · {now_cm:.0f} cm")
    fig = base(title, theme, HOURLY_TICKS, barmode="overlay")
    if level.dropna().empty:
        return _empty(fig, theme, lang)
    fig["data"] = [
        {"type": "bar", "x": local_times(rain.index), "y": _values(rain), "name": t("env.rain_mm", lang),
         "yaxis": "y2", "marker": {"color": "#60a5fa", "opacity": 0.55}},
        {"type": "scatter", "mode": "lines", "x": local_times(level.index), "y": _values(level),
         "name": t("env.water_cm", lang), "line": {"color": theme.fg, "width": 3}},
    ]
    top = float(level.max())
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for label, value, color in zip(WARNING_LEVELS, levels or [], LEVEL_COLORS, strict=False):
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value,
                       "line": {"color": color, "dash": "dash", "width": 2}})
        notes.append({"text": t("env.warning_level", lang, level=label), "showarrow": False, "xref": "paper",
                      "x": 0.005, "xanchor": "left", "y": value, "yanchor": "bottom",
                      "font": {"size": 13, "color": color}})
        top = max(top, value)
    bottom = float(level.min())
    fig["layout"].update(shapes=shapes, annotations=notes)
    fig["layout"]["yaxis"] = {**fig["layout"]["yaxis"], "title": {"text": "cm"},
                              "range": [max(0.0, bottom - 0.15 * (top - bottom + 10)), top * 1.08 + 5]}
    rain_top = max(10.0, float(rain.max() or 0) * 3)
    fig["layout"]["yaxis2"] = {"overlaying": "y", "side": "right", "showgrid": False, "title": {"text": "mm"},
                               "range": [0, rain_top], "tickmode": "linear", "tick0": 0,
                               "dtick": 5 if rain_top <= 30 else 10 if rain_top <= 60 else 20}
    fig["layout"]["margin"] = {**fig["layout"]["margin"], "r": 56}
    return fig
