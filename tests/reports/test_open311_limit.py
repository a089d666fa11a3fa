"""Anonymous Open311 readers are rate-limited (429 with Retry-After) over a real HTTP server; API-key holders are
not; the count is in the database, so two app instances (two gunicorn workers) share it."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from werkzeug.serving import make_server

from dashboards.api.open311_limit import CONFIG_KEY, KEPT, client_key
from dashboards.app import create_app
from ioc.config import Settings

LIMIT = 5


@contextmanager
def serving(settings: Settings, pool: ConnectionPool) -> Iterator[str]:
    app = create_app(settings, pool)
    app.server.config[CONFIG_KEY] = LIMIT
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    finally:
        server.shutdown()
        thread.join(5)


def fresh_minute() -> None:
    """The count is per clock minute: start a test's burst well inside one, so a new minute cannot reset it."""
    second = datetime.now(UTC).second
    if second >= 50:
        time.sleep(61 - second)


@pytest.fixture
def base_url(settings: Settings, pool: ConnectionPool) -> Iterator[str]:
    with serving(settings, pool) as url:
        fresh_minute()
        yield url


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def statuses(get: Callable[[], tuple[int, dict[str, str], bytes]], n: int) -> list[int]:
    return [get()[0] for _ in range(n)]


def test_anonymous_readers_beyond_the_limit_get_429(base_url: str) -> None:
    url = f"{base_url}/requests.json"
    assert statuses(lambda: fetch(url), LIMIT) == [200] * LIMIT
    status, headers, body = fetch(url)
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60
    error = json.loads(body)[0]
    assert error["code"] == 429 and "API key" in error["description"]
    status, headers, body = fetch(f"{base_url}/services.xml")      # every GET counts, in the asked format
    assert status == 429 and headers["Content-Type"].startswith("text/xml") and b"<code>429</code>" in body


def test_api_key_holders_are_not_limited(base_url: str, db: psycopg.Connection) -> None:
    from ioc.security import keys

    key = keys.add(db, "city-portal", "test", ("read",))[1]
    url = f"{base_url}/requests.json"
    assert statuses(lambda: fetch(url, {"X-API-Key": key}), LIMIT * 3) == [200] * LIMIT * 3
    assert statuses(lambda: fetch(url, {"Authorization": f"Bearer {key}"}), 3) == [200] * 3
    assert statuses(lambda: fetch(url), LIMIT + 1) == [200] * LIMIT + [429]    # the key's hits did not count
    assert fetch(url, {"X-API-Key": "ioc_not-a-real-key-000000000000000000000"})[0] == 429   # a bad key is anonymous


def test_two_workers_share_one_count(settings: Settings, pool: ConnectionPool, db: psycopg.Connection) -> None:
    with serving(settings, pool) as one, serving(settings, pool) as two:
        fresh_minute()
        got = [fetch(f"{(one, two)[i % 2]}/services.json")[0] for i in range(LIMIT + 1)]
    assert got == [200] * LIMIT + [429]
    rows = db.execute("SELECT client, hits FROM open311_readers").fetchall()
    assert rows == [(client_key("127.0.0.1"), LIMIT + 1)]      # a hash, not the address


def test_old_windows_are_forgotten(base_url: str, db: psycopg.Connection) -> None:
    old = datetime.now(UTC) - KEPT * 2
    db.execute("INSERT INTO open311_readers VALUES ('someone', date_trunc('minute', %s), 999)", [old])
    assert fetch(f"{base_url}/services.json")[0] == 200
    assert db.execute("SELECT count(*) FROM open311_readers WHERE client = 'someone'").fetchone() == (0,)
