"""The lighting view model (docs/lighting.md): what share of the lamps works now, last night's outages, day burners
and commanded-versus-actual mismatches, and kWh and cost per night against the undimmed baseline. Pure functions of
query frames, plus :func:`load`, which reads them for a scope.

A lamp *works* when it does what it is told: no failure flag, no supply loss, and burning while commanded on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards import charts, fmt
from dashboards.i18n import t
from dashboards.queries import lighting as q
from dashboards.theme import Theme

NIGHTS = 7
KWH_HEX, BASELINE_HEX = "#facc15", "#64748b"     # lamp yellow against a slate "before smart control"
OUTAGE_HEX, BURNER_HEX, MISMATCH_HEX = "#ef4444", "#f97316", "#a78bfa"


@dataclass(frozen=True)
class NightFigures:
    night: date
    lamps: int
    kwh: float
    baseline_kwh: float
    outages: int
    day_burners: int
    mismatches: int

    def cost(self, tariff: float) -> float:
        return self.kwh * tariff

    @property
    def saving(self) -> float | None:
        """Share of the baseline saved (dimming, and lamps that were dark); None without a baseline."""
        return 1 - self.kwh / self.baseline_kwh if self.baseline_kwh > 0 else None


@dataclass(frozen=True)
class LightingNow:
    lamps: int = 0                  # lamps with a reading in the last 30 minutes
    working: int = 0
    failed: int = 0                 # lamp_failure raised
    dark: int = 0                   # commanded on, not burning (a night outage now)
    day_burners: int = 0            # burning against an off command, by day
    mismatches: int = 0
    commanded_on: int = 0
    as_of: datetime | None = None
    last_night: NightFigures | None = None
    nights: tuple[NightFigures, ...] = ()

    @property
    def working_share(self) -> float | None:
        return self.working / self.lamps if self.lamps else None


def mismatched(lamps: pd.DataFrame) -> pd.Series:
    """Per lamp: its state or its dimming level differs from the command (levels within 5 points agree)."""
    level = (pd.to_numeric(lamps["illuminance_level"], errors="coerce").fillna(0)
             - pd.to_numeric(lamps["commanded_illuminance_level"], errors="coerce").fillna(0)).abs()
    state = lamps["power_state"].astype(str) != lamps["commanded_power_state"].astype(str)
    return state | ((lamps["power_state"] == "on") & (level > q.LEVEL_TOLERANCE))


def summarise(lamps: pd.DataFrame, nights: pd.DataFrame, tonight: date | None = None) -> LightingNow:
    """The figures of now (``lamps``: ``queries.lighting.lamps_now``) and per night (``queries.lighting.nights``)."""
    per_night = tuple(NightFigures(r.night, int(r.lamps), float(r.kwh), float(r.baseline_kwh), int(r.outages),
                                   int(r.day_burners), int(r.mismatches)) for r in nights.itertuples())
    last = _last_complete(per_night, tonight)
    if lamps.empty:
        return LightingNow(last_night=last, nights=per_night)
    flag = {c: lamps[c].fillna(False).astype(bool) for c in ("lamp_failure", "supply_loss", "lamp_unexpected_on")}
    told_on = lamps["commanded_power_state"] == "on"
    burning = lamps["power_state"] == "on"
    dark = told_on & ~burning
    works = ~flag["lamp_failure"] & ~flag["supply_loss"] & ~dark
    return LightingNow(
        lamps=len(lamps), working=int(works.sum()), failed=int(flag["lamp_failure"].sum()), dark=int(dark.sum()),
        day_burners=int((flag["lamp_unexpected_on"] & burning).sum()), mismatches=int(mismatched(lamps).sum()),
        commanded_on=int(told_on.sum()), as_of=pd.Timestamp(lamps["ts"].max()).to_pydatetime(),
        last_night=last, nights=per_night)


def _last_complete(nights: tuple[NightFigures, ...], tonight: date | None) -> NightFigures | None:
    """Last night: the newest night before ``tonight`` (the one under way); without ``tonight``, the newest but one."""
    if tonight is not None:
        return next((n for n in reversed(nights) if n.night < tonight), None)
    return nights[-2] if len(nights) >= 2 else (nights[-1] if nights else None)


def load(pool: ConnectionPool, now: datetime, tz: ZoneInfo, wards: Sequence[str] | None = None,
         nights: int = NIGHTS) -> LightingNow:
    """Now, and the ``nights`` nights up to the one under way (the page: a week)."""
    today = (now.astimezone(tz) - timedelta(hours=12)).date()      # the night under way (or the one just ended)
    return summarise(q.lamps_now(pool, now, wards),
                     q.nights(pool, today - timedelta(days=nights - 1), today, tz, wards), today)


def load_last_night(pool: ConnectionPool, now: datetime, tz: ZoneInfo,
                    wards: Sequence[str] | None = None) -> LightingNow:
    """Now, and only the last complete night (the wall, every few seconds: one night's readings, not a week's)."""
    last = (now.astimezone(tz) - timedelta(hours=12)).date() - timedelta(days=1)
    return summarise(q.lamps_now(pool, now, wards), q.nights(pool, last, last, tz, wards), last + timedelta(days=1))


def vnd(value: float, lang: str) -> str:
    """Đồng, rounded to the thousand: a night's lighting bill is read in thousands, not in đồng."""
    return f"{fmt.number(round(value, -3), lang)} ₫"


