"""JS heap of the wall over time in headless Chromium: does the browser's memory stay flat for hours?

    .venv/bin/python -m bench.bench_wall_memory [--duration 600] [--interval 30] [--devices 300] [--markers 2000]
    one hour:  .venv/bin/python -m bench.bench_wall_memory --duration 3600 --interval 60

Seeds a throw-away database, serves the app in-process, opens /wall with a kiosk token (5 s updates) while a device
goes offline and back every 7 s (so map Patches keep arriving), and every ``interval`` seconds collects garbage and
reads the used JS heap (Chrome DevTools Protocol). Prints the samples and the linear trend.
"""

from __future__ import annotations

import argparse
import threading
import time

import psycopg
from selenium import webdriver
from werkzeug.serving import make_server

from bench.bench_dashboard import bench_database
from dashboards.app import create_app
from ioc import config
from ioc.security import keys
from ioc.stack._proc import free_port

FLIP_S = 7.0


def flap(url: str, device_id: str, stop: threading.Event) -> None:
    """A device going offline and online again, for as long as the wall is watched."""
    with psycopg.connect(url, autocommit=True) as conn:
        online = True
        while not stop.wait(FLIP_S):
            online = not online
            conn.execute("UPDATE devices SET online = %s WHERE device_id = %s", [online, device_id])


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options)


def heap_mb(driver: webdriver.Chrome) -> float:
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    used = next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize")
    return float(used) / 1e6


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    den = sum((t - mean_t) ** 2 for t, _ in samples) or 1.0
    return sum((t - mean_t) * (m - mean_m) for t, m in samples) / den * 3600


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=600, help="seconds to watch the wall")
    ap.add_argument("--interval", type=int, default=30, help="seconds between samples")
    ap.add_argument("--devices", type=int, default=300)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--markers", type=int, default=2000)
    args = ap.parse_args()
    with bench_database(args.devices, args.days, extra_markers=max(0, args.markers - args.devices)) as url:
        app = create_app(config.load(database_url=url))
        port = free_port()
        server = make_server("127.0.0.1", port, app.server, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with psycopg.connect(url, autocommit=True) as conn:
            _, token = keys.add(conn, "memory bench", "bench", kiosk=True)
        stop = threading.Event()
        threading.Thread(target=flap, args=(url, "camera-22333-0001", stop), daemon=True).start()
        driver = browser()
        try:
            driver.execute_cdp_cmd("Performance.enable", {})
            driver.get(f"http://127.0.0.1:{port}/wall?kiosk={token}")
            time.sleep(15)  # first figure and tiles
            start, samples = time.monotonic(), []
            while True:
                elapsed = time.monotonic() - start
                samples.append((elapsed, heap_mb(driver)))
                print(f"{elapsed:7.0f} s  JS heap {samples[-1][1]:7.2f} MB", flush=True)
                if elapsed >= args.duration:
                    break
                time.sleep(min(args.interval, max(1.0, args.duration - elapsed)))
        finally:
            stop.set()
            driver.quit()
            server.shutdown()
    first, last = samples[0][1], samples[-1][1]
    print(f"\nsamples {len(samples)} over {samples[-1][0]:.0f} s: first {first:.2f} MB, last {last:.2f} MB, "
          f"max {max(m for _, m in samples):.2f} MB, trend {slope_per_hour(samples):+.2f} MB/hour")


if __name__ == "__main__":
    main()
