"""Server-side timings of every dashboard callback, the wall map's update size and the API series latency.

    .venv/bin/python -m bench.bench_dashboard [--devices 2000] [--days 30] [--markers 10000] [--runs 30]

Seeds a throw-away database (rollup rows by COPY) on IOC_DATABASE_URL's server or the local stack, times each
callback's function (what the @callback wrapper calls) plus Dash's own JSON encoding of its answer, and prints a
table. "Answer KB" is what Dash sends for that call.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from dash import no_update
from dash._utils import to_json
from psycopg import sql

from dashboards import cache, context
from dashboards.app import create_app
from dashboards.queries import wards
from dashboards.queries.devices import DeviceFilter
from dashboards.theme import DARK
from dashboards.views import devices as devices_view
from dashboards.views import wall, wall_map
from dashboards.views import ward as ward_view
from ioc import config, db, migrate, stack
from ioc.security import keys, roles
from ioc.stack._redis import PrivateRedis
from tests.dashboards import seed


def server_url() -> str:
    settings = config.load()
    return settings.database_url or stack.up(settings).database_url


@contextmanager
def bench_database(devices: int, days: int, extra_markers: int = 0) -> Iterator[str]:
    """Yields the URL of a fresh database with ``devices`` devices and ``days`` of rollups; dropped afterwards."""
    base = server_url()
    name = f"ioc_bench_{os.getpid()}"
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate.apply(conn)
            started = time.perf_counter()
            seed.load_wards(conn)
            per = max(1, round(devices / (len(seed.NHA_TRANG) * 3)))
            made = seed.add_devices(conn, per)
            rows = seed.add_history(conn, made, days=days)
            seed.camera_events(conn, made, 500)
            seed.heartbeat(conn, age_s=2)
            if extra_markers:
                # inside one ward, so its page carries ~8,000 markers too (layers.sources keeps a ward's devices
                # by its boundary, not by the ward_code column)
                conn.execute("""
                    INSERT INTO devices (device_id, kind, location, ward_code, registered, online, last_data_at)
                    SELECT 'extra-' || d.path[1], (ARRAY['camera','wifi','env'])[1 + d.path[1] %% 3], d.geom,
                           w.code, true, random() > 0.1, now() - random() * interval '10 minutes'
                    FROM wards w, LATERAL ST_Dump(ST_GeneratePoints(w.geom, %s, 42)) AS d
                    WHERE w.code = '22366' AND w.valid_to IS NULL""", [extra_markers])
            conn.execute("ANALYZE")
            print(f"seeded {len(made)} devices (+{extra_markers} map-only), {rows:,} rollup rows "
                  f"in {time.perf_counter() - started:.0f} s")
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _json_size(value: Any) -> int:
    """Bytes Dash sends: its own encoder (plotly's, typed arrays as base64) over components, figures, patches."""
    return len(to_json(value))


class Flapping:
    """One wall tick after another while a device goes offline and back: each tick carries a real change."""

    def __init__(self, pool: Any, conn: psycopg.Connection, now: datetime, device_id: str) -> None:
        self.pool, self.conn, self.now, self.device_id = pool, conn, now, device_id
        self.known: Any = wall_map.update(pool, now, {"ward": None}, None, DARK, "vi", None)[1]
        self.online = True

    def __call__(self) -> Any:
        self.online = not self.online
        self.conn.execute("UPDATE devices SET online = %s WHERE device_id = %s", [self.online, self.device_id])
        sent, known = wall_map.update(self.pool, self.now, {"ward": None}, self.known, DARK, "vi", None)
        self.known = self.known if known is no_update else known   # as the browser's store keeps it
        return sent


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, bytes of the JSON answer) over ``runs`` calls after one warm-up."""
    size = _json_size(fn())
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _json_size(fn())
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], size


def run(devices: int, days: int, markers: int, runs: int, freeze: bool = False) -> list[tuple[str, float, float, int]]:
    results = []
    with (bench_database(devices, days, extra_markers=max(0, markers - devices)) as url,
          psycopg.connect(url, autocommit=True) as conn):
        settings = config.load(database_url=url)
        pool = db.pool(url, max_size=4)
        ioc = context.IocContext(settings, given=pool)
        now = datetime.now(UTC)
        gc.collect()     # the seeding's garbage is not a server's
        if freeze:       # what a worker would do once its app is built: keep the import-time heap out of every GC pass
            gc.freeze()
        opts = {"lang": "vi", "theme": "dark", "ward": None}
        areas = wards.areas(pool)
        ward_scene = wall.resolve({"ward": "22366"}, opts, areas)   # as the map's callback resolves the browser's
        _, known = wall_map.update(pool, now, {"ward": None}, None, DARK, "vi", None)
        _, ward_known = ward_view.ward_overview(ioc, {"code": "22366"}, now)[1:3]
        cases: dict[str, Callable[[], Any]] = {
            "wall: tiles+feed+banner (city)": lambda: wall.wall_refresh(ioc, {"ward": None}, opts, now),
            "wall: tiles+feed+banner (ward)": lambda: wall.wall_refresh(ioc, {"ward": "22366"}, opts, now),
            f"wall: map full figure ({markers} markers)": lambda: wall_map.update(
                pool, now, {"ward": None}, None, DARK, "vi", None)[0],
            f"wall: map tick after the first figure ({markers} markers)": lambda: wall_map.update(
                pool, now, {"ward": None}, known, DARK, "vi", None)[0],
            "wall: scene change (map patch)": lambda: wall_map.update(
                pool, now, ward_scene, known, DARK, "vi", None)[0],
            f"wall: map tick, a device changed state ({markers} markers)": Flapping(pool, conn, now,
                                                                                   "camera-22333-0001"),
            "wall: scene rotation": lambda: wall.next_scene({"i": 0}, opts, wards.areas(pool)),
            "ward: overview, first load (map, devices, reports)": lambda: ward_view.ward_overview(
                ioc, {"code": "22366"}, now),
            "ward: overview, refresh": lambda: ward_view.ward_overview(ioc, {"code": "22366"}, now, ward_known),
            "ward: six charts (24 h, 30 d)": lambda: ward_view.ward_charts(ioc, {"code": "22366"}, now, 6),
            "devices: page 1 by id": lambda: devices_view.device_page(
                ioc, DeviceFilter(), {"col": "device_id", "desc": False}, 1, "vi")[0],
            "devices: page 200 by last seen, desc": lambda: devices_view.device_page(
                ioc, DeviceFilter(), {"col": "last_seen_at", "desc": True}, 200, "vi")[0],
            "devices: search 'env-223'": lambda: devices_view.device_page(
                ioc, DeviceFilter(search="env-223"), {"col": "device_id", "desc": False}, 1, "vi")[0],
        }
        # The shared cache (dashboards/cache.py): a hit costs unpickling the snapshot or figure (and, with Redis,
        # one round trip) instead of the database reads. The same ``now``: one time bucket, so every run hits.
        shared: dict[str, cache.Store] = {"in-process": cache.MemoryCache()}
        redis_dir = Path(tempfile.mkdtemp(prefix="ioc-bench-redis-"))
        private_redis = PrivateRedis(redis_dir)
        shared["Redis"] = cache.RedisCache(private_redis.ensure(None).url())
        for kind, store in shared.items():
            hit_ioc = context.IocContext(settings, given=pool, cache=store)

            def tiles_hit(c: context.IocContext = hit_ioc) -> Any:
                return wall.wall_refresh(c, {"ward": None}, opts, now)

            def map_hit(s: cache.Store = store) -> Any:
                return wall_map.update(pool, now, {"ward": None}, None, DARK, "vi", None, s)[0]

            cases[f"wall: tiles+feed+banner (city), cache hit ({kind})"] = tiles_hit
            cases[f"wall: map full figure, cache hit ({kind})"] = map_hit
        for name, fn in cases.items():
            results.append((name, *timed(fn, runs)))
        private_redis.stop()
        client = create_app(settings, pool).server.test_client()
        _, secret = keys.add(conn, "bench", "bench", (roles.READ,))   # the API refuses anonymous callers
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

        def iso(ts: datetime) -> str:
            return ts.replace(microsecond=0).isoformat().replace("+00:00", "Z")

        series = f"/api/v1/devices/env-22366-0001/series?metric=pm25&from={iso(now - timedelta(days=30))}&to={iso(now)}"
        api = {"api: series 1 device 30 d (1h buckets)": series + "&bucket=1h",
               "api: series 1 device 30 d (1d buckets)": series + "&bucket=1d",
               "api: devices page (100)": "/api/v1/devices?limit=100"}
        for name, path in api.items():
            def call(path: str = path) -> Any:
                res = client.get(path)
                assert res.status_code == 200, res.get_data(as_text=True)
                return res.get_json()
            results.append((name, *timed(call, runs)))
        pool.close()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", type=int, default=2000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--markers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--freeze", action="store_true", help="gc.freeze() once before timing, as a tuned worker would")
    args = ap.parse_args()
    rows = run(args.devices, args.days, args.markers, args.runs, args.freeze)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    gc_note = "gc.freeze() before timing" if args.freeze else "default GC"
    print(f"\n{os.cpu_count()} cores, load average {load} at the end, {args.runs} runs after a warm-up, {gc_note}")
    print("\n| callback / request | p50 ms | p95 ms | answer KB |\n|---|---:|---:|---:|")
    for name, p50, p95, size in rows:
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
