"""Ingest throughput (issue 16, part 2): `ioc ingest` against references, with a C publisher that is not the limit.

One run on one machine, its own PostgreSQL+TimescaleDB and Mosquitto, the ingester as real `ioc ingest` processes:
  - the C publisher's own ceiling (bench/c/pubload.c, compiled here: no subscriber at all);
  - (a) a bare paho counter: draining a backlog, and live behind the C publisher;
  - (b) a naive ingester that INSERTs each message in on_message (live);
  - ours with --workers 1 and 2: backlog drain (rate, peak RSS of the whole process tree), live sustained rate;
  - publish→committed p50/p99 at a fixed rate (commit time from PostgreSQL's commit timestamps, publish time from
    the payload's ts, same clock).
Rates of ours are rows in the database: from the first message received to the last row committed.
Rerun:  .venv/bin/python bench/bench_throughput.py [--backlog 300000] [--live 300000] [--rate 5000] [--seconds 20]
        [--profile 20]   (py-spy record of ours draining, top functions printed)
Needs cc and libmosquitto-dev (scripts/setup.sh --dev installs them).
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.properties import Properties

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._naive import naive_insert  # noqa: E402
from bench._stack import private_stack  # noqa: E402
from ioc.mqtt import MqttTarget, make_client  # noqa: E402

PY = sys.executable


# -- the C publisher ---------------------------------------------------------------------------------------------
class Pubload:
    def __init__(self, state: Path, target: MqttTarget) -> None:
        self.tool, self.target = state / "pubload", target
        subprocess.run(["cc", "-O2", "-o", str(self.tool), str(REPO / "bench/c/pubload.c"), "-lmosquitto"],
                       check=True)

    def cmd(self, n: int, rate: float = 0, prefix: str = "load-", procs: int = 2, devices: int = 4000) -> list[str]:
        auth = ["-u", self.target.username, "-w", self.target.password or ""] if self.target.username else []
        return [str(self.tool), "-H", self.target.host, "-p", str(self.target.port), *auth, "-n", str(n),
                "-r", str(rate), "-P", str(procs), "-d", str(devices), "-x", prefix]

    def start(self, n: int, rate: float = 0, prefix: str = "load-") -> subprocess.Popen[str]:
        return subprocess.Popen(self.cmd(n, rate, prefix), stdout=subprocess.PIPE, text=True)

    def run(self, n: int, rate: float = 0, prefix: str = "load-") -> float:
        """Publish n messages; msg/s from the first publish to the last PUBACK."""
        return self.wait(self.start(n, rate, prefix))

    @staticmethod
    def wait(proc: subprocess.Popen[str]) -> float:
        out, _ = proc.communicate(timeout=900)
        if proc.returncode:
            raise RuntimeError(f"pubload failed ({proc.returncode})")
        return float(out.split()[2])


# -- (a) bare paho counter and (b) naive INSERT ------------------------------------------------------------------
def counter(target: MqttTarget, cid: str, n: int, handle: object = None, persistent: bool = False) -> tuple[
        mqtt.Client, threading.Event, dict[str, float]]:
    client = make_client(target, cid, clean_start=not persistent)
    seen = {"n": 0.0, "first": 0.0, "last": 0.0}
    done = threading.Event()

    def on_message(c: mqtt.Client, u: object, m: mqtt.MQTTMessage) -> None:
        if handle is not None:
            handle(m)  # type: ignore[operator]
        seen["n"] += 1
        seen["last"] = time.perf_counter()
        seen["first"] = seen["first"] or seen["last"]
        if seen["n"] >= n:
            done.set()

    client.on_message = on_message
    client.connect(target.host, target.port, 30, clean_start=not persistent,
                   properties=_session_props() if persistent else None)
    client.subscribe("ioc/v1/+/+/+", qos=1)
    client.loop_start()
    time.sleep(0.5)
    return client, done, seen


def _session_props() -> Properties:
    from paho.mqtt.packettypes import PacketTypes

    from ioc.mqtt import properties
    return properties(PacketTypes.CONNECT, SessionExpiryInterval=3600)


def live_reference(pub: Pubload, target: MqttTarget, n: int, name: str, handle: object = None) -> float:
    client, done, seen = counter(target, f"bench-{name}-{os.getpid()}", n, handle)
    pub.run(n, 0, f"{name}-")
    done.wait(900)
    client.disconnect()
    client.loop_stop()
    return n / (seen["last"] - seen["first"])


def bare_drain(pub: Pubload, target: MqttTarget, n: int) -> float:
    cid = f"bench-bare-drain-{os.getpid()}"
    client, _, _ = counter(target, cid, n, persistent=True)
    client.disconnect()
    client.loop_stop()
    pub.run(n, 0, "bdrain-")
    start = time.perf_counter()
    client, done, seen = counter(target, cid, n, persistent=True)
    done.wait(900)
    client.disconnect()
    client.loop_stop()
    return seen["n"] / (seen["last"] - start)


def naive(pub: Pubload, target: MqttTarget, db_url: str, n: int) -> float:
    conn = psycopg.connect(db_url, autocommit=True)

    insert = naive_insert(conn)

    try:
        return live_reference(pub, target, n, "naive", insert)
    finally:
        conn.close()


# -- ours: `ioc ingest` processes --------------------------------------------------------------------------------
class Ours:
    def __init__(self, urls: object, state: Path, name: str, workers: int, profile: float = 0,
                 extra: tuple[str, ...] = ()) -> None:
        self.db, self.name, self.workers = urls.database_url, name, workers  # type: ignore[attr-defined]
        self.state = state
        self.cmd = [PY, "-m", "smartward", "--database-url", self.db, "--mqtt-url",
                    urls.mqtt_url, "--state-dir", str(state / name),  # type: ignore[attr-defined]
                    "ingest", "--client-id", name, "--share-group", name, "--workers", str(workers), *extra]
        # py-spy attaches to the running worker (and its writer process) for ``profile`` seconds
        self.spy = [str(Path(PY).parent / "py-spy"), "record", "--subprocesses", "--nonblocking", "-r", "100",
                    "-d", str(int(profile)), "-f", "raw", "-o", str(state / f"profile-{name}.txt"),
                    "--pid"] if profile else []
        self.proc: subprocess.Popen[bytes] | None = None
        self.spy_proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
        self.started = time.time()
        self.proc = subprocess.Popen(self.cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
        if self.spy:
            time.sleep(2.0)   # its writer process is up
            with (self.state / "py-spy.log").open("w") as spy_log:
                self.spy_proc = subprocess.Popen([*self.spy, str(self.proc.pid)], stdout=spy_log, stderr=spy_log)

    def wait_ready(self) -> None:
        """Every worker has beaten since this start (it is connected and subscribed by then)."""
        members = [f"{self.name}-{i}" for i in range(self.workers)]
        deadline = time.time() + 60
        while time.time() < deadline:
            with psycopg.connect(self.db) as conn:
                rows = conn.execute("SELECT count(*) FROM ingest_heartbeat WHERE worker = ANY(%s) AND "
                                    "updated_at > to_timestamp(%s) AND (counters->>'running')::bool",
                                    [members, self.started]).fetchone()
            if rows and rows[0] == self.workers:
                return
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} did not start")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(120)
        if self.spy_proc is not None:
            self.spy_proc.wait(120)

    def rss_mb(self) -> float:
        assert self.proc is not None
        return sum(_status_kb(pid, "VmRSS") for pid in _tree(self.proc.pid)) / 1024


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


# -- where the CPU goes: per process group, in CPU seconds (not wall time: other work on the machine does not count)
_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICK   # utime, stime
    except OSError:
        return 0.0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _exe(pid: int) -> str:
    words = _cmdline(pid).split()
    return Path(words[0]).name if words else ""


class CpuMeter:
    """CPU seconds of the broker, PostgreSQL (postmaster and every backend) and the ingester's processes (receiving
    and writer, told apart by the writer's spawn command line) between start() and stop()."""

    def __init__(self, state: Path, ours: Ours) -> None:
        pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
        roots = {g: next((p for p in pids if str(state) in _cmdline(p) and _exe(p) == g), None)
                 for g in ("mosquitto", "postgres")}
        self.roots, self.ours = roots, ours

    def sample(self) -> dict[str, dict[int, float]]:
        out: dict[str, dict[int, float]] = {"mosquitto": {}}
        mq = self.roots["mosquitto"]
        out["mosquitto"] = {p: _cpu_s(p) for p in _tree(mq)} if mq else {}
        with psycopg.connect(self.ours.db, autocommit=True) as conn:   # PostgreSQL's processes by what they do
            kinds: dict[int, str] = dict(conn.execute(
                "SELECT pid, coalesce(nullif(application_name, ''), backend_type) FROM pg_stat_activity").fetchall())
        pg = self.roots["postgres"]
        for p in _tree(pg) if pg else []:
            kind = str(kinds.get(p, "postmaster / other"))
            kind = "writer" if kind == "ioc-ingest-writer" else "maintenance (rollups)" \
                if kind == "ioc-ingest-maintenance" else "other" if kind.startswith("ioc-") else kind
            out.setdefault(f"pg: {kind}", {})[p] = _cpu_s(p)
        tree = _tree(self.ours.proc.pid) if self.ours.proc else []
        out["ours: writer"] = {p: _cpu_s(p) for p in tree if "multiprocessing" in _cmdline(p)}
        out["ours: receiving"] = {p: _cpu_s(p) for p in tree if p not in out["ours: writer"]}
        return out

    @staticmethod
    def per_message_us(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]],
                       n: int) -> dict[str, float]:
        was = {p: cpu for pids in before.values() for p, cpu in pids.items()}
        return {g: 1e6 * sum(cpu - was.get(p, 0.0) for p, cpu in pids.items()) / n for g, pids in after.items()}


