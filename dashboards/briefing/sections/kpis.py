"""KPIs against target with trend and forecast, the wards that moved most in the ranking, and the indicators off
target with their cause (the ward pulling them down, linked to its drill-down page).

Numbers come from :func:`pipelines.kpis.summary.summarize` and :func:`ward_ranking` over the year that holds the
week, judged at the week's end: exactly what ``kpi_page.render`` (the /kpis page) computes for that moment.
"""

from __future__ import annotations

import pandas as pd

from dashboards.briefing import charts
from dashboards.briefing.scope import Scope
from dashboards.i18n import t
from dashboards.queries import kpis as q
from dashboards.views.kpi_view import STATUS_COLORS, count, pct, target_text
from pipelines.briefing.model import Cell, Chart, Figure, Section, Table
from pipelines.kpis import periods
from pipelines.kpis.compute import Computed
from pipelines.kpis.indicators import BY_KEY, HEADLINE
from pipelines.kpis.summary import KpiLine, Summary, summarize, ward_ranking

TONES = {"on_track": "good", "at_risk": "warn", "off_track": "bad"}
MOVERS = 5


def period_of(s: Scope) -> str:
    """The year that holds the week's last moment: /kpis's default period, so the link opens what is quoted."""
    return str((s.end - pd.Timedelta(seconds=1)).astimezone(s.tz).year)


def summaries(s: Scope) -> tuple[Computed, Summary, Summary | None, pd.DataFrame, pd.DataFrame | None]:
    """(computation at the week's end; summary at the end, at its start; ranking of the headline KPI at the end, at
    the start)."""
    period = periods.parse(period_of(s))
    now, before = q.computed(s.ioc.pool, period, s.end, s.tz), None
    if s.start > period.bounds(s.tz)[0]:
        before = q.computed(s.ioc.pool, period, s.start, s.tz)
    province = _province(now.inputs.wards, s)
    return (now, summarize(now, s.scope), summarize(before, s.scope) if before else None,
            ward_ranking(now, HEADLINE[0], province), ward_ranking(before, HEADLINE[0], province) if before else None)


def _province(wards: pd.DataFrame, s: Scope) -> str | None:
    """The ranking's scope as the page takes it: the ward's province for one ward."""
    if s.scope is None:
        return None
    row = wards[wards["code"] == s.scope]
    return str(row["province"].iloc[0]) if len(row) else s.scope


def _delta(line: KpiLine, before: Summary | None) -> float | None:
    if before is None:
        return None
    old = before.line(line.key).ratio.value
    return None if old is None or line.ratio.value is None else line.ratio.value - old


def _note(line: KpiLine, delta: float | None, s: Scope) -> str:
    parts = [target_text(line, s.lang)]
    if delta is not None:
        points = round(100 * delta, 1) + 0.0     # + 0.0: a -0.04 point change reads +0,0, not -0,0
        text = f"{points:+.1f}"
        parts.append(t("briefing.kpis.delta", s.lang, points=text.replace(".", ",") if s.lang == "vi" else text))
    if line.forecast is not None:
        parts.append(t("briefing.kpis.forecast", s.lang, value=pct(line.forecast.value, s.lang)))
    return " · ".join(parts)


def build(s: Scope) -> Section:
    comp, summary, before, ranking, ranking_before = summaries(s)
    period = period_of(s)
    figures = []
    for key in HEADLINE:
        line = summary.line(key)
        figures.append(Figure(f"kpi.{key}", line.indicator.name(s.lang), pct(line.ratio.value, s.lang),
                              line.ratio.value, s.link("/kpis", period=period, scope=s.scope, kpi=key),
                              _note(line, _delta(line, before), s), TONES.get(line.status or "", "")))
    off = [line for line in summary.lines if line.status == "off_track"]
    chart = charts.kpi_bars([summary.line(k) for k in HEADLINE], s.lang, STATUS_COLORS)
    return Section("kpis", t("briefing.kpis.title", s.lang, period=period), s.link("/kpis", period=period,
                                                                                   scope=s.scope),
                   figures, [_movers(ranking, ranking_before, s, period), _off_target(comp, off, s, period)],
                   [Chart(t("briefing.kpis.chart", s.lang), chart)],
                   t("briefing.kpis.lead", s.lang, off=len(off), total=len(summary.lines)))


def _movers(now: pd.DataFrame, before: pd.DataFrame | None, s: Scope, period: str) -> Table:
    cols = [t(f"briefing.kpis.movers.{c}", s.lang) for c in ("ward", "rank", "move", "value")]
    title = t("briefing.kpis.movers", s.lang, kpi=summarize_name(s))
    if before is None or now.empty:
        return Table(title, cols, [], t("briefing.kpis.movers.none", s.lang))
    old = {c: i + 1 for i, c in enumerate(before["code"])}
    moved = [(old[r.code] - (i + 1), i + 1, r) for i, r in enumerate(now.itertuples(index=False)) if r.code in old]
    moved = sorted((m for m in moved if m[0] != 0), key=lambda m: (-abs(m[0]), m[1]))[:MOVERS]
    rows = [[Cell(r.name, s.link(f"/kpis/ward/{r.code}", period=period)), Cell(str(rank)),
             Cell(f"{'▲' if d > 0 else '▼'} {abs(d)}", tone="good" if d > 0 else "bad"), Cell(pct(r.value, s.lang))]
            for d, rank, r in moved]
    return Table(title, cols, rows, t("briefing.kpis.movers.none", s.lang))


def summarize_name(s: Scope) -> str:
    return BY_KEY[HEADLINE[0]].name(s.lang)


def _off_target(comp: Computed, off: list[KpiLine], s: Scope, period: str) -> Table:
    """Each KPI off target with its cause: the ward of the scope with the worst value (its drill-down page)."""
    cols = [t(f"briefing.kpis.off.{c}", s.lang) for c in ("kpi", "value", "target", "cause_col")]
    rows = []
    for line in off:
        worst = ward_ranking(comp, line.key, _province(comp.inputs.wards, s)).dropna(subset=["value"])
        cause = Cell(t("briefing.kpis.off.no_ward", s.lang))
        if len(worst):
            w = worst.iloc[-1]
            cause = Cell(t("briefing.kpis.off.cause", s.lang, ward=w["name"], value=pct(w["value"], s.lang),
                           n=count(w["denominator"], s.lang)), s.link(f"/kpis/ward/{w['code']}", period=period))
        rows.append([Cell(line.indicator.name(s.lang), s.link("/kpis", period=period, scope=s.scope, kpi=line.key)),
                     Cell(pct(line.ratio.value, s.lang), tone="bad"), Cell(target_text(line, s.lang)), cause])
    return Table(t("briefing.kpis.off", s.lang), cols, rows, t("briefing.kpis.off.none", s.lang))
