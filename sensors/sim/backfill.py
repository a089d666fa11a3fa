"""Backfill: a span of history produced as fast as the broker takes it, through the normal ingestion path.

Device by device within windows of 1000 intervals, each device's readings go out as arrays of at most 1000 with
their original timestamps (QoS 1), so memory holds one device's window at a time and history arrives roughly in
time order. Faults are not simulated here: history has no malformed messages or outages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from sensors.contract import MAX_ARRAY, Record

from .devices import DeviceSim
from .engine import FLUSH, Publication, Simulation, encode_arrays
from .publish import Publisher
from .runner import Stats

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def windows(start: datetime, end: datetime, interval_s: int) -> list[tuple[datetime, datetime]]:
    """[start, end) cut into windows of at most 1000 intervals."""
    span = timedelta(seconds=MAX_ARRAY * interval_s)
    count = max(1, math.ceil((end - start) / span))
    return [(start + i * span, min(end, start + (i + 1) * span)) for i in range(count)]


def device_window(sim: Simulation, dev: DeviceSim, w0: datetime, w1: datetime) -> Iterator[Publication]:
    """One device's readings in [w0, w1) as arrays, oldest first per topic."""
    interval = sim.config.interval_s
    first = math.ceil((w0 - _EPOCH).total_seconds())
    first += (dev.phase - first) % interval
    by_type: dict[type, list[Record]] = {}
    for second in range(first, math.ceil((w1 - _EPOCH).total_seconds()), interval):
        t = _EPOCH + timedelta(seconds=second)
        for record in dev.readings(t, sim.world, sim.rng, interval):
            by_type.setdefault(type(record), []).append(record)
    for records in by_type.values():
        for topic, payload, count in encode_arrays(records, sim.tz):
            yield Publication(topic, payload, False, dev.device.device_id, w1, FLUSH, count)


def run_backfill(sim: Simulation, publisher: Publisher, start: datetime, end: datetime, *,
                 progress: Callable[[int, int, datetime], None] | None = None, drain_timeout_s: float = 60.0) -> Stats:
    """Publish [start, end) of every device's history; ``progress(done, total, window_end)`` after each device."""
    stats = Stats()
    spans = windows(start, end, sim.config.interval_s)
    total, done = len(spans) * len(sim.devices), 0
    for w0, w1 in spans:
        for dev in sim.devices:
            for message in device_window(sim, dev, w0, w1):
                publisher.publish(message)
                stats.add(message)
            done += 1
            if progress is not None:
                progress(done, total, w1)
    stats.unacknowledged = publisher.drain(drain_timeout_s)
    return stats
