"""Outages with real services: the database, the ingester or the broker goes away mid-stream; nothing is lost.

Each test runs its own private PostgreSQL and Mosquitto (StackHandle) so it can stop and restart them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioc import stack
from tests.pipelines.ingest_support import (
    distinct_readings,
    migrated_stack,
    options,
    running,
    stored,
    valid_messages,
    wait_stored,
)
from tests.support import StackHandle, publish_all, wait_until

pytestmark = pytest.mark.slow
N = 20_000
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_stack() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    with migrated_stack("outage") as pair:
        yield pair


def publish_in_background(mqtt_url: str, messages: list[tuple[str, bytes]], chunks: int = 20,
                          pause: float = 0.15) -> threading.Thread:
    """A publisher with a persistent session that keeps going across broker restarts; raises in the test if it fails."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            size = -(-len(messages) // chunks)   # rounded up: the last chunk takes the remainder (none left out)
            for i in range(chunks):
                publish_all(mqtt_url, messages[i * size:(i + 1) * size], client_id=f"pub-{os.getpid()}-{i}")
                time.sleep(pause)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def finish(thread: threading.Thread) -> None:
    thread.join(180)
    assert not thread.is_alive(), "the publisher did not finish"
    assert not thread.errors, thread.errors  # type: ignore[attr-defined]


def test_database_outage_loses_nothing(own_stack: tuple[StackHandle, stack.Endpoints], tmp_path: Path,
                                       caplog: pytest.LogCaptureFixture) -> None:
    handle, urls = own_stack
    with running(options(urls.database_url, urls.mqtt_url, tmp_path)) as ing:
        pub = publish_in_background(urls.mqtt_url, valid_messages(N))
        wait_stored(urls.database_url, 2000)
        handle.stop_postgres()
        time.sleep(5)
        handle.up()
        finish(pub)
        wait_stored(urls.database_url, N)
        wait_until(lambda: ing.spool.count == 0, 30, what="spool drained")
    assert stored(urls.database_url) == distinct_readings(urls.database_url) == N
    assert ing.counters.spooled > 0 or ing.counters.db_errors > 0
    assert "database unavailable" in caplog.text and "database is back" in caplog.text


def test_kill_minus_nine_of_the_ingester_loses_nothing(own_stack: tuple[StackHandle, stack.Endpoints],
                                                       tmp_path: Path) -> None:
    _, urls = own_stack
    cmd = [sys.executable, "-m", "smartward", "--database-url", urls.database_url, "--mqtt-url", urls.mqtt_url,
           "--state-dir", str(tmp_path), "ingest", "--client-id", "crashy", "--share-group", "crash"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    first = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)   # subscribed (persistent session) before anything is published
        pub = publish_in_background(urls.mqtt_url, valid_messages(N))
        wait_stored(urls.database_url, 3000)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        time.sleep(1)
        second = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.DEVNULL)
        try:
            finish(pub)
            wait_stored(urls.database_url, N)
            time.sleep(1)
        finally:
            second.terminate()
            second.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    assert stored(urls.database_url) == distinct_readings(urls.database_url) == N


def test_broker_restart_loses_nothing(own_stack: tuple[StackHandle, stack.Endpoints], tmp_path: Path) -> None:
    handle, urls = own_stack
    with running(options(urls.database_url, urls.mqtt_url, tmp_path)) as ing:
        pub = publish_in_background(urls.mqtt_url, valid_messages(N), chunks=40, pause=0.1)
        wait_stored(urls.database_url, 3000)
        handle.stop_mosquitto()
        time.sleep(2)
        handle.up()
        finish(pub)
        wait_stored(urls.database_url, N)
    assert stored(urls.database_url) == distinct_readings(urls.database_url) == N
    assert ing.receiver.gen >= 2   # it really reconnected
