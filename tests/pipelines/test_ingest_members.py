"""Scaling the worker group up and down under load, and a broker restart with a shared group: stored once, stranded
nowhere (every broker session left is a configured member's, with an empty queue)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest

from ioc import stack
from ioc.mqtt import MqttTarget
from pipelines.ingest.members import Membership, member_id
from pipelines.ingest.service import Ingester
from pipelines.ingest.sessions import sessions
from tests.pipelines.ingest_support import (
    distinct_readings,
    end_sessions,
    migrated_stack,
    options,
    running,
    stored,
    valid_messages,
    wait_stored,
)
from tests.pipelines.test_outages import finish, publish_in_background
from tests.support import StackHandle, count, publish_all, wait_until

pytestmark = pytest.mark.slow


def _workers(stack_: ExitStack, db_url: str, mqtt_url: str, state: Path, group: Membership) -> list[Ingester]:
    """The configured workers as ``ioc ingest --workers N`` runs them: worker 0 reclaims ghosts."""
    return [stack_.enter_context(running(options(
        db_url, mqtt_url, state, client_id=member_id(group.prefix, i), membership=group, reclaim=i == 0,
        share_group=group.group if group.count > 1 else None)))
        for i in range(group.count)]


def _no_ghosts(db_url: str, mqtt_url: str, group: Membership) -> bool:
    return all(not r.ghost for r in sessions(db_url, MqttTarget.parse(mqtt_url), group))


def test_scaling_2_1_3_2_under_load_stores_once_and_strands_nothing(db_url: str, mqtt_url: str,
                                                                    tmp_path: Path) -> None:
    prefix, name = f"sc-{uuid.uuid4().hex[:6]}", f"grp{uuid.uuid4().hex[:6]}"
    n = 12_000
    messages, pub = valid_messages(n, devices=60, prefix="sc"), None
    try:
        for count_ in (2, 1, 3, 2):
            with ExitStack() as workers:
                _workers(workers, db_url, mqtt_url, tmp_path, Membership(prefix, count_, name))
                pub = pub or publish_in_background(mqtt_url, messages, chunks=30, pause=0.3)  # once subscribed
                time.sleep(4)   # under load: the publisher keeps going through every change
        assert pub is not None
        finish(pub)
        final = Membership(prefix, 2, name)
        with ExitStack() as workers:   # the last configuration runs on until everything is in
            _workers(workers, db_url, mqtt_url, tmp_path, final)
            wait_stored(db_url, n, timeout=120)
            wait_until(lambda: _no_ghosts(db_url, mqtt_url, final), 60, interval=2, what="every ghost reclaimed")
            time.sleep(1)
        rows = sessions(db_url, MqttTarget.parse(mqtt_url), final)
        assert stored(db_url) == distinct_readings(db_url) == n
        assert {r.member: (r.state, r.queued) for r in rows if r.state != "gone"} == {
            f"{prefix}-0": ("idle", 0), f"{prefix}-1": ("idle", 0)}, rows
        assert count(db_url, "SELECT count(*) FROM ingest_heartbeat WHERE worker = %s", [f"{prefix}-2"]) == 0
    finally:
        end_sessions(mqtt_url, [f"{prefix}-{i}" for i in range(3)])


def test_reclaim_drains_a_ghost_that_missed_traffic(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    """Scale 2 → 1 while nothing runs: the ghost's share queued in the broker reaches the database."""
    prefix, name = f"gh-{uuid.uuid4().hex[:6]}", f"grp{uuid.uuid4().hex[:6]}"
    try:
        with ExitStack() as workers:
            _workers(workers, db_url, mqtt_url, tmp_path, Membership(prefix, 2, name))
        publish_all(mqtt_url, valid_messages(2000, prefix="gh"))   # both sessions queue their share, offline
        before = {r.member: r.queued for r in sessions(db_url, MqttTarget.parse(mqtt_url), Membership(prefix, 1, name))}
        assert before[f"{prefix}-1"] and before[f"{prefix}-1"] > 200, before   # the ghost holds a share
        with ExitStack() as workers:
            _workers(workers, db_url, mqtt_url, tmp_path, Membership(prefix, 1, name))
            wait_stored(db_url, 2000, timeout=60)
            wait_until(lambda: _no_ghosts(db_url, mqtt_url, Membership(prefix, 1, name)), 60, interval=2,
                       what="the ghost reclaimed")
        assert stored(db_url) == 2000
    finally:
        end_sessions(mqtt_url, [f"{prefix}-{i}" for i in range(2)])


@pytest.fixture
def own_stack() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    with migrated_stack("members") as pair:
        yield pair


def test_a_shared_group_survives_a_broker_restart(own_stack: tuple[StackHandle, stack.Endpoints],
                                                  tmp_path: Path) -> None:
    """Mosquitto 2.0.11 restores a shared subscription dead from its persistence file; members subscribe again."""
    handle, urls = own_stack
    group = Membership("rs", 2, "restart")
    with ExitStack() as workers:
        one, two = _workers(workers, urls.database_url, urls.mqtt_url, tmp_path, group)
        publish_all(urls.mqtt_url, valid_messages(2000, prefix="pre"))
        wait_stored(urls.database_url, 2000, timeout=60)
        time.sleep(6)   # past the broker's autosave: the group is in its persistence file
        handle.stop_mosquitto()
        handle.up()
        wait_until(lambda: one.receiver.gen >= 2 and two.receiver.gen >= 2 and one.receiver.connected.is_set()
                   and two.receiver.connected.is_set(), 30, what="both members back and subscribed")
        publish_all(urls.mqtt_url, valid_messages(4000, prefix="post"))
        wait_stored(urls.database_url, 6000, timeout=60)
        time.sleep(0.5)
    assert stored(urls.database_url) == distinct_readings(urls.database_url) == 6000
    assert one.counters.stored > 1000 and two.counters.stored > 1000   # both members get their share again


def test_a_live_member_is_never_taken_over(db_url: str, mqtt_url: str, tmp_path: Path) -> None:
    """Neither a second process with the same id nor a reclaim (it is not configured there) kicks a running worker."""
    from pipelines.ingest import reclaim
    from pipelines.ingest.sink import PgSink

    prefix = f"lv-{uuid.uuid4().hex[:6]}"
    live = options(db_url, mqtt_url, tmp_path / "a", client_id=member_id(prefix, 1))
    try:
        with running(live) as first:
            time.sleep(2.5)   # it has beaten: it is a known member under the prefix
            twin = Ingester(options(db_url, mqtt_url, tmp_path / "b", client_id=member_id(prefix, 1)))
            thread = threading.Thread(target=twin.run, daemon=True)
            thread.start()
            time.sleep(3)
            assert not twin.receiver.connected.is_set()   # it waits for the member lock
            drain = reclaim.Drain(MqttTarget.parse(mqtt_url), lambda: PgSink(psycopg.connect(db_url)),
                                  tmp_path / "c", 1 << 20)
            assert reclaim.reclaim_ghosts(db_url, Membership(prefix, 1, "x"), drain) == []
            publish_all(mqtt_url, valid_messages(100, prefix="lv"))
            wait_stored(db_url, 100, timeout=30)
            assert first.receiver.gen == 1 and first.receiver.connected.is_set()
            twin.stop()
            thread.join(10)
            assert not thread.is_alive()
    finally:
        end_sessions(mqtt_url, [member_id(prefix, 1)])
