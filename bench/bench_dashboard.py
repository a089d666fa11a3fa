"""Server-side timings of every dashboard callback, the wall map's update size and the API series latency.

    .venv/bin/python -m bench.bench_dashboard [--devices 2000] [--days 30] [--markers 10000] [--runs 30]

Seeds a throw-away database (rollup rows by COPY) on IOC_DATABASE_URL's server or the local stack, times each
callback's function (what the @callback wrapper calls, JSON serialisation included) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from plotly.utils import PlotlyJSONEncoder
from psycopg import sql

from dashboards import context
from dashboards.app import create_app
from dashboards.queries.devices import DeviceFilter
from dashboards.theme import DARK
from dashboards.views import devices as devices_view
from dashboards.views import wall, wall_map
from dashboards.views import ward as ward_view
from ioc import config, db, migrate, stack
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
                conn.execute("""
                    INSERT INTO devices (device_id, kind, location, ward_code, registered, online, last_data_at)
                    SELECT 'extra-' || g, (ARRAY['camera','wifi','env'])[1 + g %% 3],
                           ST_SetSRID(ST_Point(109.12 + random() * 0.1, 12.17 + random() * 0.2), 4326), '22366',
                           true, random() > 0.1, now() - random() * interval '10 minutes'
                    FROM generate_series(1, %s) g""", [extra_markers])
            conn.execute("ANALYZE")
            print(f"seeded {len(made)} devices (+{extra_markers} map-only), {rows:,} rollup rows "
                  f"in {time.perf_counter() - started:.0f} s")
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _json_size(value: Any) -> int:
    """Bytes Dash would send: plotly's encoder handles components, figures, patches and numpy arrays."""
    return len(json.dumps(value, cls=PlotlyJSONEncoder))


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


def run(devices: int, days: int, markers: int, runs: int) -> list[tuple[str, float, float, int]]:
    results = []
    with bench_database(devices, days, extra_markers=max(0, markers - devices)) as url:
        settings = config.load(database_url=url)
        pool = db.pool(url, max_size=4)
        ioc = context.IocContext(settings, given=pool)
        now = datetime.now(UTC)
        opts = {"lang": "vi", "theme": "dark", "ward": None}
        fig, sig = wall_map.update(pool, now, {"ward": None}, None, DARK, "vi", None, False)
        cases: dict[str, Callable[[], Any]] = {
            "wall: tiles+feed+banner (city)": lambda: wall.wall_refresh(ioc, {"ward": None}, opts, now),
            "wall: tiles+feed+banner (ward)": lambda: wall.wall_refresh(ioc, {"ward": "22366"}, opts, now),
            f"wall: map full figure ({markers} markers)": lambda: wall_map.update(
                pool, now, {"ward": None}, None, DARK, "vi", None, False)[0],
            f"wall: map patch per tick ({markers} markers)": lambda: wall_map.update(
                pool, now, {"ward": None}, sig, DARK, "vi", None, False)[0],
            "wall: scene rotation": lambda: wall.next_scene({"i": 0}, opts, ["22333", "22366"]),
            "ward: overview (map, devices)": lambda: ward_view.ward_overview(ioc, {"code": "22366"}, now),
            "ward: six charts (24 h, 30 d)": lambda: ward_view.ward_charts(ioc, {"code": "22366"}, now, 6),
            "devices: page 1 by id": lambda: devices_view.device_page(
                ioc, DeviceFilter(), {"col": "device_id", "desc": False}, 1, "vi")[0],
            "devices: page 200 by last seen, desc": lambda: devices_view.device_page(
                ioc, DeviceFilter(), {"col": "last_seen_at", "desc": True}, 200, "vi")[0],
            "devices: search 'env-223'": lambda: devices_view.device_page(
                ioc, DeviceFilter(search="env-223"), {"col": "device_id", "desc": False}, 1, "vi")[0],
        }
        for name, fn in cases.items():
            results.append((name, *timed(fn, runs)))
        client = create_app(settings, pool).server.test_client()
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
    args = ap.parse_args()
    rows = run(args.devices, args.days, args.markers, args.runs)
    print("\n| callback / request | p50 ms | p95 ms | answer KB |\n|---|---:|---:|---:|")
    for name, p50, p95, size in rows:
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
