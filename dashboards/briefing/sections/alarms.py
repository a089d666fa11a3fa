"""Alarms raised in the week per severity, and the critical ones with their time to resolve (/alarms shows each)."""

from __future__ import annotations

from datetime import timedelta

from dashboards.briefing.scope import Scope
from dashboards.i18n import t
from dashboards.views.kpi_view import count
from pipelines.alarms import weekly
from pipelines.briefing.model import Cell, Figure, Section, Table


def duration(d: timedelta | None, lang: str) -> str:
    if d is None:
        return t("briefing.alarms.still_open", lang)
    hours, rest = divmod(int(d.total_seconds()), 3600)
    if hours >= 24:
        return f"{hours // 24} {t('briefing.unit.days', lang)} {hours % 24} h"
    return f"{hours} h {rest // 60:02d} m"


def build(s: Scope) -> Section:
    lang = s.lang
    with s.ioc.pool.connection() as conn:
        per = weekly.raised(conn, s.start, s.end, s.wards)
        crit = weekly.critical(conn, s.start, s.end, s.wards)
    page = s.link("/alarms")
    figures = [Figure(f"alarms.{sev}", t(f"briefing.alarms.{sev}", lang), count(n, lang), n, page,
                      tone="bad" if sev == "critical" and n else "") for sev, n in per.items()]
    name = "name_en" if lang == "en" else "name_vi"
    rows = [[Cell(f"#{a['id']}", s.link("/alarms", alarm=a["id"])), Cell(a[name]), Cell(a["device_id"] or a["entity"]),
             Cell(a["raised_at"].astimezone(s.tz).strftime("%d/%m %H:%M")),
             Cell(duration(a["time_to_resolve"], lang), tone="bad" if a["time_to_resolve"] is None else "")]
            for a in crit]
    resolved = [a["time_to_resolve"] for a in crit if a["time_to_resolve"] is not None]
    mean = sum(resolved, timedelta()) / len(resolved) if resolved else None
    return Section("alarms", t("briefing.alarms.title", lang), page, figures, [
        Table(t("briefing.alarms.critical_list", lang),
              [t(f"briefing.alarms.col.{c}", lang) for c in ("alarm", "rule", "device", "raised", "resolve")], rows,
              t("briefing.alarms.none", lang))], [],
        t("briefing.alarms.lead", lang, n=count(per["critical"], lang),
          mean=duration(mean, lang) if mean is not None else "—"))
