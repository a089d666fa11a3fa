"""Incidents of the week (confirmed or resolved; suggestions nobody judged are not incidents) with their time to
resolve; each row links to its page, /incidents/<id>, and the totals to /incidents."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from dashboards.briefing.scope import Scope
from dashboards.briefing.sections.alarms import duration
from dashboards.i18n import t
from dashboards.views.kpi_view import count
from pipelines.briefing.model import Cell, Figure, Section, Table
from pipelines.incidents import summary

COLUMNS = ("incident", "type", "severity", "opened", "resolve")


def build(s: Scope) -> Section:
    lang = s.lang
    with s.ioc.pool.connection() as conn:
        found = summary.week(conn, s.start, s.end, s.wards)
    page = s.link("/incidents")
    times = [i.time_to_resolve for i in found if i.time_to_resolve is not None]
    typical = timedelta(seconds=median(d.total_seconds() for d in times)) if times else None
    still_open = len(found) - len(times)
    figures = [Figure("incidents.total", t("briefing.incidents.total", lang), count(len(found), lang), len(found), page),
               Figure("incidents.open", t("briefing.incidents.open", lang), count(still_open, lang), still_open, page,
                      tone="bad" if still_open else "")]
    rows = [[Cell(f"#{i.id}", s.link(i.url_path)), Cell(i.type_name_en if lang == "en" else i.type_name_vi),
             Cell(t(f"alarms.severity.{i.severity}", lang)),
             Cell(i.opened_at.astimezone(s.tz).strftime("%d/%m %H:%M")),
             Cell(duration(i.time_to_resolve, lang), tone="bad" if i.time_to_resolve is None else "")] for i in found]
    return Section("incidents", t("briefing.incidents.title", lang), page, figures, [
        Table(t("briefing.incidents.list", lang), [t(f"briefing.incidents.col.{c}", lang) for c in COLUMNS], rows,
              t("briefing.incidents.none", lang))], [],
        t("briefing.incidents.lead", lang, n=count(len(found), lang),
          typical=duration(typical, lang) if typical is not None else "—"))
