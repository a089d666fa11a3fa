"""Server-side timings of the camera and wifi queries of issue 19 against the queries the wall already runs.

    .venv/bin/python -m bench.bench_camwifi [--devices 2000] [--days 30] [--runs 15]

Seeds the same throw-away database as bench_dashboard (rollup rows by COPY; a third of the devices are wifi access
points with hourly new_sessions) and prints p50/p95 of each query and of the wall's whole snapshot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from bench.bench_dashboard import bench_database
from dashboards.queries import camwifi, devices, rollups
from dashboards.views import wall

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()   # warm-up
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        took.append((time.perf_counter() - start) * 1000)
    took.sort()
    return statistics.median(took), took[int(0.95 * (len(took) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", type=int, default=2000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with bench_database(args.devices, args.days) as url, ConnectionPool(url, min_size=2, max_size=4) as pool:
        now = datetime.now(UTC)
        ward = ["22333"]
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("camera_classes, city", lambda: camwifi.camera_classes(pool)),
            ("wifi_points (today, 7 d, since 1 Jan), city", lambda: camwifi.wifi_points(pool, now, TZ)),
            ("sessions_by_hour, 7 d, city (wall)",
             lambda: camwifi.sessions_by_hour(pool, now - timedelta(days=7), now, TZ)),
            ("sessions_by_hour, 30 d, ward (ward page)",
             lambda: camwifi.sessions_by_hour(pool, now - timedelta(days=30), now, TZ, ward)),
            ("sessions_by_day, 30 d, ward (ward page)",
             lambda: camwifi.sessions_by_day(pool, now - timedelta(days=30), now, ward)),
            ("state_counts, city (existing)", lambda: devices.state_counts(pool)),
            ("wifi_compare, city (existing)", lambda: rollups.wifi_compare(pool, now)),
            ("wall.snapshot, city (every tile)", lambda: wall.snapshot(pool, now, None, TZ)),
        ]
        rows = [(name, *timed(fn, args.runs)) for name, fn in cases]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{os.cpu_count()} cores, load average {load} at the end, {args.runs} runs after a warm-up")
    print("\n| query | p50 ms | p95 ms |\n|---|---:|---:|")
    for name, p50, p95 in rows:
        print(f"| {name} | {p50:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
