"""Login limits under load and across addresses (issue 14): parallel wrong logins against a real HTTP server get
exactly the allowed number of tries, and guessing a name from one address does not lock its owner out elsewhere."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
import requests
from flask import Flask
from psycopg_pool import ConnectionPool
from werkzeug.serving import make_server

from dashboards.app import create_app
from ioc.config import Settings
from tests.security.helpers import login, make_user

N = 10


@pytest.fixture
def base_url(settings: Settings, pool: ConnectionPool) -> Iterator[str]:
    """A real threaded HTTP server behind one (pretend) proxy, so each request can name its client address."""
    app = create_app(settings.model_copy(update={"login_max_failures_user": 3, "login_max_failures_ip": 4,
                                                  "proxy_hops": 1}), pool)
    srv = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        thread.join(timeout=10)


def _parallel_logins(base_url: str, names: list[str], address: str) -> Counter[int]:
    """Every try prepared (form and CSRF cookie fetched) first, then all sent at once."""
    start = threading.Barrier(len(names))

    def one(name: str) -> int:
        with requests.Session() as session:
            form = session.get(f"{base_url}/login", timeout=30).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert csrf is not None
            start.wait(timeout=60)
            resp = session.post(f"{base_url}/login", data={"username": name, "password": "wrong password!",
                                                          "csrf_token": csrf.group(1)},
                                headers={"X-Forwarded-For": address}, allow_redirects=False, timeout=60)
            return resp.status_code

    with ThreadPoolExecutor(len(names)) as workers:
        return Counter(workers.map(one, names))


def test_parallel_wrong_logins_get_exactly_the_allowed_tries(base_url: str, db: psycopg.Connection) -> None:
    make_user(db, "dung", "operator")
    assert _parallel_logins(base_url, ["dung"] * N, "10.9.0.1") == Counter({401: 3, 429: N - 3})
    failed = db.execute("SELECT count(*) FROM security_events WHERE action = 'login_failed'").fetchone()
    assert failed == (3,)


def test_parallel_wrong_logins_over_many_names_hit_the_address_limit(base_url: str,
                                                                      db: psycopg.Connection) -> None:
    names = [f"guess{i}" for i in range(N)]
    assert _parallel_logins(base_url, names, "10.9.0.2") == Counter({401: 4, 429: N - 4})


def _from(server: Flask, address: str) -> Any:
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_guessing_a_name_elsewhere_does_not_lock_its_owner_out(settings: Settings, pool: ConnectionPool,
                                                               db: psycopg.Connection) -> None:
    make_user(db, "admin", "admin")
    server = create_app(settings.model_copy(update={"login_max_failures_user": 3}), pool).server
    for _ in range(3):
        assert login(_from(server, "203.0.113.66"), "admin", "wrong password!").status_code == 401
    assert login(_from(server, "203.0.113.66"), "admin").status_code == 429   # that address is locked out
    assert login(_from(server, "10.0.0.5"), "admin").status_code == 303       # the admin at the office is not
    # the admin's success elsewhere does not give the guessing address new tries
    assert login(_from(server, "203.0.113.66"), "admin", "wrong password!").status_code == 429
    settled = db.execute("SELECT action, detail FROM security_events WHERE action LIKE 'login_%' ORDER BY id")
    rows = settled.fetchall()
    assert [a for a, _ in rows].count("login_ok") == 1
    assert all("pending" not in d for _, d in rows), rows
