"""Memory of the wall over time in headless Chromium: does the browser stay flat for hours?

    .venv/bin/python -m bench.bench_wall_memory [--duration 600] [--interval 30] [--rotate 30] [--markers 2000]
    one hour:  .venv/bin/python -m bench.bench_wall_memory --duration 3600 --interval 60 --out docs/wall-memory \
                   --snapshots /tmp/wall-heap
    faster:    add --tick-ms 1000 (updates five times as often as a wall does: an hour shows five hours of updates)
    again:     .venv/bin/python -m bench.bench_wall_memory --summarise docs/wall-memory.csv

Seeds a throw-away database, serves the app in-process and opens two walls, each in its own headless Chromium, with
a kiosk token (5 s updates):

- ``static``: /wall, the city scene; only Patches of the map and the tiles arrive;
- ``rotate``: /wall?rotate=N, a new scene (a whole new figure) every N seconds, the city then each ward.

Meanwhile a device goes offline and back every 7 s (so the map changes), and the ingest heartbeat is kept fresh (so the
wall shows its normal, not its stale, state). Every ``interval`` seconds each browser collects garbage and reports,
through the Chrome DevTools Protocol, its used JS heap, DOM nodes and JS event listeners. Prints the samples, the
linear trend per hour and, with ``--out``, writes them as CSV plus a plotted PNG (drawn by the same Chromium).

With ``--snapshots DIR`` each browser's heap is also snapshotted after the warm-up, half-way and at the end
(``bench.heap_snapshot``): the growth by kind of memory (compiled code, JS objects, DOM...) and the objects allocated
between the first two snapshots that are still alive at the last, which is what a leak would be.
"""

from __future__ import annotations

import argparse
import csv
import logging
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import psycopg
from plotly.subplots import make_subplots
from selenium import webdriver
from werkzeug.serving import make_server

from bench import heap_snapshot
from bench.bench_dashboard import bench_database
from dashboards.app import create_app
from ioc import config, db
from ioc.security import keys
from ioc.stack._proc import free_port
from tests.dashboards import seed

FLIP_S = 7.0
METRICS = {"JSHeapUsedSize": "heap_mb", "Nodes": "dom_nodes", "JSEventListeners": "listeners"}


@dataclass(frozen=True)
class Sample:
    wall: str
    elapsed_s: float
    heap_mb: float
    dom_nodes: int
    listeners: int


def keep_alive(url: str, device_id: str, stop: threading.Event, every_s: float = FLIP_S) -> None:
    """A device going offline and online again, and an ingester that keeps reporting, while the walls are watched."""
    with psycopg.connect(url, autocommit=True) as conn:
        online = True
        while not stop.wait(every_s):
            online = not online
            conn.execute("UPDATE devices SET online = %s, last_data_at = now() WHERE device_id = %s",
                         [online, device_id])
            seed.heartbeat(conn, age_s=1)


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options)


