"""What the /kpis page shows for a state (period, scope, KPI, language): the functions its callbacks call.

``render`` is a plain function of the app context, so tests call it without a browser and compare its cards with
``ioc kpis summary --json``; both come from :func:`pipelines.kpis.summary.summarize`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashboards import context
from dashboards.i18n import norm_lang, t
from dashboards.queries import kpis as q
from dashboards.theme import LIGHT
from dashboards.views import kpi_766, kpi_charts, kpi_view
from pipelines.kpis import periods
from pipelines.kpis.decision766.score import Score
from pipelines.kpis.indicators import BY_KEY, HEADLINE
from pipelines.kpis.summary import Summary, summarize, ward_ranking


@dataclass(frozen=True)
class ViewState:
    period: str
    scope: str | None      # None: every ward; a province name; a ward code
    kpi: str
    lang: str

    @classmethod
    def of(cls, period: object, scope: object, kpi: object, lang: object, default_period: str) -> ViewState:
        text = str(period or default_period)
        try:
            periods.parse(text)
        except periods.PeriodError:
            text = default_period
        key = str(kpi) if kpi in BY_KEY else HEADLINE[0]
        return cls(text, str(scope) if scope not in (None, "", "*") else None, key, norm_lang(lang))

    def query(self, **extra: Any) -> dict[str, Any]:
        return {"period": self.period, "scope": self.scope, "kpi": self.kpi, "lang": self.lang, **extra}


@dataclass(frozen=True)
class Rendered:
    summary: Summary
    subtitle: str
    cards: list[Any]
    trend: Any
    map: Any
    map_caption: str
    ranking: Any
    others: Any
    decision766: Any = None     # the Decision 766 section (dashboards/views/kpi_766.py)
    score766: Score | None = None   # its score (the PNG/PDF export shows the total, coverage and groups)


def default_period(now: datetime, tz: Any) -> str:
    return str(now.astimezone(tz).year)


def render(ioc: context.IocContext, state: ViewState, now: datetime) -> Rendered:
    tz, lang = ioc.settings.tz, state.lang
    comp = q.computed(ioc.read_pool, periods.parse(state.period), now, tz)
    scope = state.scope if _known(comp.inputs.wards, state.scope) else None
    summary = summarize(comp, scope)
    line = summary.line(state.kpi)
    codes, province = kpi_charts.map_wards(comp.inputs.wards, scope)
    ranking = ward_ranking(comp, state.kpi, province if scope else None)
    shapes = q.ward_shapes(ioc.read_pool, now.astimezone(tz).date())
    shapes = shapes[shapes["code"].isin(codes)]
    caption = t("kpis.map_caption", lang, province=province or "—", kpi=line.indicator.name(lang))
    score = q.score_766(ioc.read_pool, comp, scope)
    return Rendered(summary, kpi_766.subtitle(kpi_view.subtitle(summary, lang, tz), score, lang),
                    kpi_view.cards(summary, lang, state.kpi),
                    kpi_charts.trend_figure(comp, line, scope, LIGHT, lang),
                    kpi_charts.map_figure(shapes, ranking[ranking["code"].isin(codes)], line.indicator.name(lang),
                                          LIGHT, lang,
                                          ioc.settings.tiles_url),
                    caption, kpi_view.ranking_table(ranking, lang, state.period),
                    kpi_view.others_table(summary, lang),
                    kpi_766.section(score, summary.level_mix, LIGHT, lang, state.period), score)


def _known(wards: Any, scope: str | None) -> bool:
    return scope is None or scope in set(wards["code"]) or scope in set(wards["province"])


def scope_options(wards: Any, lang: str) -> list[dict[str, str]]:
    """Every ward, each province, then each ward (by province and name)."""
    out = [{"label": t("kpis.all_wards", lang), "value": "*"}]
    for province, group in wards.groupby("province", sort=True):
        out.append({"label": f"{province} ({len(group)})", "value": str(province)})
        out += [{"label": f"  · {w.name}", "value": w.code} for w in group.sort_values("name").itertuples()]
    return out


def period_options(ioc: context.IocContext, now: datetime) -> list[dict[str, str]]:
    tz = ioc.settings.tz
    years = q.years_with_data(ioc.read_pool, tz, now)
    return [{"label": p.label, "value": p.label} for p in q.period_choices(years, now, tz)]


def kpi_options(lang: str) -> list[dict[str, str]]:
    return [{"label": i.name(lang), "value": i.key} for i in BY_KEY.values()]
