"""A device's gap timeline (issue 16): one cell per hour, coloured by the readings stored ÷ expected in it.

Pure: the hours come from :func:`dashboards.queries.completeness.hourly_many`. Three renderings share the cells: a
mini strip of the last 24 h for each row of /devices, a large 24 h strip and a 7-day grid (a row per local day, a
column per local hour) for the selected device and its own page. Colours are classes (assets/ioc-timeline.css); every
cell says its hour and numbers on hover, so nothing rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dash import html

from dashboards import fmt
from dashboards.i18n import t
from dashboards.queries.completeness import FLAG_BELOW, Hour

Level = Literal["ok", "low", "poor", "gap", "none"]
LEVELS: tuple[Level, ...] = ("ok", "low", "poor", "gap", "none")
POOR_BELOW = 0.5


@dataclass(frozen=True)
class Cell:
    start: datetime        # the UTC hour
    stored: int
    expected: float

    @property
    def ratio(self) -> float | None:
        return min(1.0, self.stored / self.expected) if self.expected > 0 else None

    @property
    def level(self) -> Level:
        """ok ≥ 90 %; low under it; poor under half; gap: nothing of what was expected; none: nothing expected."""
        ratio = self.ratio
        if ratio is None:
            return "ok" if self.stored else "none"
        if self.stored == 0:
            return "gap"
        return "ok" if ratio >= FLAG_BELOW else "low" if ratio >= POOR_BELOW else "poor"


def cells(hours: Sequence[Hour]) -> list[Cell]:
    return [Cell(h, s, e) for h, s, e in hours]


def _title(cell: Cell, tz: ZoneInfo, lang: str) -> str:
    start = cell.start.astimezone(tz)
    span = f"{start:%d/%m %H:%M}–{start + timedelta(hours=1):%H:%M}"
    if cell.ratio is None:
        return f"{span} · {t('timeline.none', lang)}" + (f" · {cell.stored}" if cell.stored else "")
    counts = t("timeline.cell", lang, stored=fmt.number(cell.stored, lang), expected=fmt.number(cell.expected, lang, 1))
    return f"{span} · {counts} ({fmt.number(100 * cell.ratio, lang, 1)} %)"


def _cell(cell: Cell, tz: ZoneInfo, lang: str) -> html.Span:
    return html.Span(className=f"ioc-tl-cell ioc-tl-{cell.level}", title=_title(cell, tz, lang))


def gaps(found: Sequence[Cell]) -> int:
    return sum(c.level == "gap" for c in found)


def mini(found: Sequence[Cell], tz: ZoneInfo, lang: str) -> html.Div:
    """The last 24 h in a table cell: 24 slim cells, the oldest on the left."""
    last = list(found)[-24:]
    return html.Div([_cell(c, tz, lang) for c in last], className="ioc-tl ioc-tl-mini",
                    title=t("timeline.mini", lang, gaps=gaps(last)))


def strip(found: Sequence[Cell], tz: ZoneInfo, lang: str) -> html.Div:
    """The last 24 h, large, with the local hour under every third cell."""
    last = list(found)[-24:]
    marks = [html.Span(f"{c.start.astimezone(tz):%H}" if c.start.astimezone(tz).hour % 3 == 0 else "",
                       className="ioc-tl-mark") for c in last]
    return html.Div([html.Div([_cell(c, tz, lang) for c in last], className="ioc-tl ioc-tl-large"),
                     html.Div(marks, className="ioc-tl ioc-tl-marks")], className="ioc-tl-strip")


def week(found: Sequence[Cell], tz: ZoneInfo, lang: str, days: int = 7) -> html.Table:
    """A row per local day (the newest at the bottom), a column per local hour 00–23; hours not come yet are blank."""
    by_day: dict[str, dict[int, Cell]] = {}
    for c in found:
        local = c.start.astimezone(tz)
        by_day.setdefault(f"{local:%Y-%m-%d}", {})[local.hour] = c
    shown = sorted(by_day)[-days:]
    head = html.Tr([html.Th("")] + [html.Th(f"{h:02d}" if h % 3 == 0 else "", className="ioc-tl-hour")
                                    for h in range(24)])
    body = []
    for day in shown:
        label = fmt.local_time(datetime.fromisoformat(day).replace(tzinfo=tz), tz, lang, "EEE dd/MM")
        row = [html.Td(_cell(by_day[day][h], tz, lang) if h in by_day[day] else html.Span(className="ioc-tl-cell"))
               for h in range(24)]
        body.append(html.Tr([html.Th(label, className="ioc-tl-day"), *row]))
    return html.Table([html.Thead(head), html.Tbody(body)], className="ioc-tl-week")


def legend(lang: str) -> html.Div:
    return html.Div([html.Span([html.Span(className=f"ioc-tl-cell ioc-tl-{lv}"), t(f"timeline.level.{lv}", lang)],
                               className="ioc-tl-key") for lv in LEVELS], className="ioc-tl-legend")
