"""Data availability per network (cameras, wifi, environment) over the 7 days before the briefing, as /devices
computes it (:func:`dashboards.queries.completeness.for_devices` grouped per kind), and the devices down longest."""

from __future__ import annotations

from dashboards.briefing import charts
from dashboards.briefing.queries import down_longest
from dashboards.briefing.scope import Scope
from dashboards.i18n import t
from dashboards.queries import completeness
from dashboards.views.kpi_view import pct
from pipelines.briefing.model import Cell, Chart, Figure, Section, Table

KINDS = ("camera", "wifi", "env")
SPAN = "7d"


def per_kind(s: Scope) -> dict[str, float | None]:
    rows = completeness.for_devices(s.ioc.pool, completeness.SPANS[SPAN], ward=s.ward)
    if s.wards is not None:
        rows = [r for r in rows if r["ward_code"] in s.wards]
    found = {g.key: g.ratio for g in completeness.grouped(rows, "kind")}
    return {k: found.get(k) for k in KINDS}


def build(s: Scope) -> Section:
    lang = s.lang
    ratios = per_kind(s)
    page = s.link("/devices")
    figures = [Figure(f"availability.{k}", t(f"kind.{k}", lang), pct(v, lang), v, s.link("/devices", kind=k),
                      t("briefing.availability.span", lang),
                      "" if v is None else "good" if v >= completeness.FLAG_BELOW else "bad")
               for k, v in ratios.items()]
    down = down_longest(s.ioc.pool, s.wards)
    rows = [[Cell(f"{d['name']} · {d['device_id']}", s.link(f"/devices/{d['device_id']}")),
             Cell(t(f"kind.{d['kind']}", lang)),
             Cell(t(f"state.{d['state']}", lang), tone="bad"),
             Cell(d["last_data_at"].astimezone(s.tz).strftime("%d/%m %H:%M") if d["last_data_at"] else "—")]
            for d in down]
    chart = charts.hbars([t(f"kind.{k}", lang) for k in KINDS],
                         {t("briefing.availability.share", lang): [100 * (v or 0) for v in ratios.values()]},
                         ["#047857"], limit=100, line=100 * completeness.FLAG_BELOW)
    return Section("availability", t("briefing.availability.title", lang), page, figures, [
        Table(t("briefing.availability.down", lang),
              [t(f"briefing.availability.col.{c}", lang) for c in ("device", "kind", "state", "last")], rows,
              t("briefing.availability.none_down", lang))],
        [Chart(t("briefing.availability.chart", lang), chart)],
        t("briefing.availability.lead", lang, down=len(down)))
