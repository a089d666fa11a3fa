"""A ward's page from the rollups and map layers: map, devices, reports, PM2.5 and VN_AQI (24 h, 30 days), wifi
against last week, traffic by hour; cameras by ownership, wifi points with their sessions, sessions by day and by
hour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from psycopg_pool import ConnectionPool

from dashboards import charts, context, fmt, maps
from dashboards.i18n import norm_lang, t
from dashboards.queries import camwifi, completeness, devices, maplayers, report_counts, rollups, wards
from dashboards.theme import Theme, theme_for
from dashboards.views import camwifi as camwifi_view
from dashboards.views import figure_diff
from layers.vn_aqi import daily_aqi, hourly_aqi_series, hourly_index_series

WARD_MAP_PX = (1100, 520)
NOWCAST_HOURS = 12   # the NowCast of an hour looks at the 11 hours before it
OTHER_POLLUTANTS = ("pm10", "o3", "co", "so2", "no2")


@dataclass(frozen=True)
class WardSeries:
    pm25_hourly: pd.Series        # ward mean per hour, last 24 h plus the NowCast's lead-in, local time
    pm25_daily: pd.Series         # ward mean per local day (rollup_1d), last 30 days
    clients: pd.Series            # total clients, last 24 h
    clients_week_ago: pd.Series   # the same hours 7 days earlier, shifted onto the last 24 h
    vehicles: pd.Series
    people: pd.Series
    completeness: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))   # stored ÷ expected per day
    wifi_days: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=("day", "seasonal", "sessions")))
    wifi_hours: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=("hour", "sessions", "days")))
    tz: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    # the other pollutants' ward means per hour (pm10, o3, co, so2, no2: columns), same hours as pm25_hourly; the
    # hourly VN_AQI uses every one present (docs/vn-aqi.md)
    others: pd.DataFrame = field(default_factory=pd.DataFrame)


def series(frame: pd.DataFrame, tz: ZoneInfo) -> pd.Series:
    """``bucket``/``value`` rows as a float series on a tz-aware index in the display zone."""
    if frame.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], tz=tz))
    index = pd.DatetimeIndex(pd.to_datetime(frame["bucket"], utc=True)).tz_convert(tz)
    return pd.Series(pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float), index=index)


def load(pool: ConnectionPool, ward: str, now: datetime, tz: ZoneInfo) -> WardSeries:
    day, week = timedelta(hours=24), timedelta(days=7)
    hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)   # the current hour included
    first_day = datetime.combine(now.astimezone(tz).date() - timedelta(days=29), datetime.min.time(), tz)

    def area(metric: str, start: datetime, end: datetime, how: rollups.Combine, bucket: str = "1h") -> pd.Series:
        return series(rollups.area_series(pool, ward, metric, start, end, bucket, how), tz)

    before = area("clients", hour - day - week, hour - week, "total")
    before.index = before.index + week
    return WardSeries(area("pm25", hour - day - timedelta(hours=NOWCAST_HOURS - 1), hour, "mean"),
                      area("pm25", first_day, now, "mean", "1d"), area("clients", hour - day, hour, "total"),
                      before, area("vehicles", hour - day, hour, "sum"), area("people", hour - day, hour, "sum"),
                      daily_completeness(pool, ward, tz),
                      camwifi.sessions_by_day(pool, first_day, now, [ward]),
                      camwifi.sessions_by_hour(pool, first_day, now, tz, [ward]), tz,
                      pd.DataFrame({m: area(m, hour - day - timedelta(hours=NOWCAST_HOURS - 1), hour, "mean")
                                    for m in OTHER_POLLUTANTS}))


def daily_completeness(pool: ConnectionPool, ward: str, tz: ZoneInfo) -> pd.Series:
    """The ward's share of expected readings stored, per local day (NaN: nothing was expected)."""
    days = completeness.ward_daily(pool, ward, str(tz))
    index = pd.DatetimeIndex([pd.Timestamp(b) for b, _, _ in days]).tz_convert(tz) if days else \
        pd.DatetimeIndex([], tz=tz)
    return pd.Series([min(1.0, s / e) if e > 0 else float("nan") for _, s, e in days], index=index, dtype=float)


def completeness_chart(ratio: pd.Series, theme: Theme, lang: str) -> charts.Figure:
    """Bars per day in percent with the 90 % flag line: a gap in the data shows as a short bar, not as a calm line."""
    fig = charts.base(t("ward.chart.completeness", lang), theme, charts.DAILY_TICKS)
    if ratio.dropna().empty:
        return charts._empty(fig, theme, lang)
    low = [v < completeness.FLAG_BELOW for v in ratio.fillna(1.0)]
    fig["data"] = [{"type": "bar", "x": charts.local_times(ratio.index), "y": [None if pd.isna(v) else 100 * v
                                                                              for v in ratio],
                    "marker": {"color": ["#f59e0b" if x else theme.accent for x in low]}, "name": "%"}]
    fig["layout"]["yaxis"] = {**fig["layout"].get("yaxis", {}), "range": [0, 100], "ticksuffix": " %"}
    fig["layout"]["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 90, "y1": 90,
                                "line": {"color": "#f59e0b", "dash": "dash", "width": 2}}]
    return fig


def daily_index(pm25: pd.Series) -> pd.DataFrame:
    """pm25_24h and the daily VN_AQI (AQId) of each day's mean."""
    results = [daily_aqi(pm25_24h=None if pd.isna(v) else float(v)) for v in pm25]
    return pd.DataFrame({"pm25_24h": pm25.to_numpy(dtype=float),
                         "aqi": pd.array([r.value if r else None for r in results], dtype="Int64")}, index=pm25.index)


