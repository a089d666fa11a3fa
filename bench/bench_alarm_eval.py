"""Alarm evaluator cost benchmark: what does ``ioc alarms run`` cost next to the ingester it follows?

Real components, separate processes, a private PostgreSQL+TimescaleDB and Mosquitto:
  * 10,000 registered env stations in 40 wards; a publisher process sends their readings (PM2.5, temperature,
    humidity) at QoS 1 at ``--rate`` msg/s (default 5,000) for ``--seconds`` (default 180);
  * ``ioc ingest`` stores them; ``ioc alarms run`` evaluates the default rules (data/alarms/default_rules.yaml) plus a
    per-device threshold rule set of ``--rules`` rules (default 120: one PM2.5 rule per ward, rules for lists of 25
    sensitive sites each with their own level, city-wide PM2.5 and temperature rules);
  * every few seconds the benchmark publishes one extreme reading of a probe station (which otherwise stays quiet)
    and watches the database for the row's commit and for its alarm (polling every 50 ms).
It prints the CPU time (user + system, /proc via psutil) of each process and of its PostgreSQL backends (found by
application_name), the evaluator's share of the ingester's, and the commit → alarm delay (p50/p95/max).

``--cycles N`` measures one evaluation cycle at the full shape instead, without the broker: before each cycle every
one of the 9,950 stations gets a new reading (10,000 readings per 2 s cycle are 5,000 msg/s), written with the
registry update the ingester makes; it prints the evaluator's CPU per cycle (its Python and its PostgreSQL backend).
On a shared machine that cannot ingest 5,000 msg/s, this is the figure to set against the ingester's CPU per message.
Rerun:  .venv/bin/python bench/bench_alarm_eval.py [--devices 10000] [--rate 5000] [--seconds 180] [--rules 120]
        .venv/bin/python bench/bench_alarm_eval.py --cycles 10
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import psutil
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._stack import private_stack  # noqa: E402
from ioc.mqtt import MqttTarget, make_client  # noqa: E402
from pipelines.alarms import rules, store  # noqa: E402

WARDS = [f"{26700 + i}" for i in range(40)]
PROBES = 50                       # quiet stations whose one extreme reading is timed to its alarm
EXTREME = {"id": "pm25-extreme", "name": {"vi": "PM2.5 cực cao", "en": "Extreme PM2.5"}, "kind": "threshold",
           "metric": "pm25", "severity": "critical", "owner": "environment", "raise": {"op": ">=", "value": 500},
           "clear": {"op": "<", "value": 300}}


def device_ids(n: int) -> list[str]:
    return [f"env-{i:05d}" for i in range(n - PROBES)] + [f"probe-{i:02d}" for i in range(PROBES)]


def rule_set(n: int, devices: list[str]) -> list[rules.Rule]:
    """A realistic rule set: per ward, per list of sensitive sites (schools, hospitals), city-wide; never met by the
    normal readings (10–60 µg/m³, 27–33 °C), so the cost measured is the evaluation, not a storm."""
    out = [rules.Rule.model_validate(EXTREME), rules.Rule.model_validate(
        EXTREME | {"id": "heat", "name": {"vi": "Nóng", "en": "Heat"}, "metric": "temperature", "severity": "minor",
                   "raise": {"op": ">=", "value": 45}, "clear": {"op": "<", "value": 40}, "for": "5m"})]
    for w in WARDS:
        out.append(rules.Rule.model_validate(EXTREME | {
            "id": f"pm25-ward-{w}", "name": {"vi": f"Bụi mịn phường {w}", "en": f"PM2.5 ward {w}"},
            "severity": "major", "raise": {"op": ">=", "value": 200}, "clear": {"op": "<", "value": 150},
            "for": "2m", "scope": {"wards": [w]}}))
    rng = random.Random(7)
    regular = devices[:-PROBES]
    for i in range(n - len(out)):
        level = 120 + 10 * (i % 5)
        out.append(rules.Rule.model_validate(EXTREME | {
            "id": f"pm25-sites-{i:03d}", "name": {"vi": f"Bụi mịn điểm nhạy cảm {i}", "en": f"PM2.5 sensitive {i}"},
            "severity": "major", "raise": {"op": ">=", "value": level}, "clear": {"op": "<", "value": level - 30},
            "for": "1m", "scope": {"devices": rng.sample(regular, 25)}}))
    return out


def setup(url: str, devices: list[str], n_rules: int, rate: float = 5000) -> None:
    """Stations that were reporting until now, at the interval the publisher's round gives each (at least 60 s):
    no missing-data storm at start, so the cost measured is the evaluation of their readings."""
    interval = max(60, math.ceil(2 * len(devices) / rate))
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor() as cur, cur.copy("COPY devices (device_id, kind, ward_code, registered, registered_at, "
                                            "expected_interval_s, last_data_at, last_seen_at) FROM STDIN") as cp:
            now = datetime.now(UTC)
            for i, d in enumerate(devices):
                # probes send once: a long interval keeps them out of missing_data
                cp.write_row((d, "env", WARDS[i % len(WARDS)], True, "2026-01-01T00:00:00Z",
                              86400 if d.startswith("probe") else interval, now, now))
        store.save_rules(conn, rules.load(REPO / "data/alarms/default_rules.yaml"), "default_rules.yaml")
        store.save_rules(conn, rule_set(n_rules, devices), "bench")


# -- the publisher (a separate process) -------------------------------------------------------------------------
def publish(url: str, n_devices: int, rate: float, seconds: float) -> None:
    target = MqttTarget.parse(url)
    client = make_client(target, f"bench-eval-pub-{os.getpid()}", protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)
    slots = threading.Semaphore(1000)
    client.on_publish = lambda c, u, mid, rc, p: slots.release()
    client.connect(target.host, target.port, 30)
    client.loop_start()
    ids = device_ids(n_devices)[:-PROBES]
    rng = random.Random(1)
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < seconds:
        slots.acquire()
        ahead = start + i / rate - time.perf_counter()
        if ahead > 0:
            time.sleep(ahead)
        dev = ids[i % len(ids)]
        payload = orjson.dumps({"ts": int(time.time() * 1000), "seq": i, "pm25": round(rng.uniform(10, 60), 1),
                                "temperature": round(rng.uniform(27, 33), 1), "relativeHumidity": 0.7})
        client.publish(f"ioc/v1/env/{dev}/telemetry", payload, qos=1)
        i += 1
    for _ in range(1000):
        slots.acquire()
    client.disconnect()
    client.loop_stop()
    print(f"published {i} messages in {time.perf_counter() - start:.1f} s", flush=True)


# -- CPU accounting ----------------------------------------------------------------------------------------------
class Cpu:
    """CPU seconds of a process and of its PostgreSQL backends (application_name), from a start mark."""

    def __init__(self, url: str, proc: subprocess.Popen[bytes], app: str) -> None:
        self.url, self.proc, self.app = url, psutil.Process(proc.pid), app
        self.start_own = 0.0
        self.backends: dict[int, list[float]] = {}   # pid -> [cpu at mark (or 0 if newer), last cpu seen]

    def _own(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    def sample(self, conn: psycopg.Connection, mark: bool = False) -> None:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                                           [self.app]).fetchall()]
        for pid in pids:
            try:
                t = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue
            seen = self.backends.setdefault(pid, [0.0, 0.0])
            seen[1] = t.user + t.system
            if mark:
                seen[0] = seen[1]
        if mark:
            self.backends = {p: v for p, v in self.backends.items() if p in pids}
            self.start_own = self._own()

    def totals(self) -> tuple[float, float]:
        return self._own() - self.start_own, sum(last - first for first, last in self.backends.values())


def spawn(url_db: str, url_mq: str, state: Path, app: str, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")} | {"PGAPPNAME": app,
                                                                               "IOC_LOG_LEVEL": "WARNING"}
    # beside the stack's state folder, named after it; never the benchmark's own stdout (a child would hold it open)
    log = (state.parent / f"{state.name}-{app}.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "smartward", "--database-url", url_db, "--mqtt-url", url_mq,
                             "--state-dir", str(state), *args], env=env, cwd=REPO, stdout=log, stderr=log)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# -- the commit → alarm delay ------------------------------------------------------------------------------------
def probe(url_mq: str, conn: psycopg.Connection, device: str, seq: int) -> tuple[float, float] | None:
    """Publish one extreme reading; (commit seen → alarm seen, publish → alarm seen) in seconds, None when the
    reading was not stored within 120 s or its alarm did not come within 30 s of that."""
    target = MqttTarget.parse(url_mq)
    client = make_client(target, f"bench-probe-{os.getpid()}", protocol=mqtt.MQTTv311)
    client.connect(target.host, target.port, 30)
    client.loop_start()
    sent = time.perf_counter()
    client.publish(f"ioc/v1/env/{device}/telemetry", orjson.dumps({"ts": int(time.time() * 1000), "seq": seq,
                                                                    "pm25": 900.0}), qos=1).wait_for_publish(10)
    client.disconnect()
    client.loop_stop()
    committed = None
    while True:      # the reading may queue behind a backlog: up to 120 s to be stored, then 30 s for its alarm
        now = time.perf_counter()
        if committed is None and now - sent > 120 or committed is not None and now - committed > 30:
            break
        if committed is None and conn.execute("SELECT 1 FROM env_telemetry WHERE device_id = %s AND seq = %s",
                                              [device, seq]).fetchone():
            committed = now
        if committed is not None and conn.execute(
                "SELECT 1 FROM alarms WHERE rule_id = 'pm25-extreme' AND entity = %s", [device]).fetchone():
            return now - committed, now - sent
        time.sleep(0.05)
    print(f"probe {device}: " + (f"stored {committed - sent:.1f} s after publishing, no alarm 30 s later"
                                 if committed else "not stored 120 s after publishing"), flush=True)
    return None


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def cycle_cost(args: argparse.Namespace) -> None:
    from zoneinfo import ZoneInfo

    from pipelines.alarms import runner

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with private_stack() as bench, psycopg.connect(bench.urls.database_url, autocommit=True) as conn:
        devices = device_ids(args.devices)
        stations = devices[:-PROBES]
        setup(bench.urls.database_url, devices, args.rules)
        backend = psutil.Process(conn.execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]
        conn.execute("INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at) VALUES ('b', now(), now())")
        # twelve hours of hourly rollups, as the ingester's maintenance keeps them: what the VN_AQI rule reads
        conn.execute("""INSERT INTO rollup_1h (bucket, device_id, metric, n, sum, min, max)
                        SELECT date_trunc('hour', now()) - h * interval '1 hour', d, m, 1800, 1800 * 35, 10, 60
                        FROM unnest(%s::text[]) d, generate_series(0, 11) h, unnest(ARRAY['pm25', 'pm10']) m""",
                     [stations])

        def readings(i: int) -> None:        # what the ingester writes for 10,000 messages, in one go
            conn.execute("""INSERT INTO env_telemetry (ts, device_id, seq, received_at, pm25, temperature,
                                                       relative_humidity)
                            SELECT now(), d, %s, now(), 10 + random() * 50, 27 + random() * 6, 0.7
                            FROM unnest(%s::text[]) d""", [i, stations])
            conn.execute("UPDATE devices SET last_seen_at = now(), last_data_at = now() WHERE device_id = ANY(%s)",
                         [stations])
            conn.execute("UPDATE ingest_heartbeat SET updated_at = now(), last_commit_at = now()")

        memory = runner.Memory()
        readings(0)
        runner.cycle(conn, tz, 120, memory=memory)     # the first cycle of a process reads more (2 minutes back)
        me = psutil.Process()

        def measured(i: int) -> tuple[float, float, float, int]:
            readings(i)
            p0, g0, t0 = me.cpu_times(), backend.cpu_times(), time.perf_counter()
            stats = runner.cycle(conn, tz, 120, memory=memory)
            t1, p1, g1 = time.perf_counter(), me.cpu_times(), backend.cpu_times()
            return (p1.user + p1.system - p0.user - p0.system, g1.user + g1.system - g0.user - g0.system, t1 - t0,
                    stats.rules)

        runs = [measured(i) for i in range(1, args.cycles + 1)]
        memory.judged_at.clear()                        # the once-a-minute VN_AQI rule is due: one more cycle
        slow = measured(args.cycles + 1)
    n = len(runs)
    py, pg, wall = (sum(r[k] for r in runs) / n for k in range(3))
    extra = slow[0] + slow[1] - py - pg
    per_cycle = py + pg + extra / 30                    # 30 cycles of 2 s a minute, one of them with VN_AQI
    print(f"{len(stations)} stations with a new reading per cycle, {runs[-1][3]} rules a cycle (+ VN_AQI once a "
          f"minute): per cycle {1000 * (py + pg):.0f} ms CPU ({1000 * py:.0f} python + {1000 * pg:.0f} postgres), "
          f"{1000 * wall:.0f} ms wall; the VN_AQI cycle {1000 * (slow[0] + slow[1]):.0f} ms CPU, "
          f"{1000 * slow[2]:.0f} ms wall; averaged over a minute {1000 * per_cycle:.0f} ms per cycle, "
          f"{100 * per_cycle / 2:.1f} % of a core", flush=True)


def run(args: argparse.Namespace) -> None:
    with private_stack() as bench:
        db, mq = bench.urls.database_url, bench.urls.mqtt_url
        devices = device_ids(args.devices)
        setup(db, devices, args.rules, args.rate)
        ingest = spawn(db, mq, bench.state, "bench-ingest", "ingest")
        alarms = spawn(db, mq, bench.state, "bench-alarms", "alarms", "run")
        time.sleep(5)
        pub = subprocess.Popen([sys.executable, __file__, "--publish", mq, str(args.devices), str(args.rate),
                                str(args.seconds + args.warmup)])
        conn = psycopg.connect(db, autocommit=True)
        cpus = {"ingest": Cpu(db, ingest, "bench-ingest"), "alarms": Cpu(db, alarms, "bench-alarms")}
        time.sleep(args.warmup)
        for c in cpus.values():
            c.sample(conn, mark=True)
        rows0 = conn.execute("SELECT count(*) FROM env_telemetry").fetchone()[0]  # type: ignore[index]
        started = time.perf_counter()
        load0 = os.getloadavg()
        delays: list[tuple[float, float]] = []
        misses = 0
        k = 0
        while time.perf_counter() - started < args.seconds - 5 and k < PROBES:
            for c in cpus.values():
                c.sample(conn)
            got = probe(mq, conn, devices[-PROBES + k], 1_000_000 + k)
            k += 1
            if got is None:
                misses += 1
            else:
                delays.append(got)
            time.sleep(max(0.0, args.seconds / PROBES - 1))
        for c in cpus.values():
            c.sample(conn)
        elapsed = time.perf_counter() - started
        rows1 = conn.execute("SELECT count(*) FROM env_telemetry").fetchone()[0]  # type: ignore[index]
        totals = {name: c.totals() for name, c in cpus.items()}
        load1 = os.getloadavg()
        report(args, elapsed, rows1 - rows0, totals, delays, misses, (load0[0], load1[0]))
        pub.wait()
        for p in (alarms, ingest):
            stop(p)
        conn.close()


def report(args: argparse.Namespace, elapsed: float, rows: int, totals: dict[str, tuple[float, float]],
           delays: list[tuple[float, float]], misses: int, load: tuple[float, float]) -> None:
    stored = rows / elapsed
    ing_py, ing_pg = totals["ingest"]
    al_py, al_pg = totals["alarms"]
    print(f"\n{args.devices} devices, {args.rules} bench rules + the defaults, {elapsed:.0f} s measured "
          f"(after {args.warmup:.0f} s warm-up)")
    print(f"rows stored: {stored:,.0f} /s (target rate {args.rate:,.0f})")
    print(f"ingester CPU: {ing_py:.1f} s python + {ing_pg:.1f} s postgres = {ing_py + ing_pg:.1f} s "
          f"({100 * (ing_py + ing_pg) / elapsed:.0f} % of a core)")
    print(f"evaluator CPU: {al_py:.1f} s python + {al_pg:.1f} s postgres = {al_py + al_pg:.1f} s "
          f"({100 * (al_py + al_pg) / elapsed:.0f} % of a core)")
    print(f"evaluator / ingester: {100 * (al_py + al_pg) / (ing_py + ing_pg):.1f} % "
          f"(python only: {100 * al_py / ing_py:.1f} %)")
    if delays:
        commit = [d for d, _ in delays]
        print(f"commit → alarm: p50 {pct(commit, 50):.2f} s, p95 {pct(commit, 95):.2f} s, max {max(commit):.2f} s; "
              f"publish → alarm p50 {pct([p for _, p in delays], 50):.2f} s")
    print(f"probes: {len(delays)} alarmed, {misses} not (see above)")
    print(f"load average (1 min) at start / end: {load[0]:.2f} / {load[1]:.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=5000, help="msg/s")
    ap.add_argument("--seconds", type=float, default=180, help="measured seconds")
    ap.add_argument("--warmup", type=float, default=20)
    ap.add_argument("--rules", type=int, default=120, help="bench threshold rules besides the defaults")
    ap.add_argument("--cycles", type=int, default=0, help="measure N cycles at the full shape, without the broker")
    ap.add_argument("--publish", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cycles:
        cycle_cost(args)
        return
    if args.publish:
        url, n, rate, seconds = args.publish
        publish(url, int(n), float(rate), float(seconds))
        return
    run(args)


if __name__ == "__main__":
    main()
