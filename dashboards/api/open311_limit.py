"""The rate limit of anonymous Open311 readers: ``N`` requests a minute per client address, counted in the database
(``open311_readers``) so every gunicorn worker shares one count. API-key holders and signed-in staff are not
limited: a key is how a city's partner asks for more (``ioc keys add NAME --scope read``).

The address is kept only as a hash, and only for the few minutes its window matters.
"""

from __future__ import annotations

import hashlib
import logging
import math
from datetime import UTC, datetime, timedelta

import psycopg
from flask import current_app, request
from psycopg_pool import PoolTimeout

from dashboards import context
from dashboards.auth import identify
from ioc.errors import IocError

log = logging.getLogger(__name__)

CONFIG_KEY = "IOC_OPEN311_ANONYMOUS_PER_MINUTE"
PER_MINUTE = 60              # a resident's app refreshing a map stays far below; a scraper does not
WINDOW = timedelta(minutes=1)
KEPT = timedelta(minutes=5)


def limit(config_key: str = CONFIG_KEY) -> int:
    """Requests a minute per anonymous client: the Flask config key (tests, a busy city), else the default."""
    return int(current_app.config.get(config_key, PER_MINUTE))


def client_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def hit(conn: psycopg.Connection, client: str, now: datetime) -> tuple[int, datetime]:
    """Count one request of ``client`` in the current minute: the hits so far and the window's start."""
    row = conn.execute("""
        INSERT INTO open311_readers AS o (client, window_start, hits) VALUES (%s, date_trunc('minute', %s), 1)
        ON CONFLICT (client, window_start) DO UPDATE SET hits = o.hits + 1
        RETURNING hits, window_start""", [client, now]).fetchone()
    assert row is not None
    if row[0] == 1:   # a new window: the moment to forget old ones
        conn.execute("DELETE FROM open311_readers WHERE window_start < %s", [now - KEPT])
    return int(row[0]), row[1]


def wait_seconds(now: datetime | None = None, *, bucket: str = "", config_key: str = CONFIG_KEY) -> int | None:
    """Seconds an anonymous caller over the limit must wait (for ``Retry-After``); None: let the request through.
    ``bucket`` counts another service apart (the residents' page: ``"public:"``) in the same table."""
    try:
        if identify() is not None:
            return None
        now = now or datetime.now(UTC)
        with context.current().pool.connection() as conn:
            hits, window = hit(conn, client_key(bucket + (request.remote_addr or "?")), now)
    except (IocError, psycopg.Error, PoolTimeout) as exc:   # the view answers 503 itself when the database is down
        log.warning("rate limit not checked for %s: %s", request.path, (str(exc).splitlines() or [""])[0])
        return None
    if hits <= limit(config_key):
        return None
    return max(1, math.ceil((window + WINDOW - now).total_seconds()))