def full_index(pm25: pd.Series, others: pd.DataFrame) -> pd.DataFrame:
    """pm25 (the ward's hourly means) and the hourly VN_AQI of every pollutant present, on PM2.5's hours."""
    present = others.dropna(axis=1, how="all") if len(others) else others
    if present.empty:
        return hourly_aqi_series(pm25)
    means = present.reindex(present.index.union(pm25.index)).assign(pm25=pm25)
    index = hourly_index_series(means).reindex(pm25.index)
    return pd.DataFrame({"pm25": pm25, "aqi": index["aqi"]}, index=pm25.index)


def figures(data: WardSeries, now: datetime, theme: Theme, lang: str) -> list[charts.Figure]:
    """PM2.5 24 h, VN_AQI 24 h, PM2.5 30 days, VN_AQI 30 days, wifi vs last week, traffic by hour, completeness,
    wifi sessions by day and by local hour."""
    pm = data.pm25_hourly
    hourly = full_index(pm, data.others) if len(pm) else pd.DataFrame(columns=["pm25", "aqi"])
    last_day = hourly[hourly.index > pd.Timestamp(now) - pd.Timedelta(hours=24)] if len(hourly) else hourly
    daily = daily_index(data.pm25_daily)
    return [
        charts.band_chart(last_day, "pm25", t("ward.chart.pm25_24h", lang), theme, lang, aqi=False),
        charts.band_chart(last_day, "aqi", t("ward.chart.aqi_24h", lang), theme, lang, aqi=True),
        charts.band_chart(daily, "pm25_24h", t("ward.chart.pm25_30d", lang), theme, lang, aqi=False, daily=True),
        charts.band_chart(daily, "aqi", t("ward.chart.aqi_30d", lang), theme, lang, aqi=True, daily=True),
        charts.compare_chart(data.clients, data.clients_week_ago, t("ward.chart.wifi", lang),
                             (t("ward.this_week", lang), t("ward.last_week", lang)), theme, lang),
        charts.traffic_chart(data.vehicles, data.people, t("ward.chart.traffic", lang), theme, lang),
        completeness_chart(data.completeness, theme, lang),
        camwifi_view.days_chart(data.wifi_days, data.tz, theme, lang),
        camwifi_view.hours_chart(data.wifi_hours, theme, lang),
    ]


def ward_overview(ioc: context.IocContext, opts: dict[str, Any], now: datetime,
                  known: figure_diff.Known | None = None) -> tuple[Any, ...]:
    """Title, map (a figure, or a Patch against ``known``), the browser's new known record, devices, reports,
    cameras by ownership and the wifi points."""
    lang, th = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light")
    code = str(opts.get("code") or "")
    pool = ioc.read_pool   # the ward page only reads: a standby serves it (docs/ha.md)
    place = wards.get(pool, code) if code else None
    if place is None:
        return t("ward.unknown", lang, code=code or ""), {}, None, "", "", "", ""
    src = maplayers.load(pool, now, ward=code, ward_codes=[code])
    box = (place["west"], place["south"], place["east"], place["north"])
    fig = maps.figure(src, th, lang, ioc.settings.tiles_url, maps.MapView(box, f"ward:{code}", *WARD_MAP_PX))
    sent, new_known = figure_diff.update(fig, known)
    counts = report_counts.counts(pool, now, ioc.settings.tz, [code])
    return (place["name"], sent, new_known, device_table(devices.state_counts(pool, [code]), lang),
            report_summary(counts, lang), camwifi_view.camera_table(camwifi.camera_classes(pool, [code]), lang),
            camwifi_view.points_table(camwifi.wifi_points(pool, now, ioc.settings.tz, [code]), lang))


def device_table(counts: Any, lang: str) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(t("devices.col.kind", lang)),
                               *[html.Th(t(f"state.{s}", lang)) for s in devices.STATES]]))
    body = [html.Tr([html.Td(t(f"kind.{k}", lang)),
                     *[html.Td(fmt.number(int(g.loc[g["state"] == s, "n"].sum()), lang)) for s in devices.STATES]])
            for k, g in counts.groupby("kind")]
    return dbc.Table([head, html.Tbody(body)], bordered=False, hover=True, size="sm")


def report_summary(counts: report_counts.ReportCounts, lang: str) -> Any:
    """Open and overdue field reports of the ward (on the map too), and how many wait for the citizen."""
    cells = [(t("reports.tile.open", lang), counts.open), (t("reports.tile.overdue", lang), counts.overdue)]
    body = html.Tr([html.Td(fmt.number(n, lang), className="fs-3 fw-bold pe-4") for _, n in cells])
    head = html.Tr([html.Th(label, className="pe-4") for label, _ in cells])
    note = t("reports.tile.paused", lang, n=fmt.number(counts.paused, lang))
    return html.Div([html.Table([html.Thead(head), html.Tbody(body)]), html.Div(note, className="text-muted")],
                    id="ward-reports-counts")


def ward_charts(ioc: context.IocContext, opts: dict[str, Any], now: datetime, count: int) -> list[Any]:
    lang, th, code = norm_lang(opts.get("lang")), theme_for(opts.get("theme"), "light"), opts.get("code")
    if not code or wards.get(ioc.read_pool, code) is None:
        return [{} for _ in range(count)]
    return figures(load(ioc.read_pool, code, now, ioc.settings.tz), now, th, lang)
