"""The runner against a fake clock and an in-memory publisher, and the backfill's arrays."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from sensors.contract import MAX_ARRAY, CameraEvent, CameraTelemetry, DeviceStatus
from sensors.sim.backfill import run_backfill, windows
from sensors.sim.clock import SimClock
from sensors.sim.engine import DATA, FLUSH, SimConfig, Simulation
from sensors.sim.pm25 import Pm25Series
from sensors.sim.publish import MemoryPublisher
from sensors.sim.runner import LivePlan, Stats, run_live
from tests.sensors.helpers import parsed, small_fleet

REAL_NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


class FakeWall:
    """A monotonic clock that moves only when the runner sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def live(sim: Simulation, plan: LivePlan, wall: FakeWall, **kwargs: object) -> tuple[MemoryPublisher, Stats]:
    publisher = MemoryPublisher()
    stats = run_live(sim, publisher, plan, monotonic=wall.monotonic, sleep=wall.sleep, real_now=lambda: REAL_NOW,
                     **kwargs)  # type: ignore[arg-type]
    return publisher, stats


def test_fast_forward_catches_up_with_the_real_clock_and_never_passes_it(pm25: Pm25Series) -> None:
    fleet = small_fleet()
    wall = FakeWall()
    start = REAL_NOW - timedelta(hours=1)
    plan = LivePlan(SimClock(start, speed=600, wall0=wall.now), duration_s=30)
    publisher, stats = live(Simulation(fleet, pm25, SimConfig(seed=1)), plan, wall)
    assert all(start <= m.at <= REAL_NOW for m in publisher.messages)
    telemetry = Counter(m.device_id for m in publisher.messages if m.role == DATA and m.topic.endswith("telemetry"))
    assert telemetry == {d.device_id: 60 for d in fleet.devices}  # one an interval, for exactly the hour
    assert stats.messages == len(publisher.messages) and stats.unacknowledged == 0
    assert stats.sim_time == REAL_NOW
    first, last = publisher.messages[: len(fleet.devices)], publisher.messages[-len(fleet.devices):]
    assert all(b'"online":true' in m.payload for m in first) and all(b'"online":false' in m.payload for m in last)
    assert all(not result.rejections for _, result in parsed(publisher.messages))


def test_the_run_ends_at_until_or_when_stopped(pm25: Pm25Series) -> None:
    wall = FakeWall()
    start = REAL_NOW - timedelta(hours=2)
    until = start + timedelta(minutes=10)
    plan = LivePlan(SimClock(start, speed=60, wall0=wall.now), until=until)
    publisher, stats = live(Simulation(small_fleet(), pm25, SimConfig()), plan, wall)
    assert max(m.at for m in publisher.messages) == until and stats.sim_time == until
    assert wall.now - 1000.0 == pytest.approx(10, abs=0.1)  # ten simulated minutes at 60x

    stop = threading.Event()
    wall = FakeWall()
    plan = LivePlan(SimClock(start, speed=60, wall0=wall.now), report_every_s=1.0)
    reports: list[int] = []

    def report(stats: Stats) -> None:
        reports.append(stats.messages)
        if len(reports) == 3:
            stop.set()

    publisher, stats = live(Simulation(small_fleet(), pm25, SimConfig()), plan, wall, stop=stop, report=report)
    assert len(reports) == 3 and stats.messages > reports[-1]  # the offline statuses came after the last report
    assert b'"online":false' in publisher.messages[-1].payload


def test_backfill_publishes_history_as_arrays_with_original_timestamps(pm25: Pm25Series) -> None:
    fleet = small_fleet(cameras=4, aps=2, stations=2)
    sim = Simulation(fleet, pm25, SimConfig(interval_s=60))
    end = datetime(2026, 3, 6, tzinfo=UTC)
    start = end - timedelta(hours=20)  # 1200 intervals: two windows per device
    assert [w1 - w0 for w0, w1 in windows(start, end, 60)] == [timedelta(minutes=1000), timedelta(minutes=200)]
    publisher = MemoryPublisher()
    progress: list[tuple[int, int]] = []
    stats = run_backfill(sim, publisher, start, end, progress=lambda done, total, _: progress.append((done, total)))
    assert progress[-1] == (2 * len(fleet.devices), 2 * len(fleet.devices)) and stats.unacknowledged == 0
    ticks: dict[str, list[datetime]] = defaultdict(list)
    for message, result in parsed(publisher.messages):
        assert message.role == FLUSH and message.payload.startswith(b"[") and message.records <= MAX_ARRAY
        assert not result.rejections and len(result.records) == message.records
        assert not any(isinstance(r, DeviceStatus) for r in result.records)
        ticks[message.device_id] += [r.ts for r in result.records if not isinstance(r, CameraEvent)]
    for device in sim.devices:
        mine = ticks[device.device.device_id]
        assert len(mine) == 1200 and mine == sorted(mine)
        assert all(start <= t < end and t.timestamp() % 60 == device.phase for t in mine)


def test_backfill_interval_scales_the_counts(pm25: Pm25Series) -> None:
    fleet = small_fleet(cameras=4, aps=0, stations=0)
    end = datetime(2026, 3, 4, 12, tzinfo=UTC)
    totals = {}
    for interval in (60, 900):
        publisher = MemoryPublisher()
        run_backfill(Simulation(fleet, pm25, SimConfig(interval_s=interval, heartbeat_s=900, seed=2)), publisher,
                     end - timedelta(days=1), end)
        records = [r for _, res in parsed(publisher.messages) for r in res.records if isinstance(r, CameraTelemetry)]
        assert {r.interval_s for r in records} == {interval}
        totals[interval] = sum(r.vehicles for r in records)
    assert totals[900] == pytest.approx(totals[60], rel=0.1)
