"""Alarm storm benchmark: how many notifications does a storm produce, and is every one of them recorded?

Simulated time, real components (a private PostgreSQL+TimescaleDB, the real evaluator ``runner.cycle``, the real
notifier ``Dispatcher.cycle`` and a real local HTTP webhook receiver), stepped every 20 s for 30 minutes:
  * 1,000 PM2.5 stations in 4 wards oscillate around the rule's raise level (100 µg/m³, cleared below 80):
    948 swing 88–112 (inside the hysteresis band after the raise), 52 swing wildly 60↔130 every minute
    (raise, clear, raise …: the flapping guard's case);
  * at minute 10, 200 cameras of 2 wards go offline together.
It prints the events recorded, those held (and why), the messages queued, sent and received, and the wall time.
Rerun:  .venv/bin/python bench/bench_alarm_storm.py [--minutes 30] [--step 20]
It starts its own private PostgreSQL (or uses IOC_TEST_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._stack import private_stack  # noqa: E402
from ioc import config  # noqa: E402
from pipelines.alarms import runner, store  # noqa: E402
from pipelines.alarms.notify import routes  # noqa: E402
from pipelines.alarms.notify.dispatcher import Dispatcher  # noqa: E402
from pipelines.alarms.notify.webhook import WebhookChannel  # noqa: E402
from pipelines.alarms.rules import Rule  # noqa: E402
from tests.alarms.receivers import http_server  # noqa: E402

WARDS = ("26734", "26737", "26740", "26743")
RULES = [
    {"id": "pm25-high", "name": {"vi": "Bụi mịn PM2.5 cao", "en": "High PM2.5"}, "kind": "threshold",
     "metric": "pm25", "severity": "major", "owner": "environment", "raise": {"op": ">=", "value": 100},
     "clear": {"op": "<", "value": 80}, "for": "30s", "clear_for": "30s"},
    {"id": "camera-offline", "name": {"vi": "Camera mất kết nối", "en": "Camera offline"}, "kind": "device_offline",
     "severity": "major", "owner": "it_ops", "for": "1m", "scope": {"kinds": ["camera"]}},
]
ROUTES = """version: 1
group_wait: 30s
repeat_interval: 5m
routes:
  - {name: all, notify: [{channel: webhook, to: "%s/hook"}]}
