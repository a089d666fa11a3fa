"""Bridged brokers (issue 22): devices on a district Mosquitto bridged to the central one, `ioc ingest` on the centre.

One run on one machine: its own PostgreSQL+TimescaleDB, the central Mosquitto (the private stack's) and a district
Mosquitto bridged to it as `ioc stack bridge-config` writes it (QoS 1, persistent sessions). The C publisher
(bench/c/pubload.c) is the fleet:
  - reference, same run: the publisher straight to the central broker, ours (--workers 1) live;
  - bridged: the publisher to the district broker, ours (--workers 1) live on the central broker;
  - bridged backlog: the central broker stopped while the district broker takes n messages, then started: how fast
    the bridge's queue reaches the database.
Rates of ours are rows in the database, first receipt to last commit (PostgreSQL's commit timestamps).
Rerun:  .venv/bin/python bench/bench_bridge.py [--n 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._stack import private_stack  # noqa: E402
from bench.bench_throughput import Ours, Pubload, span_rate, wait_rows  # noqa: E402
from ioc import config, stack  # noqa: E402
from ioc.mqtt import MqttTarget  # noqa: E402
from ioc.security import broker  # noqa: E402
from ioc.stack._mosquitto import PrivateMosquitto  # noqa: E402
from ioc.stack._state import StackState  # noqa: E402
from ioc.stack.bridge import Bridge, district_conf  # noqa: E402


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} {five:.2f}"


def live(pub: Pubload, urls: object, state: Path, name: str, n: int) -> tuple[float, float]:
    ours = Ours(urls, state, name, 1)
    ours.start()
    ours.wait_ready()
    pub_rate = pub.run(n, 0, f"{name}-")
    wait_rows(ours.db, f"{name}-", n)
    ours.stop()
    return span_rate(ours.db, f"{name}-"), pub_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="messages per run")
    args = ap.parse_args()
    with private_stack(commit_timestamps=True) as bench:
        settings = config.load(state_dir=bench.state)
        central = PrivateMosquitto(bench.state)
        password = stack.bridge_password(settings, "bench")
        c_state = StackState.load(bench.state).mosquitto   # with the bridge's account: a restart keeps it
        assert c_state is not None
        bridge = Bridge("bench", "127.0.0.1", c_state.port, password)
        district = PrivateMosquitto(bench.state / "district")
        d_state = district.ensure(None, broker.auth_conf(district.root) + district_conf(bridge))
        try:
            print(f"machine: {os.cpu_count()} cores; {load()}; Python {sys.version.split()[0]}", flush=True)
            direct = Pubload(bench.state, MqttTarget.parse(bench.urls.mqtt_url))
            via = Pubload(bench.state, MqttTarget.parse(d_state.url("gateway")))
            print(f"C publisher ceiling to the district broker (bridge forwarding, no ingester), {args.n} msgs: "
                  f"{via.run(args.n, 0, 'ceil-'):9.0f} msg/s; {load()}", flush=True)
            rate, pub_rate = live(direct, bench.urls, bench.state, "direct", args.n)
            print(f"reference: ours --workers 1, live, publisher → central ({pub_rate:.0f} msg/s published): "
                  f"{rate:9.0f} msg/s; {load()}", flush=True)
            rate, pub_rate = live(via, bench.urls, bench.state, "bridged", args.n)
            print(f"bridged: ours --workers 1, live, publisher → district → central ({pub_rate:.0f} msg/s "
                  f"published): {rate:9.0f} msg/s; {load()}", flush=True)
            ours = Ours(bench.urls, bench.state, "backlog", 1)
            ours.start()
            ours.wait_ready()
            central.stop()
            pub_rate = via.run(args.n, 0, "backlog-")
            print(f"link cut: the district broker took {args.n} msgs at {pub_rate:.0f} msg/s", flush=True)
            started = time.monotonic()
            central.ensure(c_state)
            wait_rows(ours.db, "backlog-", args.n)
            took = time.monotonic() - started
            ours.stop()
            print(f"bridged backlog of {args.n}: all stored {took:.1f} s after the central broker restarted "
                  f"({args.n / took:.0f} msg/s including the bridge's and ingester's reconnect); {load()}",
                  flush=True)
        finally:
            district.stop()
        print(f"{load()} at the end", flush=True)


if __name__ == "__main__":
    main()
