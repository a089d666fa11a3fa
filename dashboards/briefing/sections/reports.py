"""Field reports: received, handled and on time in the week; open and overdue now per department (the totals are
the wall's and the ward page's tiles, :func:`dashboards.queries.report_counts.counts`); the oldest open ones."""

from __future__ import annotations

from dashboards.briefing import charts
from dashboards.briefing.scope import Scope
from dashboards.i18n import t
from dashboards.queries import report_counts
from dashboards.views.kpi_view import count, pct
from pipelines.briefing.model import Cell, Chart, Figure, Section, Table
from pipelines.reports import weekly


def build(s: Scope) -> Section:
    pool, lang = s.ioc.pool, s.lang
    wk = weekly.week(pool, s.start, s.end, s.wards)
    now = report_counts.counts(pool, s.now, s.tz, s.wards)
    page = s.link("/reports")
    tiles = s.link(f"/ward/{s.ward}") if s.ward else s.link("/wall", area=s.scope) if s.scope else s.link("/wall")
    figures = [
        Figure("reports.received", t("briefing.reports.received", lang), count(wk.received, lang), wk.received, page),
        Figure("reports.handled", t("briefing.reports.handled", lang), count(wk.handled, lang), wk.handled, page),
        Figure("reports.on_time", t("briefing.reports.on_time", lang), pct(wk.on_time_share, lang),
               wk.on_time_share, page, t("briefing.reports.on_time_of", lang, n=count(wk.on_time, lang),
                                         of=count(wk.handled, lang))),
        Figure("reports.open", t("briefing.reports.open", lang), count(now.open, lang), now.open, tiles),
        Figure("reports.overdue", t("briefing.reports.overdue", lang), count(now.overdue, lang), now.overdue, tiles,
               tone="bad" if now.overdue else "good"),
    ]
    depts = weekly.by_department(pool, s.now, s.wards)
    name = "name_en" if lang == "en" else "name_vi"
    dept_rows = [[Cell(d[name] or t("briefing.reports.unassigned", lang)), Cell(count(d["open"], lang)),
                  Cell(count(d["overdue"], lang), tone="bad" if d["overdue"] else "")] for d in depts]
    oldest = [[Cell(f"#{r['id']}", s.link("/reports", report=r["id"])), Cell(r[name]),
               Cell(r["submitted_at"].astimezone(s.tz).strftime("%d/%m/%Y")),
               Cell(str((s.now - r["submitted_at"]).days))] for r in weekly.oldest_open(pool, s.wards)]
    chart = charts.hbars([d[name] or t("briefing.reports.unassigned", lang) for d in depts],
                         {t("briefing.reports.in_time", lang): [d["open"] - d["overdue"] for d in depts],
                          t("briefing.reports.overdue", lang): [d["overdue"] for d in depts]},
                         ["#0369a1", "#be123c"])
    return Section("reports", t("briefing.reports.title", lang), page, figures, [
        Table(t("briefing.reports.by_department", lang),
              [t(f"briefing.reports.col.{c}", lang) for c in ("department", "open", "overdue")], dept_rows,
              t("briefing.reports.none_open", lang)),
        Table(t("briefing.reports.oldest", lang),
              [t(f"briefing.reports.col.{c}", lang) for c in ("report", "category", "received", "age")], oldest,
              t("briefing.reports.none_open", lang))],
        [Chart(t("briefing.reports.by_department", lang), chart)] if depts else [],
        t("briefing.reports.lead", lang, received=count(wk.received, lang), handled=count(wk.handled, lang),
          overdue=count(now.overdue, lang)))
