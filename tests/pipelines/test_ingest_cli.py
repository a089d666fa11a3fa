"""`ioc ingest --workers N` as an operator runs it: N processes on one shared subscription, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.cli import _without_workers
from tests.pipelines.ingest_support import stored, valid_messages, wait_stored
from tests.support import count, publish_all

REPO = Path(__file__).resolve().parents[2]


def test_worker_flag_is_removed_in_both_spellings() -> None:
    assert _without_workers(["--x", "1", "ingest", "--workers", "3", "--batch-ms", "20"]) == [
        "--x", "1", "ingest", "--batch-ms", "20"]
    assert _without_workers(["ingest", "--workers=2"]) == ["ingest"]


def test_two_worker_processes_store_everything_once_and_stop_cleanly(db_url: str, mqtt_url: str,
                                                                     tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    cmd = [sys.executable, "-m", "smartward", "--database-url", db_url, "--mqtt-url", mqtt_url, "--state-dir",
           str(tmp_path), "ingest", "--workers", "2", "--client-id", f"cli-{os.getpid()}", "--share-group",
           f"cli{os.getpid()}"]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while count(db_url, "SELECT count(*) FROM ingest_heartbeat") < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        publish_all(mqtt_url, valid_messages(3000, prefix="cli"))
        wait_stored(db_url, 3000, timeout=60)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert stored(db_url) == 3000
    assert count(db_url, "SELECT count(*) FROM ingest_heartbeat WHERE (counters->>'stored')::int > 0") == 2


def test_reclaim_and_stats_after_scaling_down(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    """`--stats` lists the group's broker sessions with their queues; `--reclaim` drains the dropped member's."""
    import json

    from tests.pipelines.ingest_support import end_sessions

    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")} | {"IOC_STATS_JSON": "1"}
    prefix, group = f"rc-{os.getpid()}", f"rc{os.getpid()}"
    base = [sys.executable, "-m", "smartward", "--database-url", db_url, "--mqtt-url", mqtt_url, "--state-dir",
            str(tmp_path), "ingest", "--client-id", prefix, "--share-group", group]

    def run(*args: str) -> str:
        done = subprocess.run([*base, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def sessions(workers: str) -> dict[str, dict[str, object]]:
        last = run("--workers", workers, "--stats").strip().splitlines()[-1]
        return {r["member"]: r for r in json.loads(last)}

    proc = subprocess.Popen([*base, "--workers", "2"], env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while count(db_url, "SELECT count(*) FROM ingest_heartbeat") < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    try:
        publish_all(mqtt_url, valid_messages(1000, prefix="rc"))   # both offline sessions queue their share
        before = sessions("1")
        ghost = before[f"{prefix}-1"]
        assert ghost["state"] == "idle" and not ghost["configured"] and int(ghost["queued"]) > 100, before  # type: ignore[call-overload]
        out = run("--workers", "1", "--reclaim")
        assert f"reclaimed {prefix}-1: {ghost['queued']} queued message(s)" in out, out
        after = sessions("1")
        assert f"{prefix}-1" not in after or after[f"{prefix}-1"]["state"] == "gone", after
        assert stored(db_url) == ghost["queued"]   # the ghost's share is in the database; member 0's waits for it
        assert after[f"{prefix}-0"]["queued"] == 1000 - int(ghost["queued"])
    finally:
        end_sessions(mqtt_url, [f"{prefix}-0", f"{prefix}-1"])
