"""Counts by ward, topic and sentiment over the city's windows: 24 h back from now, and seven local days from
local midnight (Asia/Ho_Chi_Minh, UTC+7), so a post at 23:30 local eight days ago is out, one at 00:30 six days
ago is in, whatever UTC says. Checked on the query, the page's view model and the wall tile."""

from __future__ import annotations

import json
from datetime import timedelta

import psycopg
from psycopg_pool import ConnectionPool

from dashboards.context import IocContext
from dashboards.theme import theme_for
from dashboards.views import social as view
from dashboards.views import wall_social
from ioc.config import Settings
from pipelines.social import queries
from pipelines.social.demo import LABEL
from tests.social.support import CENTRE, NORTH, NOW, TZ, city, local


def _add(db: psycopg.Connection, n: int, at: object, ward: str | None, topic: str = "flooding",
         sentiment: str = "negative", reach: int = 100, synthetic: bool = False) -> None:
    db.execute("""INSERT INTO social_mentions (provider, source, url, published_at, topic, sentiment, reach, ward_code,
                                               ward_how, synthetic)
                  VALUES ('acme', 'facebook', 'https://x.vn/' || gen_random_uuid(), %s, %s, %s, %s, %s, %s, %s)""",
               [at, topic, sentiment, reach, ward, "unknown" if ward is None else "given", synthetic]) \
        if n == 1 else [_add(db, 1, at, ward, topic, sentiment, reach, synthetic) for _ in range(n)]


def _by(rows: list[dict[str, object]]) -> dict[tuple[object, ...], int]:
    return {(r["ward_code"], r["topic"], r["sentiment"]): int(r["n"]) for r in rows}  # type: ignore[call-overload]


def test_windows_are_local(db: psycopg.Connection) -> None:
    city(db)
    # NOW is 10:00 on 5 December, local; the 7-day window starts at 00:00 local on 29 November (17:00 UTC, 28 Nov)
    _add(db, 1, local(2026, 11, 29, 0, 30), NORTH)                      # in: 00:30 local = 17:30 UTC the day before
    _add(db, 1, local(2026, 11, 28, 23, 30), NORTH)                     # out: the local day before, though 16:30 UTC
    _add(db, 2, local(2026, 12, 4, 11, 0), CENTRE, "waste", "neutral")  # in both windows (23 h ago)
    _add(db, 1, local(2026, 12, 4, 9, 0), CENTRE, "waste", "positive")  # 25 h ago: 7 days only
    _add(db, 1, local(2026, 12, 5, 9, 0), None, "traffic")              # ward unknown
    _add(db, 1, local(2026, 12, 5, 11, 0), NORTH)                       # after now: never
    start = queries.window_start("7d", NOW, TZ)
    assert start == local(2026, 11, 29)
    week = _by(queries.counts(db, queries.MentionFilter(start, NOW)))
    assert week == {(NORTH, "flooding", "negative"): 1, (CENTRE, "waste", "neutral"): 2,
                    (CENTRE, "waste", "positive"): 1, (None, "traffic", "negative"): 1}
    day = _by(queries.counts(db, queries.MentionFilter(queries.window_start("24h", NOW, TZ), NOW)))
    assert day == {(CENTRE, "waste", "neutral"): 2, (None, "traffic", "negative"): 1}
    days = {(r["day"].isoformat(), r["sentiment"]): r["n"] for r in queries.daily(db, queries.MentionFilter(start, NOW),
                                                                                  TZ)}
    assert days == {("2026-11-29", "negative"): 1, ("2026-12-04", "neutral"): 2, ("2026-12-04", "positive"): 1,
                    ("2026-12-05", "negative"): 1}
    only_north = _by(queries.counts(db, queries.MentionFilter(start, NOW, [NORTH])))
    unknown = _by(queries.counts(db, queries.MentionFilter(start, NOW, unknown_ward=True)))
    assert (only_north, unknown) == ({(NORTH, "flooding", "negative"): 1}, {(None, "traffic", "negative"): 1})


def test_page_view_model_and_wall_tile(db: psycopg.Connection, pool: ConnectionPool, settings: Settings) -> None:
    city(db)
    _add(db, 3, NOW - timedelta(hours=2), NORTH, reach=9000, synthetic=True)
    _add(db, 1, NOW - timedelta(hours=3), CENTRE, "street_lighting", "neutral", synthetic=True)
    _add(db, 1, NOW - timedelta(days=3), CENTRE, "waste", synthetic=True)
    ioc = IocContext(settings, given=pool)
    seen = view.page(ioc, None, theme_for("light", "light"), "vi", view.Filters("7d"), NOW)
    bars = {tr["name"]: tr["x"] for tr in seen.topics["data"]}
    assert bars["Tiêu cực"] == [3, 1, 0, 0, 0, 0, 0] and bars["Trung tính"] == [0, 0, 0, 0, 0, 1, 0]
    days = {tr["name"]: tr["y"] for tr in seen.days["data"]}
    assert days["Tiêu cực"] == [0, 0, 0, 1, 0, 0, 3] and seen.synthetic
    text = json.dumps(seen.wards.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert "Phường Bắc Nha Trang" in text and "(−3)" in text
    listed = json.dumps(seen.mentions.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert LABEL in listed and "cần quyền xử lý phản ánh" in listed      # no principal: no button
    with pool.connection() as conn:
        summary = queries.summary(conn, NOW, None)
        scoped = queries.summary(conn, NOW, [CENTRE])
    assert (summary.total, summary.negative, summary.to_report, summary.top_topic) == (4, 3, 3, "flooding")
    assert (scoped.total, scoped.negative, scoped.to_report) == (1, 0, 0)
    made = wall_social.tile(summary, NOW, "vi")
    line = json.dumps([getattr(c, "children", c) for c in made.detail], ensure_ascii=False)
    assert (made.value, made.color, made.stale) == ("4", wall_social.ALERT_HEX, False) and LABEL == made.caption
    assert line.startswith('["mô phỏng"')
    assert "3 cần tạo phản ánh" in line and "Ngập nước (3)" in line
    late = wall_social.tile(summary, NOW + timedelta(hours=8), "en")
    assert late.stale and "ago" in late.caption
    assert wall_social.tile(queries.Summary(), NOW, "vi").unavailable