"""


def setup(conn: psycopg.Connection, start: datetime) -> None:
    store.save_rules(conn, [Rule.model_validate(r) for r in RULES], "bench")
    rows = [(f"env-{i:04d}", "env", WARDS[i % 4]) for i in range(1000)]
    rows += [(f"cam-{i:03d}", "camera", WARDS[i % 2]) for i in range(200)]
    with conn.cursor() as cur:
        cur.executemany("""INSERT INTO devices (device_id, kind, ward_code, registered, registered_at, online,
                                               last_data_at) VALUES (%s, %s, %s, true, %s, true, %s)""",
                        [(d, k, w, start - timedelta(days=1), start) for d, k, w in rows])


def pm25(i: int, t: float, rng: random.Random) -> float:
    if i % 80 < 4:                     # the wild 5 % (52, in every ward): a square wave, a minute up, a minute down
        return 130.0 if int(t // 60) % 2 == 0 else 60.0
    return 100 + 12 * math.sin(2 * math.pi * t / 360 + i) + rng.uniform(-0.5, 0.5)


def step(conn: psycopg.Connection, at: datetime, t: float, rng: random.Random) -> None:
    with conn.cursor() as cur, cur.copy("COPY env_telemetry (ts, device_id, received_at, pm25) FROM STDIN") as cp:
        for i in range(1000):
            cp.write_row((at, f"env-{i:04d}", at, pm25(i, t, rng)))
    # as the ingester does in the data's transaction: the registry is the evaluator's change feed
    conn.execute("UPDATE devices SET last_seen_at = %s, last_data_at = %s WHERE kind = 'env'", [at, at])
    conn.execute("""INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at) VALUES ('bench', %s, %s)
                    ON CONFLICT (worker) DO UPDATE SET updated_at = excluded.updated_at,
                        last_commit_at = excluded.last_commit_at""", [at, at])


def storm(url: str, minutes: float, step_s: float) -> None:
    rng = random.Random(17)
    start = datetime.now(UTC).replace(microsecond=0)
    with http_server() as receiver, psycopg.connect(url, autocommit=True) as conn:
        setup(conn, start)
        notifier = Dispatcher(routes.parse(ROUTES % receiver.url), {"webhook": WebhookChannel("bench")},
                              config.load().tz)
        began, evaluating, notifying = time.perf_counter(), 0.0, 0.0
        memory = runner.Memory()         # what the evaluator judged, kept across its cycles as `ioc alarms run` does
        steps = int(minutes * 60 / step_s)
        for n in range(steps + 1):
            t = n * step_s
            at = start + timedelta(seconds=t)
            if t == 600:
                conn.execute("UPDATE devices SET online = false, online_changed_at = %s WHERE kind = 'camera'", [at])
            step(conn, at, t, rng)
            t0 = time.perf_counter()
            runner.cycle(conn, config.load().tz, 120, at, memory)
            t1 = time.perf_counter()
            notifier.cycle(conn, at)
            evaluating, notifying = evaluating + t1 - t0, notifying + time.perf_counter() - t1
        report(conn, len(receiver.requests), time.perf_counter() - began, evaluating, notifying, steps)
        for key, minute, kinds in conn.execute("""
                SELECT d.group_key, extract(epoch FROM d.created_at - %s) / 60,
                       (SELECT string_agg(event || ' ' || n, ', ') FROM (
                            SELECT e.event, count(*) AS n FROM alarm_events e WHERE e.id = ANY(d.event_ids)
                            GROUP BY 1 ORDER BY 1) k)
                FROM alarm_deliveries d ORDER BY d.id""", [start]):
            print(f"  message at minute {minute:4.1f}: {key}: {kinds}")


def report(conn: psycopg.Connection, received: int, wall: float, evaluating: float, notifying: float,
           steps: int) -> None:
    def one(query: str) -> int:
        row = conn.execute(query).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    held = conn.execute("""SELECT coalesce(held_by, 'notify'), count(*) FROM alarm_events GROUP BY 1
                           ORDER BY 2 DESC""").fetchall()
    by_rule = conn.execute("""SELECT split_part(group_key, '|', 1), count(*) FROM alarm_deliveries
                              GROUP BY 1 ORDER BY 1""").fetchall()
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}; {steps} steps")
    alarms, flapping = one("SELECT count(*) FROM alarms"), one("SELECT count(*) FROM alarms WHERE flapping")
    print(f"alarms raised: {alarms} (flapping: {flapping})")
    events = one("SELECT count(*) FROM alarm_events")
    print(f"events recorded: {events}; by verdict: " + ", ".join(f"{k} {v}" for k, v in held))
    handed = one("SELECT count(*) FROM alarm_events WHERE delivered_at IS NOT NULL")
    waiting = one("SELECT count(*) FROM alarm_events WHERE notify AND delivered_at IS NULL")
    print(f"notify events handed to the notifier: {handed}; still waiting for their group: {waiting}")
    queued, sent = one("SELECT count(*) FROM alarm_deliveries"), one(
        "SELECT count(*) FROM alarm_deliveries WHERE status = 'sent'")
    print(f"messages (deliveries) queued: {queued}, by rule: " + ", ".join(f"{k} {v}" for k, v in by_rule)
          + f"; sent {sent}; received {received}")
    print(f"wall {wall:.1f} s: evaluator {evaluating:.1f} s, notifier {notifying:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--step", type=float, default=20, help="simulated seconds per evaluation cycle")
    args = ap.parse_args()
    with private_stack() as bench:
        urls = bench.urls
        storm(urls.database_url, args.minutes, args.step)


if __name__ == "__main__":
    main()
