"""The wall's street-lighting tile: the share of lamps doing as commanded, large; lamps dark when due on and burning
by day; last night's kWh against the undimmed baseline. Pure: a function of :class:`views.lighting.LightingNow`.

Stale like every wall value: lamps report every 10 minutes, so a newest reading older than 30 minutes greys the tile
with its age. Red while a lamp is dark that should burn (the street is dark), orange for day burners only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import html

from dashboards import fmt
from dashboards.components import Tile
from dashboards.i18n import t
from dashboards.views.lighting import BURNER_HEX, OUTAGE_HEX, LightingNow

KEY = "lighting"
FRESH_S = 30 * 60


def tile(data: LightingNow, now: datetime, lang: str) -> Tile:
    title = t("wall.tile.lighting", lang)
    if not data.lamps and data.last_night is None:
        return Tile(KEY, title, fmt.BLANK, [t("wall.lighting.none", lang)], unavailable=True)
    lines: list[Any] = [
        html.Div(t("wall.lighting.dark", lang, n=fmt.number(data.dark, lang)),
                 className="ioc-light-dark" if data.dark else ""),
        html.Div(t("wall.lighting.burners", lang, n=fmt.number(data.day_burners, lang)))]
    night = data.last_night
    if night is not None:
        saving = night.saving
        lines.append(html.Div(t("wall.lighting.night", lang, kwh=fmt.number(night.kwh, lang),
                                delta=fmt.BLANK if saving is None else _delta(saving, lang))))
    age = (now - data.as_of).total_seconds() if data.as_of else None
    stale = age is None or age > FRESH_S
    share = data.working_share
    value = fmt.BLANK if share is None else f"{fmt.number(100 * share, lang, 1)} %"
    caption = t("common.as_of", lang, age=fmt.age(age, lang)) if stale and age is not None else t(
        "wall.lighting.caption", lang)
    color = OUTAGE_HEX if data.dark else BURNER_HEX if data.day_burners else None
    return Tile(KEY, title, value, lines, caption, stale=stale, color=color, text_color="#ffffff")


def _delta(saving: float, lang: str) -> str:
    """Last night's energy against the undimmed baseline, signed: "−14 %" saved, "+1 %" over it."""
    sign = "−" if saving > 0 else "+" if saving < 0 else "±"
    return f"{sign}{fmt.number(abs(100 * saving), lang)} %"
