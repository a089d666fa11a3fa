"""Spool files of other client ids are replayed (once, by one worker); a restored session holds one subscription."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.ingest import spools
from pipelines.ingest.members import Membership
from pipelines.ingest.message import Message
from pipelines.ingest.spool import Spool
from sensors.contract import parse
from tests.pipelines.ingest_support import end_sessions, options, running, stored, valid_messages, wait_stored
from tests.support import publish_all, wait_until


@pytest.fixture
def prefix(mqtt_url: str) -> Iterator[str]:
    """A member-id prefix of this test's own; its broker sessions are ended afterwards."""
    name = f"ioc-ingest-{uuid.uuid4().hex[:6]}"
    yield name
    end_sessions(mqtt_url, [f"{name}-{i}" for i in range(2)])


def _leave_spool(folder: Path, client_id: str, messages: list[tuple[str, bytes]]) -> Path:
    """A spool file as a worker with another client id leaves it: acknowledged to the broker, never written."""
    path = spools.spool_path(folder, client_id)
    spool = Spool(path, 1 << 30)
    now = datetime.now(UTC)
    spool.append([Message(0, 1, t, p, now, parse(t, p, now)) for t, p in messages])
    spool.close()
    return path


def test_a_spool_left_by_another_client_id_is_replayed_and_removed(db_url: str, mqtt_url: str, tmp_path: Path,
                                                                    prefix: str) -> None:
    old = _leave_spool(tmp_path / "spool", "ioc-ingest-3f2a9c1d7e5b-0", valid_messages(700, prefix="sp"))
    with running(options(db_url, mqtt_url, tmp_path, client_id=f"{prefix}-0")) as ing:
        wait_stored(db_url, 700, timeout=30)
        wait_until(lambda: not old.exists(), 10, what="the replayed spool file removed")
    assert stored(db_url) == 700
    assert ing.counters.stored == 700 and ing.counters.duplicates == 0
    assert [p.name for p in (tmp_path / "spool").glob("*.sqlite")] == [f"{prefix}-0.sqlite"]


def test_a_spool_another_worker_holds_is_left_to_it(db_url: str, mqtt_url: str, tmp_path: Path, prefix: str) -> None:
    held = _leave_spool(tmp_path / "spool", "old-worker", valid_messages(300, prefix="held"))
    lock = spools.FileLock(held)
    assert lock.try_acquire()
    try:
        with running(options(db_url, mqtt_url, tmp_path, client_id=f"{prefix}-0")):
            time.sleep(3)   # the first scan runs at start
            assert stored(db_url) == 0 and held.exists()
            lock.release()
            wait_stored(db_url, 300, timeout=30)   # the next scan (every 10 s) takes it
    finally:
        lock.release()
    assert stored(db_url) == 300


def test_two_workers_never_replay_the_same_file(db_url: str, mqtt_url: str, tmp_path: Path, prefix: str) -> None:
    for i in range(4):
        _leave_spool(tmp_path / "spool", f"gone-{i}", valid_messages(400, prefix=f"g{i}-"))
    a = options(db_url, mqtt_url, tmp_path, client_id=f"{prefix}-0", share_group="rep")
    b = options(db_url, mqtt_url, tmp_path, client_id=f"{prefix}-1", share_group="rep")
    with running(a) as one, running(b) as two:
        wait_stored(db_url, 1600, timeout=60)
        time.sleep(0.5)
    assert stored(db_url) == 1600
    assert one.counters.duplicates + two.counters.duplicates == 0   # no file was written twice
    assert one.counters.stored + two.counters.stored == 1600


def test_a_restored_session_keeps_only_its_own_subscription(db_url: str, mqtt_url: str, tmp_path: Path,
                                                            prefix: str) -> None:
    """Worker 0 once ran alone (plain subscription), then as a member of a group: it must not receive twice."""
    cid = f"{prefix}-0"
    with running(options(db_url, mqtt_url, tmp_path, client_id=cid)):
        pass   # the session now holds the plain subscription
    group = f"g{os.getpid()}"
    with running(options(db_url, mqtt_url, tmp_path, client_id=cid, share_group=group)) as ing:
        publish_all(mqtt_url, valid_messages(1000, prefix="sub"))
        wait_stored(db_url, 1000, timeout=30)
        time.sleep(1.0)
    alone_opt = options(db_url, mqtt_url, tmp_path, client_id=cid, membership=Membership(prefix, 1, group))
    with running(alone_opt) as alone:   # and back to one worker (configured as the CLI does: it knows the group)
        publish_all(mqtt_url, valid_messages(1000, prefix="sub2"))
        wait_stored(db_url, 2000, timeout=30)
        time.sleep(1.0)
    assert ing.counters.received == 1000 and ing.counters.duplicates == 0, ing.counters
    assert alone.counters.received == 1000 and alone.counters.duplicates == 0, alone.counters


def test_a_worker_waits_for_its_spool_while_another_replays_it(db_url: str, mqtt_url: str, tmp_path: Path,
                                                                prefix: str) -> None:
    """Worker 1 restarts while worker 0 is replaying the file it left: it waits for the file, it does not fail."""
    import threading

    path = spools.spool_path(tmp_path / "spool", f"{prefix}-1")
    replayer = spools.FileLock(path)
    assert replayer.try_acquire()
    threading.Timer(1.5, replayer.release).start()
    started = time.monotonic()
    with running(options(db_url, mqtt_url, tmp_path, client_id=f"{prefix}-1")) as ing:
        assert time.monotonic() - started >= 1.4
        assert ing.spool.path == path
