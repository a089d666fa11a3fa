"""/devices/<id>: one device's own view. Its identity, its completeness over 24 h, 7 and 30 days with the gap
timeline of the last 24 h and 7 local days, its latest readings and its dead letters, from query results."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import context, fmt
from dashboards.i18n import t
from dashboards.queries import completeness, devices, wards
from dashboards.views import devices as devices_view

READINGS_SHOWN = 10


def body(ioc: context.IocContext, device_id: str, lang: str, now: datetime) -> tuple[list[Any], str]:
    """(the page's content, its heading); a device nobody registered nor heard of says so."""
    pool, tz = ioc.read_pool, ioc.settings.tz
    dev = devices.device(pool, device_id)
    if dev is None:
        return [html.P(t("device.not_found", lang, id=device_id), className="fs-4")], t("device.title", lang,
                                                                                          id=device_id)
    ward = wards.get(pool, dev["ward_code"]) if dev["ward_code"] else None
    hours = completeness.hourly_many(pool, [device_id], devices_view.week_start(now, tz)).get(device_id, [])
    ratios = {span: _ratio(completeness.for_devices(pool, completeness.SPANS[span], ids=[device_id]))
              for span in ("24h", "7d", "30d")}
    readings = devices.last_readings(pool, device_id, str(dev["kind"]), READINGS_SHOWN)
    letters = devices.dead_letters(pool, device_id, 10)
    heading = t("device.title", lang, id=device_id) + (f" · {dev['name']}" if dev["name"] else "")
    content = [
        dbc.Row([dbc.Col([html.H4(t("device.identity", lang)), identity(dev, ward, tz, lang)], lg=4),
                 dbc.Col([html.H4(t("device.completeness", lang)), completeness_line(ratios, lang),
                          *devices_view.timelines(hours, tz, lang)], lg=8)]),
        html.H4(t("device.readings", lang), className="mt-3"), readings_table(readings, str(dev["kind"]), tz, lang),
        html.H4(t("devices.dl.title", lang), className="mt-3"),
        devices_view.letters_table(letters, tz, lang),
    ]
    return content, heading


def _ratio(rows: list[dict[str, Any]]) -> float | None:
    return rows[0]["ratio"] if rows else None


def identity(dev: dict[str, Any], ward: dict[str, Any] | None, tz: ZoneInfo, lang: str) -> html.Dl:
    where = fmt.BLANK if dev["lat"] is None else f"{dev['lat']:.5f}, {dev['lon']:.5f}"
    registered = (fmt.local_time(dev["registered_at"], tz, lang, "HH:mm dd/MM/yyyy") if dev["registered"]
                  and dev["registered_at"] else fmt.BLANK if dev["registered"] else t("device.unregistered", lang))
    facts = [(t("devices.col.kind", lang), t(f"kind.{dev['kind']}", lang)),
             (t("devices.col.name", lang), dev["name"] or fmt.BLANK),
             (t("devices.col.ward_code", lang), f"{ward['name']} ({dev['ward_code']})" if ward else
              dev["ward_code"] or fmt.BLANK),
             (t("devices.col.state", lang), html.Span(t(f"state.{dev['state']}", lang),
                                                      className=f"ioc-state ioc-state-{dev['state']}")),
             (t("devices.col.last_seen_at", lang), fmt.local_time(dev["last_seen_at"], tz, lang, "HH:mm dd/MM/yyyy")),
             (t("devices.interval", lang), f"{dev['interval_s']} s"),
             (t("device.registered_at", lang), registered),
             (t("devices.col.battery", lang), fmt.BLANK if dev["battery"] is None
              else f"{fmt.number(float(dev['battery']), lang)} %"),
             (t("devices.firmware", lang), dev["firmware"] or fmt.BLANK),
             (t("device.location", lang), where)]
    return html.Dl([x for k, v in facts for x in (html.Dt(k, className="col-5"), html.Dd(v, className="col-7"))],
                   className="row ioc-device-facts")


def completeness_line(ratios: dict[str, float | None], lang: str) -> html.Div:
    def pct(ratio: float | None) -> Any:
        if ratio is None:
            return fmt.BLANK
        text = f"{fmt.number(100 * ratio, lang, 1)} %"
        return text if ratio >= completeness.FLAG_BELOW else f"⚠ {text}"
    low = ratios["24h"] is not None and ratios["24h"] < completeness.FLAG_BELOW
    return html.Div(t("device.completeness.spans", lang, d=pct(ratios["24h"]), w=pct(ratios["7d"]),
                      m=pct(ratios["30d"])), id="device-completeness",
                    className="fs-4 mb-2" + (" text-warning fw-bold" if low else ""))


def readings_table(readings: pd.DataFrame, kind: str, tz: ZoneInfo, lang: str) -> Any:
    if readings.empty:
        return html.P(t("device.no_readings", lang), className="text-body-secondary", id="device-readings")
    cols = [c for c in devices.READINGS[kind][1] if readings[c].notna().any()]   # the columns this device sends
    head = html.Tr([html.Th(t("device.col.ts", lang)), html.Th(t("device.col.received_at", lang)),
                    *[html.Th(t(f"reading.{c}", lang)) for c in cols]])
    body = [html.Tr([html.Td(_when(r["ts"], tz, lang)), html.Td(_when(r["received_at"], tz, lang)),
                     *[html.Td(_value(r[c], lang)) for c in cols]]) for r in readings.to_dict("records")]
    return dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", striped=True, className="ioc-table",
                     id="device-readings", responsive=True)


def _when(value: Any, tz: ZoneInfo, lang: str) -> str:
    return fmt.local_time(pd.Timestamp(value).to_pydatetime(), tz, lang, "HH:mm:ss dd/MM")


def _value(value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return fmt.BLANK
    if isinstance(value, str):      # a state word (a lamp's power state)
        return value
    if isinstance(value, bool):     # a flag (a lamp's failure): raised or not
        return "✔" if value else "–"
    return fmt.number(float(value), lang, 0 if float(value).is_integer() else 1)
