"""The /social page's view model: counts by topic × sentiment (chart), per ward (table), mentions per local day
(chart), the newest mentions with their actions, and the totals over 24 h and 7 days.

:func:`page` reads (through :mod:`pipelines.social.queries`) and builds; the rest are pure functions of rows.
The "create field report" button is offered on a negative, high-reach mention in a known ward, to a caller who may
handle reports; a mention that has its report shows a link to it instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from dashboards import fmt
from dashboards.context import IocContext
from dashboards.i18n import t
from dashboards.theme import Theme
from ioc.security import roles
from ioc.security.principal import Principal
from pipelines.social import queries
from pipelines.social.demo import LABEL
from pipelines.social.model import SENTIMENTS, TOPICS, reportable

SENTIMENT_HEX: Final = {"negative": "#dc2626", "neutral": "#94a3b8", "positive": "#16a34a"}
UNKNOWN: Final = "_unknown"           # the ward filter's value for mentions no ward could be found for
LISTED: Final = 40


@dataclass(frozen=True)
class Filters:
    window: str = "24h"
    ward: str | None = None              # a code, UNKNOWN, or None: all
    topic: str | None = None
    sentiment: str | None = None
    min_reach: int = 0

    def where(self, now: datetime, tz: ZoneInfo, window: str | None = None) -> queries.MentionFilter:
        start = queries.window_start(window or self.window, now, tz)
        wards = None if self.ward in (None, UNKNOWN) else [self.ward]
        return queries.MentionFilter(start, now, wards, self.topic, self.sentiment, max(0, self.min_reach),
                                     self.ward == UNKNOWN)


@dataclass(frozen=True)
class SocialView:
    totals: Any           # 24 h and 7 days: mentions and negative ones
    topics: Any           # plotly figure: topic × sentiment over the window
    days: Any             # plotly figure: mentions per local day by sentiment, 7 days
    wards: Any            # html table: per ward, topic (negative)
    mentions: Any         # html table: the newest mentions with their actions
    synthetic: bool       # any synthetic mention shown: the page says so


def topic_figure(rows: list[dict[str, Any]], theme: Theme, lang: str, window: str) -> dict[str, Any]:
    by: dict[str, dict[str, int]] = {s: defaultdict(int) for s in SENTIMENTS}
    for r in rows:
        by[r["sentiment"]][r["topic"]] += int(r["n"])
    names = [t(f"social.topic.{k}", lang) for k in TOPICS]
    data = [{"type": "bar", "orientation": "h", "name": t(f"social.sentiment.{s}", lang), "y": names,
             "x": [by[s].get(k, 0) for k in TOPICS], "marker": {"color": SENTIMENT_HEX[s]},
             "hovertemplate": "%{y}: %{x}<extra>" + t(f"social.sentiment.{s}", lang) + "</extra>"}
            for s in SENTIMENTS]
    title = f"{t('social.chart.topics', lang)} · {t(f'social.window.{window}', lang)}"
    layout = theme.plot_layout(title={"text": title, "x": 0.01, "xanchor": "left"}, barmode="stack", height=380,
                               legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
                               margin={"l": 150, "r": 16, "t": 72, "b": 40})
    layout["yaxis"] = {**layout["yaxis"], "autorange": "reversed", "automargin": True}
    return {"data": data, "layout": layout}


def day_figure(rows: list[dict[str, Any]], first: date, theme: Theme, lang: str) -> dict[str, Any]:
    days = [first + timedelta(days=i) for i in range(7)]
    by: dict[str, dict[date, int]] = {s: defaultdict(int) for s in SENTIMENTS}
    for r in rows:
        by[r["sentiment"]][r["day"]] += int(r["n"])
    data = [{"type": "bar", "name": t(f"social.sentiment.{s}", lang), "x": [d.isoformat() for d in days],
             "y": [by[s].get(d, 0) for d in days], "marker": {"color": SENTIMENT_HEX[s]},
             "hovertemplate": "%{x|%d/%m}: %{y}<extra>" + t(f"social.sentiment.{s}", lang) + "</extra>"}
            for s in SENTIMENTS]
    layout = theme.plot_layout(title={"text": t("social.chart.days", lang), "x": 0.01, "xanchor": "left"},
                               barmode="stack", height=380, bargap=0.25,
                               legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
                               margin={"l": 56, "r": 16, "t": 72, "b": 48})
    layout["xaxis"] = {**layout["xaxis"], "type": "date", "tickformat": "%d/%m", "dtick": 86_400_000}
    return {"data": data, "layout": layout}


def ward_table(rows: list[dict[str, Any]], lang: str) -> Any:
    """One row per ward (unknown last): mentions per topic, the negative ones beside them in red."""
    if not rows:
        return html.P(t("social.none", lang), className="text-body-secondary")
    cells: dict[str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    names: dict[str | None, str] = {}
    for r in rows:
        cell = cells[r["ward_code"]][r["topic"]]
        cell[0] += int(r["n"])
        cell[1] += int(r["n"]) if r["sentiment"] == "negative" else 0
        names[r["ward_code"]] = r["ward_name"] or r["ward_code"] or t("social.ward.unknown", lang)
    head = html.Thead(html.Tr([html.Th(t("social.col.ward", lang)),
                               *[html.Th(t(f"social.topic.{k}", lang), className="text-end") for k in TOPICS],
                               html.Th(t("social.total_col", lang), className="text-end")]))
    body = []
    for code in sorted(cells, key=lambda c: (c is None, names[c])):
        row = cells[code]
        total, negative = sum(v[0] for v in row.values()), sum(v[1] for v in row.values())
        body.append(html.Tr([html.Td(names[code]), *[html.Td(_count(row[k], lang), className="text-end")
                                                      for k in TOPICS],
                             html.Td(_count([total, negative], lang), className="text-end fw-bold")]))
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="ioc-social-wards")


def _count(cell: list[int], lang: str) -> Any:
    if not cell[0]:
        return "·"
    negative = html.Span(f" (−{fmt.number(cell[1], lang)})", className="ioc-social-neg") if cell[1] else ""
    return [fmt.number(cell[0], lang), negative]


def action(row: dict[str, Any], may_handle: bool, high_reach: int, lang: str) -> Any:
    if row["report_id"] is not None:
        return html.A(t("social.report_link", lang, id=row["report_id"]),
                      href=f"/reports?report={row['report_id']}&lang={lang}", className="ioc-social-report")
    if not reportable(row["sentiment"], int(row["reach"]), row["ward_code"], high_reach):
        return ""
    if not may_handle:
        return html.Span(t("social.needs_handle", lang), className="text-body-secondary small")
    return dbc.Button(t("social.create_report", lang), id={"type": "social-report", "index": int(row["id"])},
                      color="danger", size="sm", className="text-nowrap")


def mention_table(rows: list[dict[str, Any]], tz: ZoneInfo, lang: str, may_handle: bool, high_reach: int) -> Any:
    if not rows:
        return html.P(t("social.none", lang), className="text-body-secondary")
    cols = ("time", "source", "ward", "topic", "sentiment", "reach", "summary", "action")
    head = html.Thead(html.Tr([html.Th(t(f"social.col.{c}", lang)) for c in cols]))
    body = []
    for r in rows:
        ward = r["ward_name"] or r["ward_code"] or t("social.ward.unknown", lang)
        if r["ward_how"] == "point":
            ward = f"{ward} ({t('social.ward_how.point', lang)})"
        summary: list[Any] = [html.Span(LABEL, className="badge text-bg-warning me-1")] if r["synthetic"] else []
        summary += [r["summary"] or "—", " ", html.A(t("social.open_post", lang), href=r["url"], target="_blank",
                                                   rel="noopener noreferrer nofollow")]
        body.append(html.Tr([
            html.Td(fmt.local_time(r["published_at"], tz, lang, "HH:mm dd/MM"), className="text-nowrap"),
            html.Td(r["source"]), html.Td(ward), html.Td(t(f"social.topic.{r['topic']}", lang)),
            html.Td(html.Span(t(f"social.sentiment.{r['sentiment']}", lang), className="badge",
                              style={"backgroundColor": SENTIMENT_HEX[r["sentiment"]]})),
            html.Td(fmt.number(int(r["reach"]), lang), className="text-end"), html.Td(summary, className="small"),
            html.Td(action(r, may_handle, high_reach, lang))], id={"type": "social-row", "index": int(r["id"])}))
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="ioc-social-list")


def totals(day: list[dict[str, Any]], week: list[dict[str, Any]], lang: str) -> Any:
    def one(window: str, rows: list[dict[str, Any]]) -> Any:
        n = sum(int(r["n"]) for r in rows)
        negative = sum(int(r["n"]) for r in rows if r["sentiment"] == "negative")
        return html.Div([html.Div(t(f"social.window.{window}", lang), className="ioc-social-total-label"),
                         html.Div(fmt.number(n, lang), className="ioc-social-total-value"),
                         html.Div(t("social.tile.negative", lang, n=fmt.number(negative, lang)),
                                  className="ioc-social-neg")], className="ioc-panel ioc-social-total")
    return [one("24h", day), one("7d", week)]


def page(ioc: IocContext, who: Principal | None, theme: Theme, lang: str, filters: Filters,
         now: datetime) -> SocialView:
    tz, high = ioc.settings.tz, ioc.settings.social_high_reach
    where = filters.where(now, tz)
    week = filters.where(now, tz, "7d")
    with ioc.read_pool.connection() as conn:
        counted = queries.counts(conn, where)
        day_rows = counted if filters.window == "24h" else queries.counts(conn, filters.where(now, tz, "24h"))
        week_rows = counted if filters.window == "7d" else queries.counts(conn, week)
        daily = queries.daily(conn, week, tz)
        listed = queries.listing(conn, where, LISTED)
    may_handle = who is not None and who.may(roles.REPORTS_HANDLE)
    return SocialView(totals(day_rows, week_rows, lang), topic_figure(counted, theme, lang, filters.window),
                      day_figure(daily, week.start.astimezone(tz).date(), theme, lang), ward_table(counted, lang),
                      mention_table(listed, tz, lang, may_handle, high), any(r["synthetic"] for r in listed))


def ward_section(ioc: IocContext, code: str, lang: str, now: datetime) -> Any:
    """The ward page's section: per topic, mentions (negative) over 24 h and over 7 days, and a link to /social."""
    tz = ioc.settings.tz
    with ioc.read_pool.connection() as conn:
        found = {w: queries.counts(conn, Filters(w, code).where(now, tz)) for w in queries.WINDOWS}
    link = html.A(t("social.more", lang), href=f"/social?ward={code}&lang={lang}")
    if not any(found.values()):
        return [html.P(t("social.none", lang), className="text-body-secondary"), link]
    cells: dict[str, dict[str, list[int]]] = {w: defaultdict(lambda: [0, 0]) for w in queries.WINDOWS}
    for w, rows in found.items():
        for r in rows:
            cells[w][r["topic"]][0] += int(r["n"])
            cells[w][r["topic"]][1] += int(r["n"]) if r["sentiment"] == "negative" else 0
    head = html.Thead(html.Tr([html.Th(t("social.col.topic", lang)), *[
        html.Th(t(f"social.window.{w}", lang), className="text-end") for w in queries.WINDOWS]]))
    body = [html.Tr([html.Td(t(f"social.topic.{k}", lang)),
                     *[html.Td(_count(cells[w][k], lang), className="text-end") for w in queries.WINDOWS]])
            for k in TOPICS if any(cells[w][k][0] for w in queries.WINDOWS)]
    label = [html.Span(LABEL, className="badge text-bg-warning")] \
        if any(r["synthetic"] for rows in found.values() for r in rows) else []
    return [*label, dbc.Table([head, html.Tbody(body)], size="sm", className="ioc-social-ward"), link]
