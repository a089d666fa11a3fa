"""The device health table and a device's detail (dead letters with reasons), from query results."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import context, fmt
from dashboards.components import Tile
from dashboards.i18n import t
from dashboards.queries import completeness, devices, health
from dashboards.views import timeline

COLUMNS = ("device_id", "kind", "name", "ward_code", "state", "last_seen_at", "data_age_s", "battery",
           "msg_per_min", "dead_letters_24h", "completeness_24h", "timeline_24h")
PAGE_SIZE = 25


def _cell(col: str, value: Any, tz: ZoneInfo, lang: str) -> Any:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return fmt.BLANK
    if col == "state":
        return html.Span(t(f"state.{value}", lang), className=f"ioc-state ioc-state-{value}")
    if col == "kind":
        return t(f"kind.{value}", lang)
    if col == "last_seen_at":
        return fmt.local_time(pd.Timestamp(value).to_pydatetime(), tz, lang, "HH:mm dd/MM/yyyy")
    if col == "data_age_s":
        return fmt.age(float(value), lang)
    if col == "battery":
        return f"{fmt.number(float(value), lang)} %"
    if col == "msg_per_min":
        return fmt.number(float(value), lang, 1)
    if col == "dead_letters_24h":
        return fmt.number(int(value), lang) if value else "0"
    if col == "completeness_24h":
        return _completeness(float(value), lang)
    if col == "timeline_24h":
        return timeline.mini(value, tz, lang)
    return str(value)


def _completeness(ratio: float, lang: str) -> Any:
    """The share of expected readings stored in 24 h; under the flag line it is marked, with the reason on hover."""
    text = f"{fmt.number(100 * ratio, lang, 1)} %"
    if ratio >= completeness.FLAG_BELOW:
        return text
    return html.Span(f"⚠ {text}", className="text-warning fw-bold", title=t("devices.completeness.flag", lang))


def header(sort: str, descending: bool, lang: str) -> html.Thead:
    cells = []
    for col in COLUMNS:
        label = t(f"devices.col.{col}", lang)
        if col in devices.SORTABLE:
            arrow = (" ▼" if descending else " ▲") if col == sort else ""
            cells.append(html.Th(html.Button(label + arrow, id={"type": "devices-sort", "col": col})))
        else:
            cells.append(html.Th(label))
    return html.Thead(html.Tr(cells))


def _td(col: str, row: dict[str, Any], tz: ZoneInfo, lang: str) -> html.Td:
    if col == "ward_code" and row.get("ward_name"):
        # people know their ward by its name; the code stays at hand for whoever files a ticket
        return html.Td(str(row["ward_name"]), title=str(row["ward_code"]))
    return html.Td(_cell(col, row.get(col), tz, lang))


def table(page: devices.DevicePage, sort: str, descending: bool, tz: ZoneInfo, lang: str) -> dbc.Table:
    body = [html.Tr([_td(c, row, tz, lang) for c in COLUMNS],
                    id={"type": "devices-row", "index": row["device_id"]}, style={"cursor": "pointer"})
            for row in page.rows.to_dict("records")]
    return dbc.Table([header(sort, descending, lang), html.Tbody(body)], hover=True, size="sm", striped=True,
                     className="ioc-table", responsive=True)


def detail(dev: dict[str, Any] | None, letters: pd.DataFrame, hours: list[completeness.Hour], tz: ZoneInfo,
           lang: str) -> list[Any]:
    if dev is None:
        return [html.P(t("devices.pick", lang), className="text-body-secondary")]
    facts = [(t("devices.col.state", lang), _cell("state", dev["state"], tz, lang)),
             (t("devices.col.last_seen_at", lang), _cell("last_seen_at", dev["last_seen_at"], tz, lang)),
             (t("devices.col.battery", lang), _cell("battery", dev["battery"], tz, lang)),
             (t("devices.firmware", lang), dev["firmware"] or fmt.BLANK),
             (t("devices.interval", lang), f"{dev['interval_s']} s")]
    return [html.Div([html.H4(f"{dev['device_id']} · {dev['name'] or ''}", className="me-auto"),
                      html.A(t("devices.open", lang), href=device_href(dev["device_id"], lang), id="devices-open",
                             className="btn btn-outline-primary btn-sm")], className="d-flex align-items-center"),
            dbc.Row([dbc.Col(html.Dl([x for k, v in facts for x in (html.Dt(k, className="col-5"),
                                                                   html.Dd(v, className="col-7"))], className="row"),
                             lg=3),
                     dbc.Col(timelines(hours, tz, lang), lg=9)]),
            html.H5(t("devices.dl.title", lang)), letters_table(letters, tz, lang)]


def letters_table(letters: pd.DataFrame, tz: ZoneInfo, lang: str) -> Any:
    """A device's newest dead letters with the reason an installer can act on."""
    rows = [html.Tr([html.Td(fmt.local_time(pd.Timestamp(r["received_at"]).to_pydatetime(), tz, lang)),
                     html.Td(r["reason"]), html.Td(html.Code(r["topic"])), html.Td(html.Code(r["payload"]))])
            for r in letters.to_dict("records")]
    return dbc.Table([html.Thead(html.Tr([html.Th(t(k, lang)) for k in (
        "devices.dl.time", "devices.dl.reason", "devices.dl.topic", "devices.dl.payload")])), html.Tbody(rows)],
        size="sm", bordered=True) if rows else html.P(t("devices.dl.none", lang))


