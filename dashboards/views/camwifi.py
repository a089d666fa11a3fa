"""Cameras by ownership and state, wifi points with their access sessions, and the busiest hours: for the wall's
device and wifi tiles and the ward page (issue 19, "Cameras and wifi as the seeds count them"). Pure functions of
query results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import charts, fmt
from dashboards.i18n import t
from dashboards.queries.camwifi import OWNERSHIPS
from dashboards.theme import Theme

SHOWN_STATES = ("online", "stale", "offline")


@dataclass(frozen=True)
class CameraRow:
    ownership: str              # budget | socialized | citizen_shared | unknown
    counts: dict[str, int]      # state -> cameras (every state, unregistered included)
    ptz: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def camera_rows(classes: pd.DataFrame) -> list[CameraRow]:
    """One row per ownership in the plans' order (an "unknown" row only when some camera lacks the attribute)."""
    made = []
    present = set(classes["ownership"]) if len(classes) else set()
    for owner in (*OWNERSHIPS, *sorted(present - set(OWNERSHIPS))):
        mine = classes[classes["ownership"] == owner]
        if owner not in OWNERSHIPS and mine.empty:
            continue
        counts = {str(s): int(n) for s, n in mine.groupby("state")["n"].sum().items()}
        made.append(CameraRow(owner, counts, int(mine.loc[mine["camera_type"] == "ptz", "n"].sum())))
    return made


def classified(classes: pd.DataFrame) -> bool:
    """Whether any camera carries an ownership (else the wall keeps one plain "Camera" line)."""
    return bool(len(classes)) and bool(classes["ownership"].isin(OWNERSHIPS).any())


def owner_label(row: CameraRow, lang: str, ptz: bool = True) -> str:
    label = t(f"camwifi.owner.{row.ownership}", lang)
    return label + (" · " + t("camwifi.ptz", lang, n=fmt.number(row.ptz, lang)) if row.ptz and ptz else "")


def wall_camera_rows(classes: pd.DataFrame, lang: str) -> list[html.Tr]:
    """The camera lines of the wall's device table: one per ownership, online / stale / offline (the PTZ count goes
    in the tile's caption: the table must stay within the tile's width)."""
    return [html.Tr([html.Th(owner_label(row, lang, ptz=False)),
                     *[html.Td(fmt.number(row.counts.get(s, 0), lang)) for s in SHOWN_STATES]])
            for row in camera_rows(classes) if row.total]


def ptz_note(classes: pd.DataFrame, lang: str) -> str:
    """"of which 1 PTZ" for the wall's device caption; empty without a PTZ camera."""
    n = int(classes.loc[classes["camera_type"] == "ptz", "n"].sum()) if len(classes) else 0
    return t("camwifi.wall.ptz", lang, n=fmt.number(n, lang)) if n else ""


def camera_table(classes: pd.DataFrame, lang: str) -> dbc.Table:
    """The ward page's cameras: ownership (PTZ counted), total and each state."""
    head = html.Thead(html.Tr([html.Th(t("camwifi.col.ownership", lang)), html.Th(t("camwifi.col.total", lang)),
                               *[html.Th(t(f"state.{s}", lang)) for s in SHOWN_STATES]]))
    body = [html.Tr([html.Td(owner_label(row, lang)), html.Td(fmt.number(row.total, lang)),
                     *[html.Td(fmt.number(row.counts.get(s, 0), lang)) for s in SHOWN_STATES]])
            for row in camera_rows(classes)]
    return dbc.Table([head, html.Tbody(body)], bordered=False, hover=True, size="sm", id="ward-cameras-table")


def season_text(months: Any, lang: str) -> str:
    """"Seasonal (months 1, 2)" or "fixed"."""
    if isinstance(months, list) and months:
        return t("camwifi.seasonal_months", lang, months=", ".join(str(m) for m in months))
    return t("camwifi.fixed", lang)


def points_table(points: pd.DataFrame, lang: str) -> dbc.Table | html.Div:
    """The ward's wifi points: fixed or seasonal, access points online, sessions today / 7 days / since 1 January."""
    if points.empty:
        return html.Div(t("camwifi.no_points", lang), className="text-muted")
    cols = ("point", "kind", "aps", "today", "week", "year")
    head = html.Thead(html.Tr([html.Th(t(f"camwifi.col.{c}", lang)) for c in cols]))
    body = [html.Tr([html.Td(str(r.name)),
                     html.Td(season_text(r.season_months, lang) if r.seasonal else t("camwifi.fixed", lang)),
                     html.Td(f"{fmt.number(int(r.aps_online), lang)} / {fmt.number(int(r.aps), lang)}"),
                     *[html.Td(fmt.number(int(getattr(r, c)), lang)) for c in ("today", "week", "year")]])
            for r in points.itertuples()]
    return dbc.Table([head, html.Tbody(body)], bordered=False, hover=True, size="sm", id="ward-wifi-points")


