"""Ingest sessions and memory benchmark: scaling down under load, and a stalled database under a QoS 0 flood.

  1. Scale down: ``ioc ingest --workers 2`` under a steady QoS 1 load, stopped mid-stream and restarted as
     ``--workers 1``. Counts what was published, stored and stored twice, and what the broker still holds afterwards
     (every member's session and its queue, as ``ioc ingest --stats`` lists them), and how long the reclaim took.
  2. Memory: one ``ioc ingest`` process, its tables locked (every insert waits: a stalled database) while a separate
     process floods QoS 0. Samples the worker's resident memory; then unlocks and times the drain. ``--compare`` runs
     the same flood with the queue bound lifted (the behaviour before the bound) for contrast.
Rerun:  .venv/bin/python bench/bench_ingest_sessions.py [--n 60000] [--rate 3000] [--flood 300000] [--compare]
        [--flood-runs-only]
It starts its own private PostgreSQL+TimescaleDB and Mosquitto (or uses IOC_TEST_DATABASE_URL / IOC_TEST_MQTT_URL).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._stack import private_stack  # noqa: E402
from bench.bench_ingest import publish  # noqa: E402
from ioc import stack  # noqa: E402
from ioc.mqtt import MqttTarget, make_client  # noqa: E402
from pipelines.ingest.members import Membership  # noqa: E402
from pipelines.ingest.sessions import sessions  # noqa: E402

TABLES = ("env_telemetry", "camera_telemetry", "wifi_telemetry")


def flood(url: str, n: int) -> None:
    """n env readings at QoS 0, as fast as paho writes them."""
    target = MqttTarget.parse(url)
    client = make_client(target, protocol=mqtt.MQTTv311)
    client.connect(target.host, target.port, 30)
    client.loop_start()
    info = None
    for i in range(n):
        payload = orjson.dumps({"ts": int(time.time() * 1000), "seq": i, "pm25": 10 + i % 90, "temperature": 29.5,
                                "relativeHumidity": 0.7, "note": "x" * 64})
        info = client.publish(f"ioc/v1/env/flood{i % 500}/telemetry", payload, qos=0)
        if i % 5000 == 4999:
            info.wait_for_publish(60)   # keep paho's own outgoing queue (this process's memory) short
    if info is not None:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def ingest(urls: stack.Endpoints, state: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    cmd = [sys.executable, "-m", "smartward", "--database-url", urls.database_url, "--mqtt-url", urls.mqtt_url,
           "--state-dir", str(state), "ingest", *args]
    log = state / f"ingest-{time.monotonic_ns()}.log"   # kept: the worker's own account of pauses and reconnects
    print(f"   (ingester log: {log})")
    with log.open("wb") as err:
        return subprocess.Popen(cmd, env=env, cwd=REPO, stderr=err)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(120)


def rows(db: str, prefix: str) -> tuple[int, int]:
    """Rows and distinct readings of the devices whose id starts with ``prefix``."""
    with psycopg.connect(db) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT (device_id, ts, seq)) FROM env_telemetry "
                           "WHERE device_id LIKE %s", [prefix + "%"]).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def wait(pred: object, timeout: float, what: str) -> float:
    start = time.monotonic()
    while not pred():  # type: ignore[operator]
        if time.monotonic() - start > timeout:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)
    return time.monotonic() - start


def scale_down(urls: stack.Endpoints, state: Path, n: int, rate: float) -> None:
    group = ("--client-id", "bench-ingest", "--share-group", "bench")
    heartbeats = "SELECT count(*) FROM ingest_heartbeat WHERE (counters->>'running')::boolean"
    two = ingest(urls, state, "--workers", "2", *group)
    wait(lambda: _one(urls.database_url, heartbeats) >= 2, 60, "two workers")
    pub = subprocess.Popen([sys.executable, __file__, "--publish", urls.mqtt_url, str(n), str(rate), "sd"])
    time.sleep(n / rate / 3)
    t0 = time.monotonic()
    stop(two)
    one = ingest(urls, state, "--workers", "1", *group)
    print(f"   scaled 2 → 1 at {n / 3:.0f} of {n} messages; restart took {time.monotonic() - t0:.1f} s")
    pub.wait(600)
    drained = wait(lambda: rows(urls.database_url, "sd")[0] >= n, 300, "every message stored")
    target, members = MqttTarget.parse(urls.mqtt_url), Membership("bench-ingest", 1, "bench")
    reclaimed = wait(lambda: not any(r.ghost for r in sessions(urls.database_url, target, members)), 120,
                     "the ghost reclaimed")
    stop(one)
    stored, distinct = rows(urls.database_url, "sd")
    print(f"   published {n}, stored {stored}, distinct {distinct} (stored twice: {stored - distinct}); "
          f"all stored {drained:.1f} s after the publisher finished, ghost gone {reclaimed:.1f} s after that")
    for r in sessions(urls.database_url, target, Membership("bench-ingest", 2, "bench")):
        print(f"   broker session {r.member}: {r.state}, queued {r.queued}, configured now: {r.configured}")


def _one(db: str, query: str) -> int:
    with psycopg.connect(db) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def stalled_flood(urls: stack.Endpoints, state: Path, n: int, hold_s: float, *queue_args: str,
                  drain_timeout: float = 600) -> None:
    with psycopg.connect(urls.database_url) as conn:
        conn.execute("DELETE FROM env_telemetry WHERE device_id LIKE 'flood%'")
    proc = ingest(urls, state, "--client-id", f"bench-flood-{time.monotonic_ns()}", *queue_args)
    wait(lambda: _one(urls.database_url, "SELECT count(*) FROM ingest_heartbeat WHERE worker LIKE 'bench-flood%' "
                      "AND (counters->>'running')::boolean") >= 1, 60, "the worker")
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            kb = _rss_kb(proc.pid)
            peak[0] = max(peak[0], kb)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    blocker = psycopg.connect(urls.database_url)
    blocker.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
        sql.SQL(", ").join(map(sql.Identifier, TABLES))))
    t0 = time.monotonic()
    subprocess.run([sys.executable, __file__, "--flood-only", urls.mqtt_url, str(n)], check=True)
    flooded = time.monotonic() - t0
    time.sleep(hold_s)
    stalled = time.monotonic() - t0
    blocker.rollback()
    blocker.close()
    t1 = time.monotonic()
    try:
        wait(lambda: rows(urls.database_url, "flood")[0] >= n, drain_timeout, "the flood stored")
        drain = f"{time.monotonic() - t1:.1f} s"
    except SystemExit as exc:
        drain = str(exc)
    done.set()
    sampler.join()
    hwm = _status_kb(proc.pid, "VmHWM:")
    stop(proc)
    stored = rows(urls.database_url, "flood")[0]
    print(f"   {' '.join(queue_args) or 'default queue bound'}: {n} QoS 0 messages in {flooded:.1f} s, database "
          f"stalled {stalled:.0f} s; worker RSS peak {peak[0] / 1024:.0f} MB sampled every 0.2 s, VmHWM "
          f"{hwm / 1024:.0f} MB; after unlocking: stored {stored} in {drain}")


def _rss_kb(pid: int) -> int:
    return _status_kb(pid, "VmRSS:")


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=60_000, help="QoS 1 messages in the scale-down run")
    ap.add_argument("--rate", type=float, default=3000, help="msg/s of the scale-down load")
    ap.add_argument("--flood", type=int, default=300_000, help="QoS 0 messages in the stalled-database run")
    ap.add_argument("--hold", type=float, default=30, help="seconds the database stays stalled after the flood")
    ap.add_argument("--compare", action="store_true", help="also flood with the queue bound lifted")
    ap.add_argument("--flood-runs-only", action="store_true", help="skip the scale-down run")
    ap.add_argument("--publish", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--flood-only", dest="flood_args", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.publish:
        url, n, rate, prefix = args.publish
        publish(url, int(n), float(rate), prefix, f"bench-pub-{os.getpid()}")
        return
    if args.flood_args:
        flood(args.flood_args[0], int(args.flood_args[1]))
        return
    with private_stack() as bench:
        urls, state = bench.urls, bench.state
        print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
        if not args.flood_runs_only:
            print("1. scale down 2 → 1 workers under load")
            scale_down(urls, state, args.n, args.rate)
        print("2. stalled database, QoS 0 flood")
        stalled_flood(urls, state, args.flood, args.hold)
        if args.compare:
            stalled_flood(urls, state, args.flood, args.hold, "--queue-messages", "10000000", "--queue-mb", "100000")
        print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