def measure(driver: webdriver.Chrome, wall: str, elapsed: float) -> Sample:
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    got = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    return Sample(wall, elapsed, float(got["JSHeapUsedSize"]) / 1e6, int(got["Nodes"]), int(got["JSEventListeners"]))


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value), per hour."""
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    den = sum((t - mean_t) ** 2 for t, _ in points) or 1.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / den * 3600


WARM_UP_S = 300


def summary(samples: list[Sample]) -> list[str]:
    """Per wall and measure: first, last, range and trend; then the heap after a 5-minute warm-up (the first
    samples include the page still loading), as medians of its first and last 10 minutes and its trend."""
    lines = []
    for wall in dict.fromkeys(s.wall for s in samples):
        mine = [s for s in samples if s.wall == wall]
        settled = [(s.elapsed_s, s.heap_mb) for s in mine if s.elapsed_s >= WARM_UP_S]
        if len(settled) >= 4:
            end = settled[-1][0]
            early = statistics.median(v for t, v in settled if t < WARM_UP_S + 600)
            late = statistics.median(v for t, v in settled if t >= end - 600)
            lines.append(f"{wall:7} heap after warm-up: median {early:.2f} MB (first 10 min) → {late:.2f} MB "
                         f"(last 10 min), trend {slope_per_hour(settled):+.2f} MB/hour")
        for field, unit in (("heap_mb", "MB"), ("dom_nodes", "nodes"), ("listeners", "listeners")):
            values = [(s.elapsed_s, float(getattr(s, field))) for s in mine]
            first, last = values[0][1], values[-1][1]
            low, high = min(v for _, v in values), max(v for _, v in values)
            lines.append(f"{wall:7} {field:10} first {first:9.2f}  last {last:9.2f}  min {low:9.2f}  max {high:9.2f}"
                         f"  trend {slope_per_hour(values):+9.2f} {unit}/hour")
    return lines


def snapshot_marks(duration: float) -> list[float]:
    """When to snapshot: after the warm-up, half-way through what follows, and at the end."""
    first = WARM_UP_S if duration >= 2 * WARM_UP_S else duration / 3
    return [first, (first + duration) / 2, duration]


def take_snapshots(drivers: dict[str, webdriver.Chrome], folder: Path, elapsed: float,
                   into: dict[str, list[tuple[str, heap_snapshot.Snapshot]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, driver in drivers.items():
        path = heap_snapshot.take(driver, folder / f"{name}-{elapsed:.0f}s.heapsnapshot")
        into.setdefault(name, []).append((f"{elapsed / 60:.0f} min", heap_snapshot.read(path)))
    print(f"{elapsed:6.0f} s  heap snapshots taken", flush=True)


def write_outputs(samples: list[Sample], out: Path, driver: webdriver.Chrome, title: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.with_suffix(".csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["wall", "elapsed_s", "heap_mb", "dom_nodes", "listeners"])
        w.writerows([s.wall, f"{s.elapsed_s:.0f}", f"{s.heap_mb:.3f}", s.dom_nodes, s.listeners] for s in samples)
    fig = make_subplots(rows=1, cols=3, subplot_titles=("used JS heap (MB)", "DOM nodes", "JS event listeners"))
    for wall, colour in (("static", "#4fc3f7"), ("rotate", "#ffb74d")):
        mine = [s for s in samples if s.wall == wall]
        minutes = [s.elapsed_s / 60 for s in mine]
        for col, field in enumerate(("heap_mb", "dom_nodes", "listeners"), start=1):
            fig.add_trace(go.Scatter(x=minutes, y=[getattr(s, field) for s in mine], name=wall, legendgroup=wall,
                                     showlegend=col == 1, mode="lines+markers", line={"color": colour}),
                          row=1, col=col)
    fig.update_xaxes(title_text="minutes", rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(template="plotly_dark", title=title, width=1500, height=500, margin={"t": 80})
    html = out.with_suffix(".html")
    fig.write_html(html, include_plotlyjs=True, config={"displayModeBar": False, "staticPlot": True})
    driver.set_window_size(1600, 700)
    driver.get(html.resolve().as_uri())
    time.sleep(2)
    driver.save_screenshot(str(out.with_suffix(".png")))
    html.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=600, help="seconds to watch the walls")
    ap.add_argument("--interval", type=int, default=30, help="seconds between samples")
    ap.add_argument("--rotate", type=int, default=30, help="seconds per scene on the rotating wall (≥ 10)")
    ap.add_argument("--devices", type=int, default=300)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--markers", type=int, default=2000)
    ap.add_argument("--tick-ms", type=int, default=5000, help="the walls' update interval (theirs is 5000)")
    ap.add_argument("--snapshots", type=Path, metavar="DIR",
                    help="heap snapshots after the warm-up, half-way and at the end, kept in DIR, and their report")
    ap.add_argument("--out", type=Path, help="write <out>.csv and <out>.png")
    ap.add_argument("--summarise", type=Path, metavar="CSV", help="only print the summary of an earlier run's CSV")
    args = ap.parse_args()
    if args.tick_ms < 500:
        ap.error(f"--tick-ms {args.tick_ms}: a wall cannot update faster than every 500 ms (a callback takes ~200)")
    if args.summarise:
        with args.summarise.open() as f:
            print("\n".join(summary([Sample(r["wall"], float(r["elapsed_s"]), float(r["heap_mb"]),
                                            int(r["dom_nodes"]), int(r["listeners"])) for r in csv.DictReader(f)])))
        return
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per callback
    samples: list[Sample] = []
    snapshots: dict[str, list[tuple[str, heap_snapshot.Snapshot]]] = {}
    with bench_database(args.devices, args.days, extra_markers=max(0, args.markers - args.devices)) as url:
        pool = db.pool(url, max_size=4)   # the bench's: closed before its database is dropped
        app = create_app(config.load(database_url=url), pool)
        from dashboards.pages import wall as wall_page  # only importable once an app has registered the pages
        flip_s = FLIP_S * args.tick_ms / wall_page.TICK_MS   # as many map changes per update as at the walls' pace
        wall_page.TICK_MS = args.tick_ms
        port = free_port()
        server = make_server("127.0.0.1", port, app.server, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with psycopg.connect(url, autocommit=True) as conn:
            _, token = keys.add(conn, "memory bench", "bench", kiosk=True)
        stop = threading.Event()
        threading.Thread(target=keep_alive, args=(url, "camera-22333-0001", stop, flip_s), daemon=True).start()
        walls = {"static": f"/wall?kiosk={token}", "rotate": f"/wall?rotate={args.rotate}&kiosk={token}"}
        drivers = {name: browser() for name in walls}
        try:
            for name, path in walls.items():
                drivers[name].execute_cdp_cmd("Performance.enable", {})
                drivers[name].get(f"http://127.0.0.1:{port}{path}")
            time.sleep(15)  # first figure and tiles
            for name, driver in drivers.items():
                errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
                if errors:
                    raise SystemExit(f"{name} wall has console errors: {errors}")
            marks = snapshot_marks(args.duration) if args.snapshots else []
            start = time.monotonic()
            while True:
                elapsed = time.monotonic() - start
                row = [measure(driver, name, elapsed) for name, driver in drivers.items()]
                samples += row
                print(f"{elapsed:6.0f} s  " + "   ".join(
                    f"{s.wall}: heap {s.heap_mb:6.2f} MB, {s.dom_nodes:6d} nodes, {s.listeners:5d} listeners"
                    for s in row), flush=True)
                if marks and elapsed >= marks[0]:
                    marks.pop(0)
                    take_snapshots(drivers, args.snapshots, elapsed, snapshots)
                if elapsed >= args.duration:
                    if marks:   # a short run whose snapshots took longer than its samples: the last one now
                        marks.clear()
                        take_snapshots(drivers, args.snapshots, time.monotonic() - start, snapshots)
                    break
                time.sleep(min(args.interval, max(1.0, args.duration - elapsed)))
            if args.out:
                write_outputs(samples, args.out, drivers["static"],
                              f"Wall in headless Chromium, {samples[-1].elapsed_s / 60:.0f} min, "
                              f"{args.markers:,} markers, updates every {args.tick_ms / 1000:g} s, "
                              f"rotating wall: {args.rotate} s per scene")
        finally:
            stop.set()
            for driver in drivers.values():
                driver.quit()
            server.shutdown()
            pool.close()
    print(f"\n{len(samples) // 2} samples per wall over {samples[-1].elapsed_s:.0f} s")
    print("\n".join(summary(samples)))
    for wall, taken in snapshots.items():
        print(f"\n{wall} wall, heap snapshots (bench.heap_snapshot; files in {args.snapshots}):")
        print("\n".join(heap_snapshot.report(taken)))
    if args.out:
        print(f"wrote {args.out.with_suffix('.csv')} and {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
