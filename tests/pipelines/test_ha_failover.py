"""The ingester rides through a switchover and a kill -9 of the primary on a real Patroni pair (``ioc stack up --ha``).

Published at 2,000 msg/s with QoS 1 (every PUBACK awaited); afterwards every acknowledged message is stored exactly
once (count per device, ts, seq) and ``ioc ingest audit`` balances. The pair replicates synchronously, so the
standby that takes over has every commit the ingester acknowledged; a commit whose answer was lost with the primary
is written again from the spool and the dedup key makes that a duplicate, never a second row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioc import stack
from ioc.mqtt import MqttTarget
from ioc.stack._patroni import PrivatePatroni
from ioc.stack._state import StackState
from tests.ha_support import ha_pair
from tests.pipelines.ingest_support import distinct_readings, options, running, stored, wait_stored
from tests.pipelines.test_accounting_e2e import audit
from tests.support import StackHandle, wait_until

pytestmark = pytest.mark.slow
RATE = 2000          # messages per second
SECONDS = 30
N = RATE * SECONDS
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def pair() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    with ha_pair("ha-ingest") as made:
        yield made


def pubload(tmp_path: Path, mqtt_url: str) -> subprocess.Popen[str]:
    """The C publisher (bench/c/pubload.c): N env readings at RATE msg/s, QoS 1, exits once every PUBACK is in.
    Python's paho cannot hold 2,000 msg/s on a loaded two-core machine beside an in-process ingester."""
    tool = tmp_path / "pubload"
    subprocess.run(["cc", "-O2", "-o", str(tool), str(REPO / "bench/c/pubload.c"), "-lmosquitto"], check=True)
    t = MqttTarget.parse(mqtt_url)
    auth = ["-u", t.username, "-w", t.password or ""] if t.username else []
    return subprocess.Popen([str(tool), "-H", t.host, "-p", str(t.port), *auth, "-n", str(N), "-r", str(RATE),
                             "-P", "1", "-d", "500", "-x", "ha-"], stdout=subprocess.PIPE, text=True)


def test_switchover_and_kill_of_the_primary_lose_nothing_and_store_nothing_twice(
        pair: tuple[StackHandle, stack.Endpoints], tmp_path: Path) -> None:
    handle, urls = pair
    root = handle.settings.state_dir.resolve()
    ha_state = StackState.load(root).ha
    assert ha_state is not None and "target_session_attrs=read-write" in urls.database_url
    patroni = PrivatePatroni(root)
    first = patroni.leader(ha_state)
    with running(options(urls.database_url, urls.mqtt_url, tmp_path)) as ing:
        pub = pubload(tmp_path, urls.mqtt_url)
        wait_stored(urls.database_url, N // 5)
        assert stack.switchover(handle.settings) != first           # planned: the standby takes over
        wait_until(lambda: stored(urls.database_url) >= N // 2, 120, interval=0.3, what="half the messages")
        second = patroni.leader(ha_state)
        pid = patroni.postmaster_pid(second or "")
        assert pid is not None
        os.kill(pid, signal.SIGKILL)                                # unplanned: the primary's postmaster dies
        wait_until(lambda: patroni.leader(ha_state) not in (second, None), 60, what="Patroni to fail over")
        out, _ = pub.communicate(timeout=180)
        assert pub.returncode == 0 and int(out.split()[0]) == N, out   # every message acknowledged by the broker
        wait_stored(urls.database_url, N, timeout=180)
        wait_until(lambda: ing.spool.count == 0, 120, what="the spool replayed")
        time.sleep(1)
    rate = float(out.split()[2])
    print(f"published {N} at {rate:.0f} msg/s; spooled {ing.counters.spooled}, db errors {ing.counters.db_errors}")
    assert rate > RATE * 0.8, f"the publisher managed only {rate:.0f} msg/s"
    assert ing.counters.db_errors >= 2          # both events really cut the ingester's connection
    assert stored(urls.database_url) == distinct_readings(urls.database_url) == N   # each once, none lost
    code, result = audit(urls)
    assert code == 0, result
    assert result["stored"] == result["rows_present"] == N and result["problems"] == []
    assert result["received"] == N + result["duplicates"] and result["rejected"] == 0
