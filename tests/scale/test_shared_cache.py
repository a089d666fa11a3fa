"""Two dashboard servers (real ``ioc serve`` processes) behind one address share one database and one private Redis:
a session made on one is valid on the other, a cached wall map computed by one is served by the other, and with
Redis down both still serve (the cache bypassed and logged), never an error page."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests

from dashboards.views.wall_map import MAP_TTL_S
from ioc.stack._proc import free_port
from ioc.stack._redis import PrivateRedis
from tests.dashboards import access, seed
from tests.support import service_dir, wait_until

REPO = Path(__file__).resolve().parents[2]
WALL_MAP = "..wall-map.figure...wall-map-sig.data.."
OPTS = {"lang": "vi", "theme": "dark", "ward": None, "area": None, "rotate": 0, "tz": "Asia/Ho_Chi_Minh"}

pytestmark = pytest.mark.timeout(240)


@contextmanager
def serve(db_url: str, redis_url: str, log: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")} | {
        "IOC_DATABASE_URL": db_url, "IOC_MQTT_URL": "mqtt://127.0.0.1:1", "IOC_HTTP_PORT": str(port),
        "IOC_REDIS_URL": redis_url, "IOC_STATE_DIR": str(log.parent / "state")}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "smartward", "serve", "--workers", "1", "--threads", "2"],
                                env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(answers, timeout=60, what=f"ioc serve on {port}")
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def tick(session: requests.Session, base: str) -> requests.Response:
    """One tick of the wall's map callback, as dash-renderer posts it."""
    body: dict[str, Any] = {
        "output": WALL_MAP, "outputs": [{"id": "wall-map", "property": "figure"},
                                        {"id": "wall-map-sig", "property": "data"}],
        "inputs": [{"id": "wall-tick", "property": "n_intervals", "value": 1},
                   {"id": "wall-scene", "property": "data", "value": {"i": 0, "ward": None, "area": None}}],
        "state": [{"id": "wall-map-sig", "property": "data", "value": None},
                  {"id": "wall-opts", "property": "data", "value": OPTS}],
        "changedPropIds": ["wall-tick.n_intervals"]}
    return session.post(base + "/_dash-update-component", json=body, timeout=60,
                        headers={"X-CSRFToken": session.cookies.get("_csrf_token") or "", "Origin": base})


def stats(r: redis.Redis) -> tuple[int, int]:
    """(cache SETs so far, keyspace hits so far)."""
    sets = r.info("commandstats").get("cmdstat_set", {}).get("calls", 0)
    return int(sets), int(r.info("stats")["keyspace_hits"])


def test_two_servers_share_sessions_and_the_cache(db_url: str, db: psycopg.Connection, tmp_path: Path) -> None:
    seed.load_wards(db)
    seed.add_devices(db, 2)
    seed.heartbeat(db, age_s=2)
    name = access.viewer(db)
    private = PrivateRedis(service_dir("redis"))
    state = private.ensure(None)
    r = redis.Redis.from_url(state.url())
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    try:
        with serve(db_url, state.url(), tmp_path / "a" / "log") as a, \
                serve(db_url, state.url(), tmp_path / "b" / "log") as b:
            # signed in on A ...
            s = requests.Session()
            s.get(a + "/login", timeout=10)
            signed = s.post(a + "/login", timeout=10, allow_redirects=False, headers={"Origin": a},
                            data={"username": name, "password": access.PASSWORD,
                                  "csrf_token": s.cookies.get("_csrf_token")})
            assert signed.status_code == 303, signed.text[:300]
            # ... is signed in on B (cookies are per host, not per port: the browser behind one address sends them)
            page = s.get(b + "/devices", timeout=30, allow_redirects=False)
            assert page.status_code == 200 and b"_dash-renderer" in page.content

            # A computes the map and stores it; B, in the same time bucket, reads it and stores nothing
            for _ in range(5):
                while datetime.now(UTC).timestamp() % MAP_TTL_S > 1.0:   # start early in a bucket
                    time.sleep(0.05)
                sets0, hits0 = stats(r)
                first = tick(s, a)
                sets1, hits1 = stats(r)
                second = tick(s, b)
                sets2, hits2 = stats(r)
                if datetime.now(UTC).timestamp() % MAP_TTL_S > 1.0 or sets2 == sets1:
                    break   # the pair stayed inside one bucket (or B found A's value anyway)
            assert first.status_code == second.status_code == 200
            assert sets1 > sets0, "A did not store the map in the shared cache"
            assert (sets2, hits2 - hits1) == (sets1, 1), "B did not serve A's cached map"
            assert first.json()["response"]["wall-map"]["figure"] == second.json()["response"]["wall-map"]["figure"]
            assert r.keys("ioc:cache:v1:wall-map:*")

            # Redis down: both serve on, computing for themselves; the bypass is logged
            private.stop()
            for base in (a, b):
                down = tick(s, base)
                assert down.status_code == 200 and "figure" in down.json()["response"]["wall-map"]
                assert s.get(base + "/devices", timeout=30).status_code == 200
            wait_until(lambda: b"serving without it" in (tmp_path / "b" / "log").read_bytes(), 10,
                       what="the bypass in B's log")
    finally:
        private.stop()


def test_stack_up_redis_starts_a_private_redis_that_the_servers_find(db_url: str, mqtt_url: str) -> None:
    from ioc import config, stack

    settings = config.load(state_dir=service_dir("stack-redis"), database_url=db_url, mqtt_url=mqtt_url)
    assert stack.redis_url(settings) is None            # nothing asked for: each server caches for itself
    stack.up(settings, redis=True)
    try:
        url = stack.redis_url(settings)
        assert url is not None and redis.Redis.from_url(url).ping()
        row = next(s for s in stack.status(settings) if s.name == "redis")
        assert row.managed and row.healthy and "***" in row.url and state_secret(settings) not in row.url
        stack.up(settings)                               # idempotent, and it keeps the Redis it has
        assert stack.redis_url(settings) == url
    finally:
        assert "redis" in stack.down(settings)
    assert stack.redis_url(settings) is None             # stopped: the servers fall back to their own cache


def state_secret(settings: object) -> str:
    from ioc.stack._state import StackState

    saved = StackState.load(settings.state_dir.resolve()).redis  # type: ignore[attr-defined]
    assert saved is not None
    return saved.password
