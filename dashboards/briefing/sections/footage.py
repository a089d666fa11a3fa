"""Camera footage extractions requested in the week by purpose and outcome: the register's counts
(:func:`pipelines.footage.queries.counts`, what /footage plots per month), aggregates only."""

from __future__ import annotations

from dashboards.briefing.scope import Scope
from dashboards.i18n import t
from dashboards.views.kpi_view import count
from pipelines.briefing.model import Cell, Figure, Section, Table
from pipelines.footage import queries
from pipelines.footage.workflow import OUTCOMES, PURPOSES

SHOWN_OUTCOMES = (*OUTCOMES, "pending", "refused")


def build(s: Scope) -> Section:
    lang = s.lang
    first, last = s.week.bounds(s.tz)
    with s.ioc.pool.connection() as conn:
        found = queries.counts(conn, s.ioc.settings.timezone, first.date(), last.date())
    if s.wards is not None:
        found = [r for r in found if r["ward_code"] in s.wards]
    page = s.link("/footage")
    total = sum(r["n"] for r in found)
    by_purpose = {p: sum(r["n"] for r in found if r["purpose"] == p) for p in PURPOSES}
    figures = [Figure("footage.total", t("briefing.footage.total", lang), count(total, lang), total, page)]
    figures += [Figure(f"footage.{p}", t(f"footage.purpose.{p}", lang), count(n, lang), n, page)
                for p, n in by_purpose.items()]
    grid = [[Cell(t(f"footage.outcome.{o}", lang))] +
            [Cell(count(sum(r["n"] for r in found if r["purpose"] == p and r["outcome"] == o), lang))
             for p in PURPOSES] for o in SHOWN_OUTCOMES]
    grid = [row for row in grid if any(c.text != "0" for c in row[1:])]
    return Section("footage", t("briefing.footage.title", lang), page, figures, [
        Table(t("briefing.footage.by_outcome", lang),
              [t("briefing.footage.outcome", lang), *(t(f"footage.purpose.{p}", lang) for p in PURPOSES)], grid,
              t("briefing.footage.none", lang))], [], t("briefing.footage.lead", lang, n=count(total, lang)))