def hourly_mean(hours: pd.DataFrame) -> pd.Series:
    """Mean access sessions per day in each local hour 0-23 (0 for an hour without data)."""
    mean = pd.Series(0.0, index=range(24))
    for r in hours.itertuples():
        if int(r.days) > 0:
            mean[int(r.hour)] = float(r.sessions) / int(r.days)
    return mean


def busiest_hour(hours: pd.DataFrame) -> int | None:
    """The local hour with the most sessions per day (the earlier on a tie); None without any session."""
    mean = hourly_mean(hours)
    return int(mean.idxmax()) if mean.max() > 0 else None


def hours_chart(hours: pd.DataFrame, theme: Theme, lang: str) -> charts.Figure:
    """Sessions per day by local hour (0-23), the busiest hour in amber."""
    fig = charts.base(t("camwifi.chart.hours", lang), theme, charts.DAILY_TICKS)
    fig["layout"]["xaxis"] = {**fig["layout"]["xaxis"], "type": "linear", "tickmode": "array",
                              "tickvals": list(range(0, 24, 2)), "ticktext": [f"{h}h" for h in range(0, 24, 2)],
                              "range": [-0.5, 23.5], "tickformat": "", "hoverformat": ""}
    top = busiest_hour(hours)
    if top is None:
        return charts._empty(fig, theme, lang)
    mean = hourly_mean(hours)
    fig["data"] = [{"type": "bar", "x": list(range(24)), "y": [round(v, 1) for v in mean],
                    "name": t("camwifi.sessions_per_day", lang),
                    "marker": {"color": ["#f59e0b" if h == top else theme.accent for h in range(24)]},
                    "hovertemplate": "%{x}h: %{y}<extra></extra>"}]
    return fig


def days_chart(days: pd.DataFrame, tz: ZoneInfo, theme: Theme, lang: str) -> charts.Figure:
    """Access sessions per local day, fixed and seasonal points stacked."""
    fig = charts.base(t("camwifi.chart.days", lang), theme, charts.DAILY_TICKS, barmode="stack")
    fig["layout"]["legend"] = {**fig["layout"].get("legend", {}), "traceorder": "normal"}   # fixed first, as stacked
    if days.empty:
        return charts._empty(fig, theme, lang)
    fig["data"] = []
    for seasonal, colour in ((False, theme.accent), (True, "#f59e0b")):
        mine = days[days["seasonal"] == seasonal]
        if mine.empty:
            continue
        index = pd.DatetimeIndex(pd.to_datetime(mine["day"], utc=True)).tz_convert(tz)
        fig["data"].append({"type": "bar", "x": charts.local_times(index), "y": [int(v) for v in mine["sessions"]],
                            "name": t("camwifi.seasonal" if seasonal else "camwifi.fixed", lang),
                            "marker": {"color": colour}})
    return fig


@dataclass(frozen=True)
class WifiSummary:
    points: int
    seasonal: int
    sessions_today: int
    busiest: int | None


def wifi_summary(points: pd.DataFrame, hours: pd.DataFrame) -> WifiSummary:
    seasonal = int(points["seasonal"].astype(bool).sum()) if len(points) else 0
    today = int(points["today"].sum()) if len(points) else 0
    return WifiSummary(len(points), seasonal, today, busiest_hour(hours))


def wifi_lines(summary: WifiSummary, lang: str) -> list[Any]:
    """The wall's wifi tile lines: sessions today and the busiest hour (of the last 7 days)."""
    lines: list[Any] = [t("camwifi.wall.today", lang, n=fmt.number(summary.sessions_today, lang)), html.Br()]
    if summary.busiest is not None:
        lines += [t("camwifi.wall.busiest", lang, hour=f"{summary.busiest}h–{summary.busiest + 1}h"), html.Br()]
    return lines


def points_note(summary: WifiSummary, lang: str) -> str:
    """The wall's wifi caption: fixed and seasonal points; empty without any point."""
    if not summary.points:
        return ""
    return t("camwifi.wall.points", lang, fixed=fmt.number(summary.points - summary.seasonal, lang),
             seasonal=fmt.number(summary.seasonal, lang))
