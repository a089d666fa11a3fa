"""A ward's figures from the rollups: PM2.5 and VN_AQI (24 h, 30 days), wifi against last week, traffic by hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html
from psycopg_pool import ConnectionPool

from dashboards import charts, context, fmt, maps
from dashboards.i18n import norm_lang, t
from dashboards.queries import aqi, devices, rollups, wards
from dashboards.theme import Theme, theme_for
from layers.vn_aqi import daily_aqi_series, hourly_aqi_series


@dataclass(frozen=True)
class WardSeries:
    pm25_hourly: pd.Series        # ward mean, 30 days, local time index
    clients: pd.Series            # total clients, last 24 h
    clients_week_ago: pd.Series   # the same hours 7 days earlier, shifted onto the last 24 h
    vehicles: pd.Series
    people: pd.Series


def _series(frame: pd.DataFrame, tz: ZoneInfo) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], tz=tz))
    index = pd.DatetimeIndex(pd.to_datetime(frame["bucket"], utc=True)).tz_convert(tz)
    return pd.Series(pd.to_numeric(frame["value"], errors="coerce").to_numpy(), index=index)


def load(pool: ConnectionPool, ward: str, now: datetime, tz: ZoneInfo) -> WardSeries:
    day, month, week = timedelta(hours=24), timedelta(days=30), timedelta(days=7)
    hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)

    def area(metric: str, start: datetime, end: datetime, how: rollups.Combine) -> pd.Series:
        return _series(rollups.area_series(pool, ward, metric, start, end, "1h", how), tz)

    before = area("clients", hour - day - week, hour - week, "total")
    before.index = before.index + week
    return WardSeries(area("pm25", hour - month, hour, "mean"), area("clients", hour - day, hour, "total"), before,
                      area("vehicles", hour - day, hour, "sum"), area("people", hour - day, hour, "sum"))


def figures(data: WardSeries, now: datetime, theme: Theme, lang: str) -> list[go.Figure]:
    """PM2.5 24 h, VN_AQI 24 h, PM2.5 30 days, VN_AQI 30 days, wifi vs last week, traffic by hour."""
    pm = data.pm25_hourly
    hourly = hourly_aqi_series(pm) if len(pm) else pd.DataFrame(columns=["pm25", "aqi"])
    daily = daily_aqi_series(pm) if len(pm) else pd.DataFrame(columns=["pm25_24h", "aqi"])
    since = pd.Timestamp(now) - pd.Timedelta(hours=24)
    last_day = hourly[hourly.index > since] if len(hourly) else hourly
    return [
        charts.band_chart(last_day, "pm25", t("ward.chart.pm25_24h", lang), theme, lang, aqi=False),
        charts.band_chart(last_day, "aqi", t("ward.chart.aqi_24h", lang), theme, lang, aqi=True),
        charts.band_chart(daily, "pm25_24h", t("ward.chart.pm25_30d", lang), theme, lang, aqi=False, kind="bar"),
        charts.band_chart(daily, "aqi", t("ward.chart.aqi_30d", lang), theme, lang, aqi=True, kind="bar"),
        charts.compare_chart(data.clients, data.clients_week_ago, t("ward.chart.wifi", lang),
                             (t("ward.this_week", lang), t("ward.last_week", lang)), theme, lang),
        charts.traffic_chart(data.vehicles, data.people, t("ward.chart.traffic", lang), theme, lang),
    ]


def ward_overview(ioc: context.IocContext, opts: dict[str, Any], now: datetime) -> tuple[Any, Any, Any]:
    lang, th = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light")
    code = str(opts.get("code") or "")
    place = wards.get(ioc.pool, code) if code else None
    if place is None:
        return t("ward.unknown", lang, code=code or ""), {}, ""
    data = maps.MapData(outlines=wards.outlines(ioc.pool, [code]), points=devices.map_points(ioc.pool, code),
                        stations=aqi.station_aqi(ioc.pool, now, code), wifi=rollups.wifi_now(ioc.pool, code),
                        view=(place["west"], place["south"], place["east"], place["north"]))
    fig = maps.city_map(data, th, lang, ioc.settings.tiles_url, f"ward:{code}")
    return place["name"], fig, device_table(devices.state_counts(ioc.pool, code), lang)


def device_table(counts: Any, lang: str) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(t("devices.col.kind", lang)),
                               *[html.Th(t(f"state.{s}", lang)) for s in devices.STATES]]))
    body = [html.Tr([html.Td(t(f"kind.{k}", lang)),
                     *[html.Td(fmt.number(int(g.loc[g["state"] == s, "n"].sum()), lang)) for s in devices.STATES]])
            for k, g in counts.groupby("kind")]
    return dbc.Table([head, html.Tbody(body)], bordered=False, hover=True, size="sm")


def ward_charts(ioc: context.IocContext, opts: dict[str, Any], now: datetime, count: int) -> list[Any]:
    lang, th, code = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light"), opts.get("code")
    if not code or wards.get(ioc.pool, code) is None:
        return [{} for _ in range(count)]
    return figures(load(ioc.pool, code, now, ioc.settings.tz), now, th, lang)
