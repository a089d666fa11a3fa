"""Ingest benchmark: our ingester against (a) a bare paho counter and (b) a naive INSERT-per-message ingester.

Measures, in one run on one machine, with a separate publisher process and rows counted in the database:
  1. sustained QoS 1 throughput of (a), (b) and ours;
  2. publish→committed latency p50/p99 of ours at a fixed rate (default 5,000 msg/s);
  3. the ingester's peak resident memory while draining a 1-minute backlog.
Rerun:  .venv/bin/python bench/bench_ingest.py [--n 100000] [--rate 5000] [--seconds 20]
It starts its own private PostgreSQL+TimescaleDB and Mosquitto (or uses IOC_TEST_DATABASE_URL / IOC_TEST_MQTT_URL).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt import __version__ as paho_version

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._naive import naive_insert  # noqa: E402
from bench._stack import private_stack  # noqa: E402
from ioc.mqtt import MqttTarget, make_client  # noqa: E402

if TYPE_CHECKING:
    from pipelines.ingest.message import Message


# -- the publisher (a separate process) -------------------------------------------------------------------------
def publish(url: str, n: int, rate: float, prefix: str, client_id: str) -> None:
    """Publish n env readings at QoS 1 (rate 0: as fast as possible), ts = publish time; wait for every PUBACK."""
    target = MqttTarget.parse(url)
    client = make_client(target, client_id, protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)
    # paho scans its whole outgoing queue on every PUBACK: keep that queue short, never n long
    slots = threading.Semaphore(1000)
    client.on_publish = lambda c, u, mid, rc, p: slots.release()
    client.connect(target.host, target.port, 30)
    client.loop_start()
    start = time.perf_counter()
    for i in range(n):
        slots.acquire()
        if rate:
            ahead = start + i / rate - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)
        ts = int(time.time() * 1000)
        payload = orjson.dumps({"ts": ts, "seq": i, "pm25": 10 + i % 90, "temperature": 29.5, "relativeHumidity": 0.7})
        client.publish(f"ioc/v1/env/{prefix}{i % 500}/telemetry", payload, qos=1)
    for _ in range(1000):
        slots.acquire()
    client.disconnect()
    client.loop_stop()


def spawn_publisher(url: str, n: int, rate: float, prefix: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, __file__, "--publish", url, str(n), str(rate), prefix])


# -- the two reference consumers: (a) counts only, (b) INSERTs each message in on_message ------------------------
def reference_consumer(url: str, n: int, name: str, handle: Callable[[mqtt.MQTTMessage], None] | None = None) -> float:
    """Subscribe, start a publisher of n messages, return msg/s from the first to the n-th message handled."""
    target = MqttTarget.parse(url)
    client = make_client(target, f"bench-{name}-{os.getpid()}", protocol=mqtt.MQTTv311)
    seen = {"n": 0, "first": 0.0, "last": 0.0}
    finished = threading.Event()

    def on_message(c: mqtt.Client, u: object, m: mqtt.MQTTMessage) -> None:
        if handle is not None:
            handle(m)
        seen["n"] += 1
        seen["last"] = time.perf_counter()
        seen["first"] = seen["first"] or seen["last"]
        if seen["n"] >= n:
            finished.set()

    client.on_message = on_message
    client.connect(target.host, target.port, 30)
    client.subscribe("ioc/v1/+/+/+", qos=1)
    client.loop_start()
    time.sleep(0.5)
    pub = spawn_publisher(url, n, 0, name)
    finished.wait(900)
    pub.wait()
    client.disconnect()
    client.loop_stop()
    return n / (seen["last"] - seen["first"])


def bare_counter(url: str, n: int) -> float:
    return reference_consumer(url, n, "bare")


def naive(url: str, db_url: str, n: int) -> float:
    conn = psycopg.connect(db_url, autocommit=True)

    insert = naive_insert(conn)

    try:
        return reference_consumer(url, n, "naive", insert)
    finally:
        conn.close()


def bare_drain(url: str, n: int) -> float:
    """(a) on a backlog: n messages queued for its offline persistent session, drained with no publisher."""
    target = MqttTarget.parse(url)
    cid = f"bench-bare-drain-{os.getpid()}"
    client = make_client(target, cid, protocol=mqtt.MQTTv311, clean_start=False)
    client.connect(target.host, target.port, 30)
    client.subscribe("$share/bare/ioc/v1/+/+/+", qos=1)
    client.loop_start()
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()
    spawn_publisher(url, n, 0, "bdrain").wait()
    seen = {"n": 0}
    finished = threading.Event()

    def on_message(c: mqtt.Client, u: object, m: mqtt.MQTTMessage) -> None:
        seen["n"] += 1
        if seen["n"] >= n:
            finished.set()

    client = make_client(target, cid, protocol=mqtt.MQTTv311, clean_start=False)
    client.on_message = on_message
    start = time.perf_counter()
    client.connect(target.host, target.port, 30)
    client.loop_start()
    finished.wait(600)
    elapsed = time.perf_counter() - start
    client.disconnect()
    client.loop_stop()
    return n / elapsed


# -- ours ------------------------------------------------------------------------------------------------------
def ours(url: str, db_url: str, n: int, rate: float, state: Path) -> tuple[float, list[float]]:
    from pipelines.ingest.service import Ingester, IngestOptions

    latencies: list[float] = []
    times = {"first": 0.0, "last": 0.0, "stored": 0}
    finished = threading.Event()

    def on_commit(batch: Sequence[Message]) -> None:
        now = datetime.now(UTC)
        if not times["first"]:   # like (a): from the first message received to the last one committed
            times["first"] = batch[0].received_at.timestamp()
        times["last"] = now.timestamp()
        for msg in batch:
            for rec in msg.result.records:
                latencies.append((now - rec.ts).total_seconds() * 1000)
        times["stored"] += len(batch)
        if times["stored"] >= n:
            finished.set()

    ing = Ingester(IngestOptions(db_url, url, state, client_id=f"bench-ours-{os.getpid()}-{rate}",
                                 share_group=f"bench{int(rate)}", maintenance=False))
    ing.writer.on_commit = on_commit
    thread = threading.Thread(target=ing.run, daemon=True)
    thread.start()
    ing.receiver.connected.wait(10)
    pub = spawn_publisher(url, n, rate, f"ours{int(rate)}-")
    finished.wait(900)
    pub.wait()
    ing.stop()
    thread.join(30)
    return n / (times["last"] - times["first"]), latencies


def backlog_rss(url: str, db_url: str, rate: float, seconds: float, state: Path) -> tuple[int, float]:
    """Queue `seconds` of traffic at `rate` for an offline ingester session, then drain it in a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    cmd = [sys.executable, "-m", "smartward", "--database-url", db_url, "--mqtt-url", url, "--state-dir", str(state),
           "ingest", "--client-id", "bench-rss", "--share-group", "rss"]
    first = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    time.sleep(2)
    first.terminate()
    first.wait(30)                                  # the session stays, subscribed, while it is down
    n = int(rate * seconds)
    spawn_publisher(url, n, 0, "rss").wait()
    before = count(db_url)
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    start, peak = time.perf_counter(), 0
    while count(db_url) - before < n and time.perf_counter() - start < 600:
        peak = max(peak, vm_rss_kb(proc.pid))
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    peak = max(peak, vm_hwm_kb(proc.pid))
    proc.terminate()
    proc.wait(30)
    return peak // 1024, n / elapsed


