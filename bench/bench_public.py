"""The residents' page under load: does /public hold 200 requests/s on this machine without slowing the wall?

    .venv/bin/python -m bench.bench_public [--rate 200] [--seconds 30] [--reports 2000] [--workers 2] [--threads 4]

On a private stack (bench/_stack.py): the four Nha Trang wards, 300 devices with 2 days of rollups, the demo's
hamlets, support points and five disclosure documents per ward, ``--reports`` field reports (a third answered),
served by ``ioc serve``'s gunicorn (``--workers`` × ``--threads``) in a child process. The load is open-loop:
requests are sent on a fixed schedule at ``--rate`` per second from 16 keep-alive connections, over a mix of URLs
(the index, each ward, filters, English, following a random report by its code), so a slow server shows as latency
and a missed rate, not as a politely slower client. The rate limit stays on (its database write is part of each
request's cost) with a limit no single address reaches.

"The wall" is the wall's tiles+feed+banner callback (``dashboards.views.wall.wall_refresh``, city scope) timed in
this process against the same database, first with the server idle, then during the load.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from bench._stack import private_stack
from dashboards import context
from dashboards.views import wall
from ioc import config, db
from pipelines.public import demo as public_demo
from pipelines.reports import store
from pipelines.reports.actions import apply_action
from pipelines.reports.model import Contact, ReportIn
from pipelines.reports.workflow import Action
from tests.dashboards import seed
from tests.reports.helpers import TZ

WARDS = seed.NHA_TRANG
CATEGORIES = ("flooding", "noise", "traffic", "environment", "lighting", "roads", "drainage", "other")
CONNECTIONS = 16


def populate(url: str, n_reports: int) -> list[int]:
    now = datetime.now(UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        seed.load_wards(conn)
        made = seed.add_devices(conn, 25)
        seed.add_history(conn, [d for d in made if d.kind == "env"], days=2)
        public_demo.load(conn, now, TZ)      # each ward's page with its hamlets, support points and five documents
        points = conn.execute("""SELECT ST_X(d.geom), ST_Y(d.geom) FROM wards w,
                                 LATERAL ST_Dump(ST_GeneratePoints(w.geom, %s, 5)) d""",
                              [n_reports // len(WARDS) + 1]).fetchall()
        rng = random.Random(3)
        items = [ReportIn("web", f"B-{i}", CATEGORIES[i % len(CATEGORIES)], now - timedelta(hours=3 * i + 1),
                          f"Phản ánh {i}", float(points[i][0]), float(points[i][1]), None, (),
                          contact=Contact(f"Người {i}", "0912345678", None), description_public=i % 2 == 0)
                 for i in range(n_reports)]
        ref = store.reference(conn)
        ids: list[int] = []
        for k in range(0, n_reports, 500):
            ids += store.insert_reports(conn, items[k:k + 500], ref, "bench", TZ, now).ids
        for k, rid in enumerate(ids[: n_reports // 3]):
            at = items[k].submitted_at
            apply_action(conn, rid, Action("assign", department=("drainage", "urban", "ward_police")[k % 3]),
                         "bench", TZ, at + timedelta(minutes=20))
            apply_action(conn, rid, Action("start"), "bench", TZ, at + timedelta(minutes=40))
            apply_action(conn, rid, Action("resolve", response="Đã xử lý"), "bench", TZ,
                         at + timedelta(hours=rng.uniform(2, 90)))
        conn.execute("ANALYZE")
    return ids


def serve(url: str, port: int, workers: int, threads: int) -> None:
    """The child: ``ioc serve``'s gunicorn with the anonymous limit raised (all the load comes from 127.0.0.1)."""
    from dashboards import public
    from dashboards.server import IocServer, options

    class Server(IocServer):
        def load(self) -> Any:
            server = super().load()
            server.config[public.CONFIG_KEY] = 1_000_000
            return server

    settings = config.load(database_url=url, http_port=port, log_level="WARNING")
    Server(settings, options(settings, workers, threads, 60)).run()


def paths(ids: list[int], rng: random.Random) -> list[str]:
    """One visitor's request, drawn from a plausible mix."""
    ward = rng.choice(WARDS)
    return rng.choices([
        "/public", f"/public/{ward}", f"/public/{ward}?lang=en", f"/public/{ward}?category={rng.choice(CATEGORIES)}",
        f"/public/{ward}?status=resolved", f"/public?code=PA-{rng.choice(ids):06d}", f"/public/{ward}.json"],
        weights=[10, 40, 10, 15, 5, 15, 5])


