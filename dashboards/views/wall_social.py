"""The wall's social listening tile: mentions of the scene over the last 24 hours, how many were negative, how many
negative, high-reach, local ones have no field report yet (the number turns red for those: someone should look)
and the most talked-about negative topic. Pure: a function of :class:`pipelines.social.queries.Summary`.

The feed is quiet at night, but never for hours: past :data:`FRESH_S` without any new mention anywhere the tile
greys out with its age, as every wall tile does. A synthetic feed (the demo) says so on the tile."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from dash import html

from dashboards import fmt
from dashboards.components import Tile
from dashboards.i18n import t
from pipelines.social.demo import LABEL
from pipelines.social.queries import Summary

KEY: Final = "social"
FRESH_S: Final = 6 * 3600
ALERT_HEX: Final = "#b91c1c"


def tile(summary: Summary, now: datetime, lang: str) -> Tile:
    """One line on the wall (the side column has no height to spare): the count, then what needs someone, then
    the label of a synthetic feed and the age of a stale one."""
    title = t("wall.tile.social", lang)
    if summary.last_at is None:
        return Tile(KEY, title, fmt.BLANK, [t("social.tile.none", lang)], unavailable=True)
    age = (now - summary.last_at).total_seconds()
    stale = age > FRESH_S
    # a synthetic feed says so first, short (the /social page spells out "dữ liệu mô phỏng / synthetic")
    line: list[Any] = [html.Span(t("social.tile.synthetic_short", lang), className="ioc-social-label"), " "] \
        if summary.synthetic else []
    line.append(html.Span(t("social.tile.negative", lang, n=fmt.number(summary.negative, lang)),
                          className="ioc-social-neg"))
    if summary.to_report:
        line += [" · ", html.Span(t("social.tile.to_report", lang, n=fmt.number(summary.to_report, lang)),
                                  className="ioc-social-to-report")]
    if summary.top_topic:
        line += [" · ", t("social.tile.top", lang, topic=t(f"social.topic.{summary.top_topic}", lang),
                          n=fmt.number(summary.top_topic_n, lang))]
    caption = t("common.as_of", lang, age=fmt.age(age, lang)) if stale else (
        LABEL if summary.synthetic else t("social.tile.caption", lang))
    if stale:
        line += [" · ", caption]
    return Tile(KEY, title, fmt.number(summary.total, lang), line, caption, stale=stale,
                color=ALERT_HEX if summary.to_report else None, text_color="#ffffff")