def vm_rss_kb(pid: int) -> int:
    return _status_kb(pid, "VmRSS")


def vm_hwm_kb(pid: int) -> int:
    return _status_kb(pid, "VmHWM")


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def count(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        return int(conn.execute("SELECT count(*) FROM env_telemetry").fetchone()[0])  # type: ignore[index]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="messages per throughput run")
    ap.add_argument("--naive-n", type=int, default=20_000, help="messages for the naive reference (slow)")
    ap.add_argument("--rate", type=float, default=5000, help="msg/s for the latency run")
    ap.add_argument("--seconds", type=float, default=20, help="length of the latency run")
    ap.add_argument("--publish", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.publish:
        url, n, rate, prefix = args.publish
        publish(url, int(n), float(rate), prefix, f"bench-pub-{os.getpid()}")
        return
    with private_stack() as bench:
        urls, state = bench.urls, bench.state
        print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; paho {paho_version}")
        a = bare_counter(urls.mqtt_url, args.n)
        print(f"(a) bare paho counter, QoS 1:          {a:9.0f} msg/s")
        b = naive(urls.mqtt_url, urls.database_url, args.naive_n)
        print(f"(b) naive INSERT per message:          {b:9.0f} msg/s")
        ours_rate, _ = ours(urls.mqtt_url, urls.database_url, args.n, 0, state)
        print(f"ours, sustained (rows committed):      {ours_rate:9.0f} msg/s  = {ours_rate / a:.0%} of (a), "
              f"{ours_rate / b:.1f}× (b)")
        _, lat = ours(urls.mqtt_url, urls.database_url, int(args.rate * args.seconds), args.rate, state)
        print(f"ours, publish→committed at {args.rate:.0f} msg/s: p50 {pct(lat, 50):.0f} ms, "
              f"p99 {pct(lat, 99):.0f} ms, "
              f"max {max(lat):.0f} ms ({len(lat)} messages)")
        rss, drain = backlog_rss(urls.mqtt_url, urls.database_url, args.rate, 60, state)
        print(f"ours, draining a 1-minute backlog ({int(args.rate * 60)} msgs): peak RSS {rss} MB, {drain:.0f} msg/s")
        a_drain = bare_drain(urls.mqtt_url, int(args.rate * 60))
        print(f"(a) draining the same backlog:          {a_drain:9.0f} msg/s; ours = {drain / a_drain:.0%} of (a)")


if __name__ == "__main__":
    main()