def load(port: int, ids: list[int], rate: float, seconds: float) -> dict[str, Any]:
    """Open-loop load: request i is due at start + i / rate; each connection takes the next due request."""
    total = int(rate * seconds)
    lock = threading.Lock()
    state = {"next": 0}
    lat: list[float] = []
    late: list[float] = []
    status: dict[int, int] = {}
    start = time.perf_counter() + 0.5

    def worker(seed_: int) -> None:
        rng = random.Random(seed_)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= total:
                break
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            t0 = time.perf_counter()
            try:
                conn.request("GET", paths(ids, rng)[0])
                resp = conn.getresponse()
                resp.read()
                code = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                code = 0
            t1 = time.perf_counter()
            with lock:
                lat.append((t1 - t0) * 1000)
                late.append(max(0.0, t0 - due) * 1000)
                status[code] = status.get(code, 0) + 1
        conn.close()

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(CONNECTIONS)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.perf_counter() - start
    lat.sort()
    return {"sent": len(lat), "seconds": took, "achieved": len(lat) / took, "status": status,
            "p50": statistics.median(lat), "p95": lat[int(len(lat) * 0.95) - 1], "p99": lat[int(len(lat) * 0.99) - 1],
            "late_p95": sorted(late)[int(len(late) * 0.95) - 1]}


def wall_times(ioc: context.IocContext, seconds: float, stop: threading.Event | None = None) -> list[float]:
    opts = {"lang": "vi", "theme": "dark", "ward": None}
    out = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not (stop and stop.is_set()):
        t0 = time.perf_counter()
        wall.wall_refresh(ioc, {"ward": None}, opts, datetime.now(UTC))
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.2)
    return sorted(out)


def pct(values: list[float], q: float) -> float:
    return values[max(0, int(len(values) * q) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--port", type=int, default=18650)
    ap.add_argument("--serve", help=argparse.SUPPRESS)    # the child process: the database URL
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.workers, args.threads)
        return
    with private_stack() as stack_:
        url = stack_.urls.database_url
        started = time.perf_counter()
        ids = populate(url, args.reports)
        print(f"seeded {len(ids)} reports in {time.perf_counter() - started:.0f} s")
        child = subprocess.Popen([sys.executable, "-m", "bench.bench_public", "--serve", url, "--port",
                                  str(args.port), "--workers", str(args.workers), "--threads", str(args.threads)])
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", args.port, timeout=2).request("GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.2)
            settings = config.load(database_url=url)
            pool = db.pool(url, max_size=2)
            ioc = context.IocContext(settings, given=pool)
            wall_times(ioc, 3)                                       # warm-up
            idle = wall_times(ioc, 10)
            cold = []
            for k in range(20):    # a cache miss: a query string no one asked before renders the page anew
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                t0 = time.perf_counter()
                conn.request("GET", f"/public/{WARDS[k % len(WARDS)]}?miss={k}")
                conn.getresponse().read()
                cold.append((time.perf_counter() - t0) * 1000)
                conn.close()
            cold.sort()
            load(args.port, ids, 20, 3)                              # warm every worker's cache and pool
            stop = threading.Event()
            busy: list[float] = []
            runner = threading.Thread(target=lambda: busy.extend(wall_times(ioc, args.seconds + 5, stop)))
            runner.start()
            result = load(args.port, ids, args.rate, args.seconds)
            stop.set()
            runner.join()
            loadavg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            pool.close()
        finally:
            child.terminate()
            child.wait(20)
    print(f"\n{os.cpu_count()} cores, load average {loadavg} at the end; gunicorn {args.workers} workers × "
          f"{args.threads} threads; {CONNECTIONS} client connections, open loop")
    print(f"\n| target | sent | achieved | status | p50 ms | p95 ms | p99 ms | start late p95 ms |\n"
          f"|---:|---:|---:|---|---:|---:|---:|---:|\n| {args.rate:.0f}/s | {result['sent']} | "
          f"{result['achieved']:.0f}/s | {result['status']} | {result['p50']:.1f} | {result['p95']:.1f} | "
          f"{result['p99']:.1f} | {result['late_p95']:.1f} |")
    print(f"\nA ward page not in the cache (20 renders): p50 {statistics.median(cold):.0f} ms, "
          f"p95 {pct(cold, 0.95):.0f} ms")
    print(f"\n| wall tiles+feed+banner | runs | p50 ms | p95 ms |\n|---|---:|---:|---:|\n"
          f"| idle | {len(idle)} | {statistics.median(idle):.0f} | {pct(idle, 0.95):.0f} |\n"
          f"| during the load | {len(busy)} | {statistics.median(busy):.0f} | {pct(busy, 0.95):.0f} |")


if __name__ == "__main__":
    main()
