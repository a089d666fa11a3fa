"""Reading the mentions: counts by ward, topic and sentiment over a window, the daily series, the listing with its
filters, and the wall tile's summary. Every function takes a connection and returns plain rows.

Windows are the city's (docs/social.md): ``24h`` is the last 24 hours; ``7d`` is the last seven local days, today
included, starting at local midnight (Asia/Ho_Chi_Minh), as the daily chart's bars are local days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from pipelines.social.model import HIGH_REACH

WINDOWS: Final = ("24h", "7d")


def window_start(window: str, now: datetime, tz: ZoneInfo) -> datetime:
    if window == "24h":
        return now - timedelta(hours=24)
    if window == "7d":
        first = now.astimezone(tz).date() - timedelta(days=6)
        return datetime.combine(first, time(0), tz)
    raise ValueError(f"unknown window {window!r}; expected one of {', '.join(WINDOWS)}")


@dataclass(frozen=True)
class MentionFilter:
    start: datetime
    end: datetime
    wards: Sequence[str] | None = None      # None: everywhere (unknown ward included)
    topic: str | None = None
    sentiment: str | None = None
    min_reach: int = 0
    unknown_ward: bool = False               # only the mentions no ward could be found for

    def params(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "wards": list(self.wards) if self.wards is not None else None,
                "topic": self.topic, "sentiment": self.sentiment, "min_reach": self.min_reach,
                "unknown": self.unknown_ward}


_WHERE = sql.SQL("""m.published_at >= %(start)s AND m.published_at < %(end)s
    AND (%(wards)s::text[] IS NULL OR m.ward_code = ANY(%(wards)s::text[]))
    AND (%(topic)s::text IS NULL OR m.topic = %(topic)s)
    AND (%(sentiment)s::text IS NULL OR m.sentiment = %(sentiment)s)
    AND m.reach >= %(min_reach)s AND (NOT %(unknown)s OR m.ward_code IS NULL)""")
_WARD_NAME = sql.SQL("LEFT JOIN wards w ON w.code = m.ward_code AND w.valid_to IS NULL")


def counts(conn: psycopg.Connection, where: MentionFilter) -> list[dict[str, Any]]:
    """Mentions, reach and synthetic mentions per ward (None: unknown), topic and sentiment."""
    query = sql.SQL("""
        SELECT m.ward_code, w.name AS ward_name, m.topic, m.sentiment, count(*) AS n, sum(m.reach) AS reach,
               count(*) FILTER (WHERE m.synthetic) AS synthetic
              FROM social_mentions m {names} WHERE {where}
              GROUP BY m.ward_code, w.name, m.topic, m.sentiment ORDER BY m.ward_code NULLS LAST, m.topic""").format(
        names=_WARD_NAME, where=_WHERE)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, where.params()).fetchall()


def daily(conn: psycopg.Connection, where: MentionFilter, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Mentions per local day and sentiment."""
    query = sql.SQL("""SELECT (m.published_at AT TIME ZONE %(tz)s)::date AS day, m.sentiment, count(*) AS n
              FROM social_mentions m WHERE {where} GROUP BY 1, 2 ORDER BY 1""").format(where=_WHERE)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, {**where.params(), "tz": tz.key}).fetchall()


def listing(conn: psycopg.Connection, where: MentionFilter, limit: int = 50) -> list[dict[str, Any]]:
    """The newest mentions first (at most ``limit``), with their ward's name and report link."""
    query = sql.SQL("""
        SELECT m.id, m.provider, m.source, m.url, m.published_at, m.topic, m.sentiment, m.reach, m.summary,
                     m.ward_code, w.name AS ward_name, m.ward_how, m.synthetic, m.report_id
              FROM social_mentions m {names} WHERE {where}
              ORDER BY m.published_at DESC, m.id DESC LIMIT %(limit)s""").format(names=_WARD_NAME, where=_WHERE)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, {**where.params(), "limit": limit}).fetchall()


@dataclass(frozen=True)
class Summary:
    """The wall tile: the last 24 hours of the scene."""

    total: int = 0
    negative: int = 0
    to_report: int = 0                   # negative, high-reach, local, and no field report made yet
    top_topic: str | None = None         # the topic with the most negative mentions
    top_topic_n: int = 0
    synthetic: int = 0
    last_at: datetime | None = None      # the newest mention anywhere: the feed's liveness


def summary(conn: psycopg.Connection, now: datetime, scope: Sequence[str] | None,
            high_reach: int = HIGH_REACH) -> Summary:
    params = {"start": now - timedelta(hours=24), "end": now, "wards": list(scope) if scope is not None else None,
              "high": high_reach}
    row = conn.execute("""
        SELECT count(*), count(*) FILTER (WHERE sentiment = 'negative'),
               count(*) FILTER (WHERE sentiment = 'negative' AND reach >= %(high)s AND ward_code IS NOT NULL
                                AND report_id IS NULL),
               count(*) FILTER (WHERE synthetic)
        FROM social_mentions WHERE published_at >= %(start)s AND published_at < %(end)s
          AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s::text[]))""", params).fetchone()
    top = conn.execute("""
        SELECT topic, count(*) FROM social_mentions WHERE published_at >= %(start)s AND published_at < %(end)s
          AND sentiment = 'negative' AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s::text[]))
        GROUP BY topic ORDER BY 2 DESC, 1 LIMIT 1""", params).fetchone()
    last = conn.execute("SELECT max(published_at) FROM social_mentions WHERE published_at <= %s", [now]).fetchone()
    assert row is not None
    return Summary(int(row[0]), int(row[1]), int(row[2]), top[0] if top else None, int(top[1]) if top else 0,
                   int(row[3]), last[0] if last else None)


def ward_choices(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """(code, name) of the current wards that have devices or mentions: the page's ward filter."""
    return [(str(c), str(n)) for c, n in conn.execute("""
        SELECT w.code, w.name FROM wards w WHERE w.valid_to IS NULL
          AND (EXISTS (SELECT 1 FROM devices d WHERE d.ward_code = w.code)
               OR EXISTS (SELECT 1 FROM social_mentions m WHERE m.ward_code = w.code))
        ORDER BY w.name""")]