def stored(db: str, prefix: str) -> int:
    with psycopg.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM env_telemetry WHERE device_id LIKE %s",
                                [prefix + "%"]).fetchone()[0])  # type: ignore[index]


def span_rate(db: str, prefix: str) -> float:
    """Rows ÷ (last commit − first receipt) of one run's rows (PostgreSQL's own commit timestamps)."""
    with psycopg.connect(db) as conn:
        n, secs = conn.execute(
            "SELECT count(*), extract(epoch FROM max(pg_xact_commit_timestamp(xmin)) - min(received_at)) "
            "FROM env_telemetry WHERE device_id LIKE %s", [prefix + "%"]).fetchone()  # type: ignore[misc]
    return float(n) / float(secs)


def wait_rows(db: str, prefix: str, n: int, ours: Ours | None = None, timeout: float = 900,
              cpu: dict[str, float] | None = None) -> float:
    """Wait until n rows of the run are stored; the peak RSS (MB) of the ingester's process tree meanwhile.
    With ``cpu``, it is filled with each process group's CPU µs per message over the run."""
    peak, deadline, last = 0.0, time.time() + timeout, 0.0
    meter = CpuMeter(Path(ours.cmd[ours.cmd.index("--state-dir") + 1]).parent, ours) if ours and cpu is not None \
        else None
    before = meter.sample() if meter else {}
    while time.time() < deadline:
        if ours is not None:
            peak = max(peak, ours.rss_mb())
        if time.time() - last > 0.5:
            if stored(db, prefix) >= n:
                if meter is not None and cpu is not None:
                    cpu.update(meter.per_message_us(before, meter.sample(), n))
                return peak
            last = time.time()
        time.sleep(0.1)
    raise TimeoutError(f"{prefix}: fewer than {n} rows after {timeout} s ({stored(db, prefix)})")


