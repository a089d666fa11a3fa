"""The simulation: which device says what, when. Deterministic for a seed; no I/O and no clock of its own.

``step(t0, t1)`` gives every message due in [t0, t1) of simulated time. Each device reports once per interval at
its own second, sends a heartbeat every ``heartbeat_s``, and shows the configured faults. Every message is made
by the contract's ``encode``/``encode_many`` (malformed ones start from it), so everything valid parses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from sensors.contract import MAX_ARRAY, Record, encode, encode_many
from sensors.fleet import Device, Fleet

from . import faults as f
from . import malformed
from .devices import DeviceSim, World
from .pm25 import Pm25Series
from .weather import climate_of

DATA, FLUSH, STATUS, MALFORMED = "data", "flush", "status", "malformed"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Publication:
    """One publish. ``role``: data (a live reading), flush (a buffer array), status, or malformed (``code``)."""

    topic: str
    payload: bytes
    retain: bool
    device_id: str
    at: datetime  # simulated time of publishing
    role: str
    records: int
    code: str | None = None


@dataclass(frozen=True)
class SimConfig:
    interval_s: int = 60
    heartbeat_s: int = 300
    seed: int = 0
    buffer_max: int = 10_000  # readings a device keeps while offline (about a week at one a minute)
    faults: f.FaultConfig = f.FaultConfig()

    def __post_init__(self) -> None:
        if self.interval_s < 1 or self.heartbeat_s < self.interval_s or self.heartbeat_s % self.interval_s:
            raise ValueError("the heartbeat is a whole number of reporting intervals")


class Simulation:
    def __init__(self, fleet: Fleet, pm25: Pm25Series, config: SimConfig = SimConfig()) -> None:
        self.config, self.fleet = config, fleet
        self.tz = ZoneInfo(fleet.timezone)
        self.world = World(self.tz, climate_of(fleet.city), config.seed, pm25)
        self.rng = np.random.default_rng(config.seed)
        self.malformed = f.ShareSchedule(config.faults.malformed)
        self.devices = [self._device(d) for d in fleet.devices]
        self._by_phase: dict[int, list[DeviceSim]] = {}
        for sim in self.devices:
            self._by_phase.setdefault(sim.phase, []).append(sim)

    def _device(self, device: Device) -> DeviceSim:
        codes = malformed.codes_for(device.kind)
        return DeviceSim(self.fleet, device, self.config.interval_s, f.initial_state(self.config.faults, self.rng),
                         self.config.buffer_max, codes, int(self.rng.integers(len(codes))))

    def start(self, t: datetime) -> list[Publication]:
        """Every device comes online (retained status)."""
        return [self._status(sim, t, online=True) for sim in self.devices]

    def stop(self, t: datetime) -> list[Publication]:
        """A clean stop: every device says it is offline (retained), as its last will would."""
        return [self._status(sim, t, online=False) for sim in self.devices]

    def step(self, t0: datetime, t1: datetime) -> Iterator[Publication]:
        """Every message due at a whole second in [t0, t1)."""
        first, last = math.ceil((t0 - _EPOCH).total_seconds()), math.ceil((t1 - _EPOCH).total_seconds())
        interval = self.config.interval_s
        for second in range(first, last):
            due = self._by_phase.get(second % interval)
            if due:
                t = _EPOCH + timedelta(seconds=second)
                for sim in due:
                    yield from self._tick(sim, t, second)

    def _tick(self, sim: DeviceSim, t: datetime, second: int) -> Iterator[Publication]:
        interval, cfg = self.config.interval_s, self.config
        sim.faults, change = f.advance(sim.faults, cfg.faults, t, interval, self.rng)
        if change == f.WENT_OFFLINE:
            yield self._status(sim, t, online=False)  # what the broker's last will says for a lone device
        elif change == f.CAME_BACK:
            yield self._status(sim, t, online=True)
            yield from self.flush(sim, t)
        if not sim.faults.silent:
            readings = sim.readings(t, self.world, self.rng, interval)
            if sim.faults.offline:
                _keep(sim, readings)
            else:
                yield from self._live(sim, t, readings)
        beat = (second - sim.phase) // interval % (cfg.heartbeat_s // interval) == 0
        if beat and not sim.faults.offline:
            yield self._message(sim, t, sim.status(t, True, self.rng), STATUS, retain=True)

    def _live(self, sim: DeviceSim, t: datetime, readings: Iterable[Record]) -> Iterator[Publication]:
        for record in readings:
            if self.malformed.take():
                code = sim.next_code()
                topic, payload = malformed.build(code, record, self.tz)
                yield Publication(topic, payload, False, sim.device.device_id, t, MALFORMED, 1, code)
            else:
                yield self._message(sim, t, record, DATA)

    def flush(self, sim: DeviceSim, t: datetime) -> Iterator[Publication]:
        """The buffer as arrays of at most 1000 per topic, oldest first, with their original timestamps."""
        by_type: dict[type, list[Record]] = {}
        for record in sim.buffer:
            by_type.setdefault(type(record), []).append(record)
        sim.buffer.clear()
        for records in by_type.values():
            for topic, payload, count in encode_arrays(records, self.tz):
                yield Publication(topic, payload, False, sim.device.device_id, t, FLUSH, count)

    def _status(self, sim: DeviceSim, t: datetime, *, online: bool) -> Publication:
        return self._message(sim, t, sim.status(t, online), STATUS, retain=True)

    def _message(self, sim: DeviceSim, t: datetime, record: Record, role: str, retain: bool = False) -> Publication:
        topic, payload = encode(record, tz=self.tz)
        return Publication(topic, payload, retain, sim.device.device_id, t, role, 1)


def _keep(sim: DeviceSim, readings: list[Record]) -> None:
    room = sim.buffer.maxlen or 0
    sim.dropped += max(0, len(sim.buffer) + len(readings) - room)
    sim.buffer.extend(readings)


def encode_arrays(records: list[Record], tz: ZoneInfo) -> Iterator[tuple[str, bytes, int]]:
    """(topic, payload, count) arrays of at most 1000 of ``records`` (one topic), each under 256 KiB, in order."""
    for start in range(0, len(records), MAX_ARRAY):
        yield from _fitting(records[start:start + MAX_ARRAY], tz)


def _fitting(chunk: list[Record], tz: ZoneInfo) -> Iterator[tuple[str, bytes, int]]:
    try:
        topic, payload = encode_many(chunk, tz=tz)
    except ValueError:
        if len(chunk) == 1:
            raise
        half = len(chunk) // 2
        yield from _fitting(chunk[:half], tz)
        yield from _fitting(chunk[half:], tz)
        return
    yield topic, payload, len(chunk)