def device_href(device_id: str, lang: str) -> str:
    return f"/devices/{quote(device_id, safe='')}" + ("?lang=en" if lang == "en" else "")


def timelines(hours: list[completeness.Hour], tz: ZoneInfo, lang: str) -> list[Any]:
    """The device's last 24 h as a large strip and its last 7 local days as a grid, with their legend."""
    found = timeline.cells(hours)
    return [html.H5(t("timeline.title_24h", lang)), timeline.strip(found, tz, lang),
            html.H5(t("timeline.title_7d", lang)), timeline.week(found, tz, lang), timeline.legend(lang)]


def week_start(now: datetime, tz: ZoneInfo, days: int = 7) -> datetime:
    """Local midnight ``days - 1`` days back: the first hour of the 7-day grid."""
    local = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return (local - timedelta(days=days - 1)).astimezone(UTC)


def system_tile(status: health.IngestStatus, stale_after_s: int, lang: str, now: datetime) -> Tile:
    stale = status.stale(stale_after_s)
    detail = [html.Div(t("wall.system.lag", lang, value=fmt.number(status.lag_s, lang, 1))),
              html.Div(t("wall.system.dead", lang, value=fmt.number(status.dead_letters_per_min, lang, 1))),
              html.Div(t("wall.system.workers", lang, n=fmt.number(status.workers, lang)))]
    caption = t("common.as_of" if stale else "common.last_commit", lang, age=fmt.age(status.commit_age_s, lang))
    return Tile("system", t("wall.tile.system", lang), fmt.number(status.rate_stored, lang, 1), detail, caption,
                stale=stale)


def toggle_sort(current: dict[str, Any], col: str) -> dict[str, Any]:
    """Clicking the sorted column flips its direction; another column sorts ascending."""
    return {"col": col, "desc": not current["desc"]} if current["col"] == col else {"col": col, "desc": False}


def device_page(ioc: context.IocContext, where: devices.DeviceFilter, sort: dict[str, Any], page_no: int,
                lang: str) -> tuple[Any, int, str]:
    page = devices.page(ioc.read_pool, where, sort["col"], sort["desc"], (page_no - 1) * PAGE_SIZE, PAGE_SIZE)
    ratios = {r["device_id"]: r["ratio"] for r in completeness.for_devices(
        ioc.read_pool, completeness.SPANS["24h"], ids=list(page.rows.get("device_id", [])))}
    page.rows["completeness_24h"] = [ratios.get(d) for d in page.rows.get("device_id", [])]
    ids = list(page.rows.get("device_id", []))
    strips = completeness.hourly_many(ioc.read_pool, ids, datetime.now(UTC) - timedelta(hours=23))
    page.rows["timeline_24h"] = pd.Series([timeline.cells(strips.get(d, [])) for d in ids], index=page.rows.index,
                                          dtype=object)
    pages = max(1, math.ceil(page.total / PAGE_SIZE))
    return (table(page, sort["col"], sort["desc"], ioc.settings.tz, lang), pages,
            t("devices.total", lang, n=f"{page.total:,}".replace(",", "." if lang == "vi" else ",")))