def ours_drain(pub: Pubload, urls: object, state: Path, workers: int, n: int, profile: float = 0,
               name: str = "drain", cpu: dict[str, float] | None = None, extra: tuple[str, ...] = ()) -> tuple[
                   float, float]:
    name = f"{name}{workers}"
    ours = Ours(urls, state, name, workers, extra=extra)
    ours.start()
    ours.wait_ready()
    ours.stop()                                # the sessions stay, subscribed, while it is down
    pub.run(n, 0, f"{name}-")
    ours = Ours(urls, state, name, workers, profile, extra=extra)
    ours.start()
    peak = wait_rows(ours.db, f"{name}-", n, ours, cpu=cpu)
    ours.stop()
    return span_rate(ours.db, f"{name}-"), peak


def ours_live(pub: Pubload, urls: object, state: Path, workers: int, n: int) -> tuple[float, float]:
    ours = Ours(urls, state, f"live{workers}", workers)
    ours.start()
    ours.wait_ready()
    pub_rate = pub.run(n, 0, f"live{workers}-")
    wait_rows(ours.db, f"live{workers}-", n)
    ours.stop()
    return span_rate(ours.db, f"live{workers}-"), pub_rate


def latency(pub: Pubload, urls: object, state: Path, rate: float, seconds: float) -> tuple[float, float, float]:
    ours = Ours(urls, state, "lat", 1)
    ours.start()
    ours.wait_ready()
    n = int(rate * seconds)
    pub.run(n, rate, "lat-")
    wait_rows(ours.db, "lat-", n)
    ours.stop()
    with psycopg.connect(ours.db) as conn:
        row = conn.execute(
            "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY lag), max(lag) FROM ("
            " SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin) - ts) * 1000 AS lag"
            " FROM env_telemetry WHERE device_id LIKE 'lat-%') l").fetchone()
    assert row is not None
    return row[0][0], row[0][1], row[1]


