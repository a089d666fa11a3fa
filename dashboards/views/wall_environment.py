"""The wall's environment tile: the loudest station against the QCVN 26 limit of its area and of this hour's period,
the gauge nearest its warning levels (I, II, III), and the last hour's rain. Pure: a function of
:func:`dashboards.queries.environment.stations`.

The tile turns amber when noise is over its limit or a gauge has passed level I, orange from level II, red at III;
readings older than ``FRESH_S`` are not "now": it greys out and says how old they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from dash import html

from dashboards import fmt
from dashboards.components import Tile
from dashboards.i18n import t
from layers.environment import WARNING_LEVELS, NoiseLimits, warning_level

KEY = "environment"
VN = ZoneInfo("Asia/Ho_Chi_Minh")   # QCVN 26's day and night are Việt Nam's, whatever the server's zone
FRESH_S = 15 * 60
# none, noise over / level I, level II, level III: the alarm tile's minor / major / critical colours
STATE_HEX = (None, "#ca8a04", "#ea580c", "#dc2626")
STATE_TEXT = (None, "#111827", "#ffffff", "#ffffff")


def loudest(stations: pd.DataFrame, now: datetime, limits: NoiseLimits) -> dict[str, Any] | None:
    """The station whose newest LAeq is furthest over (or least under) its limit now; None without noise."""
    rows = stations.dropna(subset=["laeq"])
    if rows.empty:
        return None
    local = now.astimezone(VN)
    best = max(rows.itertuples(), key=lambda r: (r.laeq - limits.limit(r.noise_area, local), r.device_id))
    return {"name": best.name, "laeq": float(best.laeq), "limit": limits.limit(best.noise_area, local),
            "at": best.laeq_at}


def highest_gauge(stations: pd.DataFrame) -> dict[str, Any] | None:
    """The gauge at the highest warning level (ties: nearest its next level); None without a gauge reading."""
    found = []
    for r in stations.dropna(subset=["water_level"]).itertuples():
        levels = r.water_levels if isinstance(r.water_levels, list) else []
        reached = warning_level(float(r.water_level), levels)
        if reached is None:
            continue
        share = float(r.water_level) / levels[min(reached, 2)]
        found.append((reached, share, {"name": r.name, "level": float(r.water_level), "reached": reached,
                                       "at": r.water_at}))
    return max(found, key=lambda f: (f[0], f[1]))[2] if found else None


def tile(stations: pd.DataFrame, now: datetime, limits: NoiseLimits, lang: str) -> Tile:
    title = t("wall.tile.environment", lang)
    noise, gauge = loudest(stations, now, limits), highest_gauge(stations)
    if noise is None and gauge is None:
        return Tile(KEY, title, fmt.BLANK, [t("wall.env.none", lang)], unavailable=True)
    lines: list[Any] = []
    state = 0
    if noise is not None:
        lines.append(html.Div(t("wall.env.noise", lang, limit=fmt.number(noise["limit"], lang),
                                name=noise["name"])))
        state = 1 if noise["laeq"] > noise["limit"] else 0
    if gauge is not None:
        reached = gauge["reached"]
        label = t("env.warning_level", lang, level=WARNING_LEVELS[reached - 1]) if reached else \
            t("wall.env.water_ok", lang)
        water = t("wall.env.water", lang, value=fmt.number(gauge["level"], lang), state=label)
        lines.append(html.Div(f"{water} · {gauge['name']}"))
        state = max(state, reached)
    rain = stations["rain_1h"].dropna()
    if len(rain) and rain.max() > 0:   # beside the water, which it explains; on a line of its own without a gauge
        said = t("wall.env.rain", lang, value=fmt.number(float(rain.max()), lang, 1))
        if gauge is not None:
            lines[-1] = html.Div(f"{water} · {said} · {gauge['name']}")
        else:
            lines.append(html.Div(said))
    newest = max((x["at"] for x in (noise, gauge) if x is not None and x["at"] is not None), default=None)
    age = None if newest is None else (now - newest).total_seconds()
    stale = age is None or age > FRESH_S
    value = (f"{fmt.number(noise['laeq'], lang)} dB" if noise is not None else
             f"{fmt.number(gauge['level'], lang)} cm" if gauge is not None else fmt.BLANK)
    caption = t("common.as_of", lang, age=fmt.age(age, lang)) if stale else t("wall.env.caption", lang)
    return Tile(KEY, title, value, lines, caption, stale=stale, color=STATE_HEX[state], text_color=STATE_TEXT[state])
