"""The wall's alarm tile: live alarms (open or acknowledged) by severity, the most severe and newest one named, and
how many of them a silence holds back. Pure: a function of :class:`dashboards.queries.alarms.AlarmSummary`.

A critical alarm nobody has acknowledged turns the tile red and makes it pulse (``ioc-alarm-pulse`` in ioc.css;
no sound: a wall is in a room full of people on the phone). Once acknowledged it stays red without the pulse:
someone has it, the others may look elsewhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import html

from dashboards import fmt
from dashboards.components import Tile, tile_class
from dashboards.i18n import t
from dashboards.queries.alarms import SEVERITY_ORDER, AlarmSummary

KEY = "alarms"
SEVERITY_HEX = {"critical": "#dc2626", "major": "#ea580c", "minor": "#ca8a04", "warning": "#0284c7"}
TEXT_HEX = {"critical": "#ffffff", "major": "#ffffff", "minor": "#111827", "warning": "#ffffff"}


def worst(summary: AlarmSummary) -> str | None:
    return next((s for s in SEVERITY_ORDER if summary.by_severity.get(s)), None)


def alarm_name(row: dict[str, Any], lang: str) -> str:
    return str(row["name_en"] if lang == "en" else row["name_vi"])


def place(row: dict[str, Any]) -> str:
    """Where: the device's name, else its id, else the entity (a report, the whole system)."""
    return str(row.get("device_name") or row.get("device_id") or row["entity"])


def tile(summary: AlarmSummary, now: datetime, tz: ZoneInfo, lang: str) -> Tile:
    title = t("wall.tile.alarms", lang)
    if not summary.total:
        return Tile(KEY, title, "0", [t("alarms.none", lang)], _caption(summary, lang))
    counts = " · ".join(f"{t('alarms.severity.' + s, lang)} {fmt.number(n, lang)}"
                        for s in SEVERITY_ORDER if (n := summary.by_severity.get(s)))
    first = summary.newest[0]
    headline = html.Span(f"{alarm_name(first, lang)} · {place(first)} · "
                         f"{fmt.short_time(first['last_raised_at'], tz, lang)}", className="ioc-alarm-headline")
    level = worst(summary)
    return Tile(KEY, title, fmt.number(summary.total, lang), [counts, html.Br(), headline], _caption(summary, lang),
                color=SEVERITY_HEX.get(level or ""), text_color=TEXT_HEX.get(level or ""))


def _caption(summary: AlarmSummary, lang: str) -> str:
    return t("alarms.tile.caption", lang, open=fmt.number(summary.unacknowledged, lang),
             silenced=fmt.number(summary.silenced, lang))


def css_class(made: Tile, summary: AlarmSummary) -> str:
    """The tile's classes, plus the attention state: red and pulsing while a critical alarm is unacknowledged."""
    extra = " ioc-alarm-critical" if summary.critical else ""
    return tile_class(made) + extra + (" ioc-alarm-pulse" if summary.critical_open else "")


def map_points(found: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The located live alarms (:func:`dashboards.queries.alarms.located`) with what the map draws: the severity's
    colour, its legend label and the hover text."""
    return [{"lon": float(a["lon"]), "lat": float(a["lat"]), "severity": a["severity"],
             "color": SEVERITY_HEX[a["severity"]], "label": t(f"alarms.severity.{a['severity']}", lang),
             "hover": f"⚠ {alarm_name(a, lang)} · {place(a)}"} for a in found]
