"""One simulated device: its readings as contract records (from the pure behaviour models), its sequence numbers,
its faults and its offline buffer."""

from __future__ import annotations

import zlib
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from sensors.contract import CameraEvent, CameraTelemetry, DeviceStatus, EnvTelemetry, Record, WifiTelemetry
from sensors.fleet import Device, Fleet

from .environment import env_values
from .faults import FaultState
from .lighting import LightProfile, light_profile, light_reading
from .pm25 import Pm25Series
from .traffic import CameraProfile, camera_counts, camera_events, camera_profile
from .water import water_level
from .weather import Climate, rain_mm_h
from .wifi import ApProfile, ap_profile, wifi_sample

FIRMWARE = {"camera": "cam-sim 2.4.1", "wifi": "ap-sim 1.9.0", "env": "env-sim 0.7.3", "light": "talq-sim 1.2.0"}
LIGHT_PERIOD_S = 600  # a lamp reports every 10 minutes (device_kinds.light): its state changes twice a night


@dataclass(frozen=True)
class World:
    """What every device of a run shares: the city's zone and weather, and the PM2.5 series."""

    tz: ZoneInfo
    climate: Climate
    weather_seed: int
    pm25: Pm25Series

    def rain(self, local: datetime) -> float:
        return rain_mm_h(self.climate, local, self.weather_seed)

    def water(self, body: str | None, base_cm: float, local: datetime) -> float | None:
        return None if body is None else water_level(body, base_cm, self.climate, local, self.weather_seed)


def phase_of(device_id: str, interval_s: int) -> int:
    """The second within each interval a device reports at: stable, and spreads a fleet's load evenly."""
    return zlib.crc32(device_id.encode()) % interval_s


class DeviceSim:
    __slots__ = ("device", "phase", "faults", "buffer", "dropped", "codes", "code_index", "_seq", "_model", "_light_at")

    def __init__(self, fleet: Fleet, device: Device, interval_s: int, faults: FaultState, buffer_max: int,
                 codes: tuple[str, ...], code_index: int) -> None:
        self.device = device
        self.phase = phase_of(device.device_id, interval_s)
        self.faults = faults
        self.buffer: deque[Record] = deque(maxlen=buffer_max)  # a device's ring buffer: the oldest are lost
        self.dropped = 0
        self.codes, self.code_index = codes, code_index  # malformed cases, taken in turn
        self._seq = {"telemetry": -1, "event": -1, "status": -1}
        self._light_at: datetime | None = None   # a lamp's last report: it reports at once, then every 10 minutes
        self._model: CameraProfile | ApProfile | LightProfile | None = (
            camera_profile(device) if device.kind == "camera"
            else ap_profile(device, fleet.hotspot(device.hotspot)) if device.kind == "wifi" and device.hotspot
            else light_profile(fleet, device) if device.kind == "light"
            else None
        )

    def next_code(self) -> str:
        code = self.codes[self.code_index % len(self.codes)]
        self.code_index += 1
        return code

    def seq(self, channel: str, true_ts: datetime) -> int:
        """Epoch milliseconds of the true time, bumped to stay strictly increasing: it keeps increasing across
        runs and agrees between a backfill and a live run."""
        value = max(int(true_ts.timestamp() * 1000), self._seq[channel] + 1)
        self._seq[channel] = value
        return value

    def clock(self, t: datetime) -> datetime:
        """What the device's own clock says at true time ``t``."""
        return t + timedelta(seconds=self.faults.skew_s) if self.faults.skew_s else t

    def readings(self, t: datetime, world: World, rng: np.random.Generator, interval_s: int) -> list[Record]:
        """Telemetry (and, for cameras, events) for the interval ending at true time ``t``, oldest first."""
        local = t.astimezone(world.tz)
        dev, model = self.device, self._model
        if isinstance(model, CameraProfile):
            rain = world.rain(local)
            vehicles, people, speed = camera_counts(model, local, interval_s, rain, rng)
            records: list[Record] = []
            for before_s, kind, confidence in camera_events(model, local, interval_s, rain, rng):
                at = t - timedelta(milliseconds=round(before_s * 1000))
                records.append(CameraEvent(self.clock(at), dev.device_id, self.seq("event", at), kind, confidence,
                                           None, None))
            tel = CameraTelemetry(self.clock(t), dev.device_id, self.seq("telemetry", t), vehicles, people, speed,
                                  interval_s)
            return [*records, tel]
        if isinstance(model, ApProfile):
            clients, sessions, up, down = wifi_sample(model, local, interval_s, rng)
            return [WifiTelemetry(self.clock(t), dev.device_id, self.seq("telemetry", t), clients, sessions, up, down,
                                  interval_s)]
        if isinstance(model, LightProfile):
            period = max(interval_s, LIGHT_PERIOD_S // interval_s * interval_s)
            gap = None if self._light_at is None else (t - self._light_at).total_seconds()
            if gap is not None and 0 <= gap < period:
                return []
            self._light_at = t       # a gap < 0 is a backfill going back in time: it starts afresh
            span = period if gap is None or gap < 0 else min(86_400, round(gap))
            return [light_reading(model, self.clock(t), local, self.seq("telemetry", t), span)]
        if dev.station is not None:
            st = dev.station
            v = env_values(st, world.pm25, local, interval_s, world.rain(local), rng,
                           world.water(st.water_body, st.water_base_cm, local))
            return [EnvTelemetry(self.clock(t), dev.device_id, self.seq("telemetry", t), v.pm25, v.pm10, v.no2, v.o3,
                                 v.co, v.so2, v.temperature, v.relative_humidity, v.laeq, v.precipitation,
                                 v.water_level)]
        return []

    def status(self, t: datetime, online: bool, rng: np.random.Generator | None = None) -> DeviceStatus:
        """A heartbeat (with battery, signal, firmware and the registered position) or a bare online flag."""
        dev = self.device
        if rng is None:
            return DeviceStatus(self.clock(t), dev.device_id, self.seq("status", t), dev.kind, online,
                                None, None, None, None, None)
        # Stations run on solar batteries; cameras and access points on mains power.
        battery = round(float(rng.uniform(60, 100)), 1) if dev.kind == "env" else None
        rssi = round(float(-55 - (zlib.crc32(dev.device_id.encode()) % 35) + rng.normal(0, 2)), 1)
        return DeviceStatus(self.clock(t), dev.device_id, self.seq("status", t), dev.kind, online, battery,
                            max(-150.0, min(0.0, rssi)), FIRMWARE[dev.kind], dev.lat, dev.lon)
