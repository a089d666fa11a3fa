"""The social listening tables' edge for writing: providers, mentions (once per provider and post URL) and
retention.

A mention's ward is decided here, in one statement per batch: the ward the provider named (matched in Python by
:mod:`pipelines.social.wards`), else the ward holding its point on the post's local date (``ioc_ward_at``), else
unknown; ``ward_how`` says which. The point itself is not stored: it locates the post's author as much as the
problem (docs/social.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from pipelines.social import profile as profiles
from pipelines.social.model import MentionIn, UnknownProvider
from pipelines.social.wards import WardIndex


@dataclass(frozen=True)
class Provider:
    name: str
    secret: str
    profile: profiles.Profile


def add_provider(conn: psycopg.Connection, name: str, profile: profiles.Profile | None = None,
                 secret: str | None = None, *, replace: bool = False) -> Provider:
    """Create (or with ``replace`` update) a provider; a webhook secret is generated unless one is given."""
    key = secret or secrets.token_urlsafe(32)
    body = Jsonb((profile or profiles.Profile()).to_json())
    if replace:
        conn.execute("""INSERT INTO social_providers (name, secret, profile) VALUES (%s, %s, %s)
                        ON CONFLICT (name) DO UPDATE SET secret = EXCLUDED.secret, profile = EXCLUDED.profile""",
                     [name, key, body])
    else:
        conn.execute("INSERT INTO social_providers (name, secret, profile) VALUES (%s, %s, %s)", [name, key, body])
    return Provider(name, key, profile or profiles.Profile())


def provider(conn: psycopg.Connection, name: str) -> Provider:
    found = conn.execute("SELECT name, secret, profile FROM social_providers WHERE name = %s", [name]).fetchone()
    if found is None:
        raise UnknownProvider(f"no social listening provider {name!r}; add it with `ioc social providers add {name}`")
    return Provider(found[0], found[1], profiles.from_json(found[2], f"provider {name}"))


def providers(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every provider with its mention count (never its secret)."""
    cur = conn.execute("""SELECT p.name, p.created_at, count(m.id) AS mentions, max(m.received_at) AS last_received
                          FROM social_providers p LEFT JOIN social_mentions m ON m.provider = p.name
                          GROUP BY p.name, p.created_at ORDER BY p.name""")
    names = [d.name for d in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cur]


_INSERT = """
    INSERT INTO social_mentions (provider, source, url, published_at, topic, sentiment, reach, summary, ward_code,
                                 ward_how, synthetic, received_at)
    SELECT %(provider)s, %(source)s, %(url)s, %(published_at)s, %(topic)s, %(sentiment)s, %(reach)s, %(summary)s,
           coalesce(%(given)s::text, placed.code),
           CASE WHEN %(given)s::text IS NOT NULL THEN 'given' WHEN placed.code IS NOT NULL THEN 'point'
                ELSE 'unknown' END,
           %(synthetic)s, %(now)s
    FROM (SELECT CASE WHEN %(given)s::text IS NULL AND %(lon)s::float8 IS NOT NULL
                      THEN ioc_ward_at(ST_SetSRID(ST_MakePoint(%(lon)s::float8, %(lat)s::float8), 4326), %(day)s)
                 END AS code) placed
    ON CONFLICT (provider, url) DO NOTHING
    RETURNING id"""


def insert_mentions(conn: psycopg.Connection, provider_name: str, items: Sequence[MentionIn], wards: WardIndex,
                    tz: ZoneInfo, now: datetime) -> list[int | None]:
    """Insert new mentions in one transaction; a post already stored for this provider is skipped. Per item, its
    new id or None (a duplicate)."""
    ids: list[int | None] = []
    with conn.transaction(), conn.cursor() as cur:
        for m in items:
            day = m.published_at.astimezone(tz).date()
            cur.execute(_INSERT, {
                "provider": provider_name, "source": m.source, "url": m.url, "published_at": m.published_at,
                "topic": m.topic, "sentiment": m.sentiment, "reach": m.reach, "summary": m.summary,
                "given": wards.match(m.ward, day) if m.ward else None, "lon": m.lon, "lat": m.lat, "day": day,
                "synthetic": m.synthetic, "now": now})
            row = cur.fetchone()
            ids.append(None if row is None else int(row[0]))
    return ids


def purge(conn: psycopg.Connection, kept: timedelta) -> int:
    """Delete mentions published longer ago than ``kept``; a field report made from one keeps its link in its
    history (the report itself is the city's record and has its own retention)."""
    return conn.execute("DELETE FROM social_mentions WHERE published_at < now() - %s", [kept]).rowcount
