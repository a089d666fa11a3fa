"""The ward page's environment section: the hourly VN_AQI by pollutant (which one dominates), noise against QCVN 26
with each station's day and night levels (Ld, Ln), and each water gauge against its warning levels with the rain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from psycopg_pool import ConnectionPool

from dashboards import fmt
from dashboards.i18n import t
from dashboards.queries import environment, rollups
from dashboards.theme import Theme
from dashboards.views import env_charts
from layers.environment import NoiseLimits, day_night_levels, load_noise_limits
from layers.vn_aqi import HOURLY_SCALES, hourly_index_series

NOWCAST_LEAD = timedelta(hours=11)   # the NowCast of the first hour shown looks 11 hours back
WATER_SPAN = timedelta(hours=72)     # a river's rise and recession take days


@dataclass(frozen=True)
class WardEnvironment:
    pollutants: pd.DataFrame            # ward mean per hour and pollutant (columns), local time, with the lead-in
    stations: pd.DataFrame              # queries.environment.stations
    laeq: dict[str, pd.Series]          # device → hourly LAeq, last 24 h
    water: dict[str, pd.Series]         # gauge → hourly level, last 72 h
    rain: dict[str, pd.Series]          # gauge → mm per hour, last 72 h
    since: datetime                     # start of the 24 hours shown


def _by_device(rows: pd.DataFrame, tz: ZoneInfo) -> dict[str, pd.Series]:
    out: dict[str, pd.Series] = {}
    for device, group in rows.groupby("device_id"):
        index = pd.DatetimeIndex(pd.to_datetime(group["bucket"], utc=True)).tz_convert(tz)
        out[str(device)] = pd.Series(pd.to_numeric(group["value"]).to_numpy(dtype=float), index=index)
    return out


def load(pool: ConnectionPool, code: str, now: datetime, tz: ZoneInfo) -> WardEnvironment:
    hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)   # the current hour included
    since = hour - timedelta(hours=24)
    columns = {}
    for metric, _scale in HOURLY_SCALES:
        found = rollups.area_series(pool, code, metric, since - NOWCAST_LEAD, hour, "1h", "mean")
        if len(found):
            index = pd.DatetimeIndex(pd.to_datetime(found["bucket"], utc=True)).tz_convert(tz)
            columns[metric] = pd.Series(pd.to_numeric(found["value"]).to_numpy(dtype=float), index=index)
    pollutants = pd.DataFrame(columns)
    if len(pollutants):
        pollutants = pollutants.reindex(pd.date_range(pollutants.index.min(), pollutants.index.max(), freq="h"))
    wards = [code]
    return WardEnvironment(
        pollutants, environment.stations(pool, now, wards),
        _by_device(environment.hourly(pool, "laeq", since, hour, wards), tz),
        _by_device(environment.hourly(pool, "water_level", hour - WATER_SPAN, hour, wards), tz),
        _by_device(environment.hourly(pool, "precipitation", hour - WATER_SPAN, hour, wards, total=True), tz),
        since.astimezone(tz))


def index_frame(data: WardEnvironment) -> pd.DataFrame:
    """The hourly index of the 24 hours shown (the lead-in only feeds the NowCast)."""
    if data.pollutants.empty:
        return pd.DataFrame(columns=["aqi", "dominant", "band"])
    index = hourly_index_series(data.pollutants)
    return index[index.index >= pd.Timestamp(data.since)]


def noise_rows(data: WardEnvironment, limits: NoiseLimits, lang: str) -> list[dict[str, Any]]:
    """Per station with noise: name, area, Ld and Ln over the last 24 h, and their limits."""
    out = []
    for row in data.stations.itertuples():
        series = data.laeq.get(row.device_id)
        if series is None or series.dropna().empty:
            continue
        levels = day_night_levels(series.dropna(), limits)
        vi, en = limits.names.get(row.noise_area, (row.noise_area, row.noise_area))
        out.append({"device_id": row.device_id, "name": row.name, "area": vi if lang == "vi" else en,
                    "ld": levels["day"], "ln": levels["night"], "ld_limit": limits.of(row.noise_area, "day"),
                    "ln_limit": limits.of(row.noise_area, "night")})
    return out


def _level_cell(value: float | None, limit: float, lang: str) -> html.Td:
    if value is None:
        return html.Td(fmt.BLANK)
    over = value > limit
    text = f"{fmt.number(value, lang, 1)} / {fmt.number(limit, lang)}"
    return html.Td(("⚠ " if over else "") + text, className="text-danger fw-bold" if over else "")


def noise_table(rows: list[dict[str, Any]], lang: str) -> Any:
    if not rows:
        return html.Div(t("common.no_data", lang), className="text-muted")
    head = html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("env.col.station", "env.col.area", "env.col.ld",
                                                             "env.col.ln")]))
    body = html.Tbody([html.Tr([html.Td(r["name"]), html.Td(r["area"]), _level_cell(r["ld"], r["ld_limit"], lang),
                                _level_cell(r["ln"], r["ln_limit"], lang)]) for r in rows])
    return html.Div([dbc.Table([head, body], bordered=False, hover=True, size="sm", id="ward-noise-table"),
                     html.Div(t("env.noise.note", lang, source=load_noise_limits().source),
                              className="text-muted small")])


def figures(data: WardEnvironment, theme: Theme, lang: str) -> tuple[list[Any], Any]:
    """(graphs in order: pollutants, noise, one per gauge), the Ld/Ln table."""
    limits = load_noise_limits()
    st = data.stations
    names = dict(zip(st["device_id"], st["name"], strict=True))
    areas = dict(zip(st["device_id"], st["noise_area"], strict=True))
    graphs = [env_charts.pollutant_chart(index_frame(data), theme, lang),
              env_charts.noise_chart(data.laeq, areas, names, limits, theme, lang)]
    for row in st[st["water_levels"].notna()].itertuples():
        level = data.water.get(row.device_id, pd.Series(dtype=float))
        rain = data.rain.get(row.device_id, pd.Series(dtype=float))
        now_cm = None if pd.isna(row.water_level) else float(row.water_level)
        graphs.append(env_charts.water_chart(row.name, level, rain, row.water_levels, now_cm, theme, lang))
    return graphs, noise_table(noise_rows(data, limits, lang), lang)


def section(pool: ConnectionPool, code: str, now: datetime, tz: ZoneInfo, theme: Theme, lang: str) -> list[Any]:
    """The section's children: a heading, the charts two by two, the day/night noise table."""
    graphs, table = figures(load(pool, code, now, tz), theme, lang)
    cols = [dbc.Col(dcc.Graph(figure=g, config={"displayModeBar": False},
                              id={"type": "ward-env-chart", "index": i}), lg=6) for i, g in enumerate(graphs)]
    return [html.H3(t("env.title", lang), className="mt-4"),
            dbc.Row(cols[:2], className="g-3"),
            dbc.Row([dbc.Col([html.H4(t("env.noise.table", lang)), table], lg=12)], className="mt-2"),
            dbc.Row(cols[2:], className="g-3 mt-1")]
