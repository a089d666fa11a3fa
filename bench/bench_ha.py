"""The ingest benchmark against the Patroni pair, beside one PostgreSQL, in the same run (docs/benchmarks.md,
"Patroni pair"; docs/ha.md).

For each database (one private PostgreSQL, then the private Patroni pair of ``ioc stack up --ha`` with synchronous
replication) on the same machine, with a fresh Mosquitto each time:
  - the load generator's own ceiling: a bare paho counter, QoS 1, no database (what the publisher can push);
  - our ingester's sustained throughput (rows committed);
  - publish→committed latency p50/p99 at a fixed rate (default 2,000 msg/s).
Rerun:  .venv/bin/python bench/bench_ha.py [--n 50000] [--rate 2000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._stack import private_stack  # noqa: E402
from bench.bench_ingest import bare_counter, ours, pct  # noqa: E402


def measure(ha: bool, n: int, rate: float, seconds: float) -> dict[str, float]:
    with private_stack(ha=ha) as bench:
        urls, state = bench.urls, bench.state
        ceiling = bare_counter(urls.mqtt_url, n)
        sustained, _ = ours(urls.mqtt_url, urls.database_url, n, 0, state)
        _, lat = ours(urls.mqtt_url, urls.database_url, int(rate * seconds), rate, state)
    return {"ceiling": ceiling, "sustained": sustained, "p50": pct(lat, 50), "p99": pct(lat, 99), "max": max(lat)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50_000, help="messages per throughput run")
    ap.add_argument("--rate", type=float, default=2000, help="msg/s for the latency run")
    ap.add_argument("--seconds", type=float, default=15, help="length of the latency run")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}")
    found = {name: measure(ha, args.n, args.rate, args.seconds) for name, ha in (("single", False), ("pair", True))}
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"{'':44}{'one PostgreSQL':>16}{'Patroni pair':>16}")
    rows = (("load generator ceiling (bare paho, QoS 1)", "ceiling", "msg/s"),
            ("ours, sustained (rows committed)", "sustained", "msg/s"),
            (f"ours, p50 publish→committed at {args.rate:.0f}/s", "p50", "ms"),
            (f"ours, p99 publish→committed at {args.rate:.0f}/s", "p99", "ms"),
            (f"ours, max publish→committed at {args.rate:.0f}/s", "max", "ms"))
    for label, key, unit in rows:
        print(f"{label:44}{found['single'][key]:>10.0f} {unit:5}{found['pair'][key]:>10.0f} {unit:5}")
    print(f"the pair sustains {found['pair']['sustained'] / found['single']['sustained']:.0%} of one PostgreSQL")


if __name__ == "__main__":
    main()
