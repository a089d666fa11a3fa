"""Running a simulation against the clock and handing its messages to a Publisher (injected: MQTT or in memory)."""

from __future__ import annotations

import logging
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .clock import SimClock
from .engine import Publication, Simulation
from .publish import Publisher

log = logging.getLogger(__name__)


@dataclass
class Stats:
    """What a run published. ``unacknowledged``: handed over but not acknowledged when the run ended."""

    started: float = field(default_factory=time.monotonic)
    messages: int = 0
    records: int = 0
    bytes: int = 0
    by_role: Counter[str] = field(default_factory=Counter)
    sim_time: datetime | None = None
    unacknowledged: int = 0

    def add(self, message: Publication) -> None:
        self.messages += 1
        self.records += message.records
        self.bytes += len(message.payload)
        self.by_role[message.role] += 1
        self.sim_time = message.at

    def rate(self, now: float | None = None) -> float:
        elapsed = (now if now is not None else time.monotonic()) - self.started
        return self.messages / elapsed if elapsed > 0 else 0.0


def peak_rss_mb() -> float:
    """The process's peak resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class LivePlan:
    clock: SimClock
    duration_s: float | None = None  # wall-clock seconds; None: until stopped
    until: datetime | None = None  # simulated time to stop at
    drain_timeout_s: float = 30.0
    report_every_s: float = 10.0


def run_live(sim: Simulation, publisher: Publisher, plan: LivePlan, *, stop: threading.Event | None = None,
             monotonic: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
             real_now: Callable[[], datetime] = lambda: datetime.now(UTC),
             report: Callable[[Stats], None] | None = None) -> Stats:
    """Publish what the simulation says as simulated time advances, until ``duration_s``, ``until`` or ``stop``.

    Starts with every device online and ends, however it ends short of an error, with every device offline and
    every message acknowledged (or counted in ``Stats.unacknowledged``).
    """
    stop = stop or threading.Event()
    stats = Stats(started=monotonic())
    clock = plan.clock
    now = clock.at(monotonic(), real_now())
    tick = min(1.0, max(0.02, 1.0 / clock.speed))  # a simulated second at most, never a busy loop
    last_report = monotonic()
    _send(publisher, sim.start(now), stats)
    try:
        while not stop.is_set():
            wall = monotonic()
            if plan.duration_s is not None and wall - clock.wall0 >= plan.duration_s:
                break
            target = clock.at(wall, real_now())
            target = min(target, plan.until) if plan.until is not None else target
            _send(publisher, sim.step(now, target), stats)
            now = max(now, target)
            if plan.until is not None and now >= plan.until:
                break
            if report is not None and wall - last_report >= plan.report_every_s:
                report(stats)
                last_report = wall
            sleep(tick)
    except KeyboardInterrupt:
        log.info("interrupted: stopping cleanly")
    stats.sim_time = now
    _send(publisher, sim.stop(now), stats)
    stats.unacknowledged = publisher.drain(plan.drain_timeout_s)
    return stats


def _send(publisher: Publisher, messages: Iterable[Publication], stats: Stats) -> None:
    for message in messages:
        publisher.publish(message)
        stats.add(message)