def _empty(fig: charts.Figure, theme: Theme, lang: str) -> charts.Figure:
    fig["layout"]["annotations"] = [{"text": t("common.no_data", lang), "showarrow": False, "xref": "paper",
                                     "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": 20, "color": theme.muted}}]
    return fig


def energy_chart(data: LightingNow, tariff: float, theme: Theme, lang: str) -> charts.Figure:
    """kWh per night, as measured, against the undimmed baseline; the cost in the hover."""
    fig = charts.base(t("lighting.chart.energy", lang), theme, charts.DAILY_TICKS, barmode="group")
    if not data.nights:
        return _empty(fig, theme, lang)
    x = [n.night.isoformat() for n in data.nights]
    cost = [vnd(n.cost(tariff), lang) for n in data.nights]
    fig["data"] = [
        {"type": "bar", "x": x, "y": [round(n.baseline_kwh, 1) for n in data.nights],
         "name": t("lighting.baseline", lang), "marker": {"color": BASELINE_HEX},
         "customdata": [vnd(n.baseline_kwh * tariff, lang) for n in data.nights],
         "hovertemplate": "%{y:.0f} kWh · %{customdata}<extra></extra>"},
        {"type": "bar", "x": x, "y": [round(n.kwh, 1) for n in data.nights], "name": t("lighting.measured", lang),
         "marker": {"color": KWH_HEX}, "customdata": cost,
         "hovertemplate": "%{y:.0f} kWh · %{customdata}<extra></extra>"},
    ]
    fig["layout"]["yaxis"] = {**fig["layout"]["yaxis"], "title": {"text": "kWh"}}
    return fig


def problems_chart(data: LightingNow, theme: Theme, lang: str) -> charts.Figure:
    """Lamps dark at night, burning by day, and not doing what they were told, per night."""
    fig = charts.base(t("lighting.chart.problems", lang), theme, charts.DAILY_TICKS, barmode="group")
    if not data.nights:
        return _empty(fig, theme, lang)
    x = [n.night.isoformat() for n in data.nights]
    fig["data"] = [
        {"type": "bar", "x": x, "y": [n.outages for n in data.nights], "name": t("lighting.outages", lang),
         "marker": {"color": OUTAGE_HEX}},
        {"type": "bar", "x": x, "y": [n.day_burners for n in data.nights], "name": t("lighting.day_burners", lang),
         "marker": {"color": BURNER_HEX}},
        {"type": "bar", "x": x, "y": [n.mismatches for n in data.nights], "name": t("lighting.mismatches", lang),
         "marker": {"color": MISMATCH_HEX}},
    ]
    return fig