def top_functions(path: Path, k: int = 15) -> list[tuple[str, float]]:
    """py-spy raw (collapsed) stacks: share of active samples whose innermost frame is each function."""
    leaf: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if len(frames) < 2:
            continue
        who = "writer" if "multiprocessing.spawn" in stack else "receiving"   # the child's frames nest in its parent's
        total += int(count)
        leaf[f"[{who}] {frames[-1].strip()}"] += int(count)
    return [(f, c / total) for f, c in leaf.most_common(k)] if total else []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backlog", type=int, default=300_000, help="messages in the backlog drains")
    ap.add_argument("--live", type=int, default=300_000, help="messages in the live runs")
    ap.add_argument("--naive-n", type=int, default=20_000)
    ap.add_argument("--rate", type=float, default=5000, help="msg/s for the latency run")
    ap.add_argument("--seconds", type=float, default=20, help="length of the latency run")
    ap.add_argument("--profile", type=float, default=0, help="also profile ours (1 worker) draining, for S seconds")
    ap.add_argument("--only", default="",
                    help="comma-separated subset: ceiling,a,b,single,drain,live,latency,profile")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else {"ceiling", "a", "b", "single", "drain", "live", "latency",
                                                        "profile"}
    with private_stack(commit_timestamps=True) as bench:
        urls, state = bench.urls, bench.state
        target = MqttTarget.parse(urls.mqtt_url)
        pub = Pubload(state, target)
        print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; "
              f"Python {sys.version.split()[0]}", flush=True)
        if "ceiling" in only:
            print(f"C publisher ceiling (no subscriber), {args.backlog} msgs: {pub.run(args.backlog):9.0f} msg/s",
                  flush=True)
        a = a_live = 0.0
        if "a" in only:
            a = bare_drain(pub, target, args.backlog)
            print(f"(a) bare paho counter, draining {args.backlog}:  {a:9.0f} msg/s", flush=True)
            a_live = live_reference(pub, target, args.live, "bare")
            print(f"(a) bare paho counter, live behind C:     {a_live:9.0f} msg/s", flush=True)
        if "b" in only:
            b = naive(pub, target, urls.database_url, args.naive_n)
            print(f"(b) naive INSERT per message, live:      {b:9.0f} msg/s", flush=True)
        if "single" in only:   # the previous hot path: paho, parse and writer as threads of one process
            cpu: dict[str, float] = {}
            rate, peak = ours_drain(pub, urls, state, 1, args.backlog, name="single", cpu=cpu,
                                    extra=("--single-process",))
            share = f" = {rate / a:.0%} of (a)" if a else ""
            print(f"ours --single-process, draining {args.backlog}: {rate:9.0f} msg/s{share}; peak RSS {peak:.0f} MB",
                  flush=True)
            print("  CPU µs per message: " + ", ".join(f"{g} {us:.0f}" for g, us in cpu.items() if us), flush=True)
        if "drain" in only:
            drains = {}
            for w in (1, 2):
                cpu = {}
                rate, peak = ours_drain(pub, urls, state, w, args.backlog, cpu=cpu)
                drains[w] = rate
                share = f" = {rate / a:.0%} of (a)" if a else ""
                print(f"ours --workers {w}, draining {args.backlog}:   {rate:9.0f} msg/s{share}; "
                      f"peak RSS {peak:.0f} MB (all processes)", flush=True)
                print("  CPU µs per message: " + ", ".join(f"{g} {us:.0f}" for g, us in cpu.items() if us),
                      flush=True)
            print(f"ours 2 workers ÷ 1 worker, drain: {drains[2] / drains[1]:.2f}", flush=True)
        if "live" in only:
            lives = {}
            for w in (1, 2):
                rate, pub_rate = ours_live(pub, urls, state, w, args.live)
                lives[w] = rate
                print(f"ours --workers {w}, live behind C ({pub_rate:.0f} msg/s published): {rate:9.0f} msg/s",
                      flush=True)
            print(f"ours 2 workers ÷ 1 worker, live: {lives[2] / lives[1]:.2f}", flush=True)
        if "latency" in only:
            p50, p99, worst = latency(pub, urls, state, args.rate, args.seconds)
            print(f"ours publish→committed at {args.rate:.0f} msg/s for {args.seconds:.0f} s: p50 {p50:.0f} ms, "
                  f"p99 {p99:.0f} ms, max {worst:.0f} ms", flush=True)
        if args.profile and "profile" in only:
            ours_drain(pub, urls, state, 1, args.backlog, args.profile, name="prof")
            print("py-spy, ours --workers 1 draining (innermost frame, share of active samples):")
            if not (state / "profile-prof1.txt").exists():
                print((state / "py-spy.log").read_text())
            for fn, frac in top_functions(state / "profile-prof1.txt"):
                print(f"  {frac:6.1%}  {fn}")
        print(f"load at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)


if __name__ == "__main__":
    main()
