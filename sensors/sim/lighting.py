"""Street lighting, simulated: lamps switched by the astronomical clock of where they stand, dimmed on a schedule,
with failures, day burners, dimming the control gear ignores, supply loss per cabinet and cabinet doors opened.

Pure and deterministic: every state is a function of the device, the local date and the time, drawn from a hash, so
a live run and a backfill agree and a lamp that failed yesterday is still dark tonight until its repair day. Vietnam
keeps no daylight saving time, so the local clock is sun time plus a fixed offset all year.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from astral import Observer
from astral.sun import sun

from sensors.contract import LightTelemetry
from sensors.fleet import Device, Fleet

ON_AFTER_SUNSET = timedelta(minutes=10)    # the astronomical clock's offsets: street light in civil twilight
OFF_BEFORE_SUNRISE = timedelta(minutes=10)
# (from, level): full output from switch-on, 70 % from 22:00, full again from 04:00 until switch-off
DIM_SCHEDULE = ((time(4, 0), 1.0), (time(22, 0), 0.7))
STANDBY_W = 0.5                            # a controller's own draw while its lamp is off
FAIL_PER_DAY, BURNER_PER_DAY, GEAR_PER_DAY = 0.006, 0.004, 0.005   # per lamp: new failures a day
OUTAGE_PER_NIGHT, DOOR_PER_DAY = 0.05, 0.03                         # per cabinet
_INSTALLED = date(2022, 1, 1)


@dataclass(frozen=True, slots=True)
class LightProfile:
    """A lamp (``rated_w``, its ``cabinet``) or a cabinet (``feeds_w``: its lamps' rated power, ``lamps``)."""

    device_id: str
    device_type: str
    lat: float
    lon: float
    rated_w: float = 0.0
    cabinet: str | None = None
    feeds_w: float = 0.0
    lamps: int = 0


def light_profile(fleet: Fleet, device: Device) -> LightProfile:
    light = device.light
    if light is None or light.device_type == "lamp":
        rated = light.rated_w if light is not None and light.rated_w else 100.0
        return LightProfile(device.device_id, "lamp", device.lat, device.lon, rated,
                            light.cabinet if light is not None else None)
    fed = [d.light.rated_w or 0.0 for d in fleet.devices if d.light is not None and d.light.cabinet == device.device_id]
    return LightProfile(device.device_id, "cabinet", device.lat, device.lon, feeds_w=sum(fed), lamps=len(fed))


def _u(*parts: object) -> float:
    """A uniform number in [0, 1) fixed by ``parts``."""
    return zlib.crc32("|".join(map(str, parts)).encode()) / 2**32


@lru_cache(maxsize=4096)
def switching(lat: float, lon: float, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """(switch-on this evening, switch-off next morning) at (lat, lon) for the night starting on local ``day``."""
    here = Observer(latitude=lat, longitude=lon)
    evening = sun(here, day, tzinfo=tz)["sunset"] + ON_AFTER_SUNSET
    morning = sun(here, day + timedelta(days=1), tzinfo=tz)["sunrise"] - OFF_BEFORE_SUNRISE
    return evening, morning


def night_of(lat: float, lon: float, local: datetime) -> tuple[date, bool]:
    """The local date the current or last night started on, and whether ``local`` is inside that night."""
    tz = local.tzinfo
    assert tz is not None
    for day in (local.date() - timedelta(days=1), local.date()):
        on, off = switching(round(lat, 2), round(lon, 2), day, tz)
        if on <= local < off:
            return day, True
    return local.date() - timedelta(days=1), False


def commanded_level(local: datetime) -> float:
    """The dimming schedule's level at ``local`` (a time inside the night)."""
    clock = local.time()
    return DIM_SCHEDULE[0][1] if DIM_SCHEDULE[0][0] <= clock < DIM_SCHEDULE[1][0] else DIM_SCHEDULE[1][1]


def _episode(device_id: str, what: str, day: date, rate: float, longest_days: int) -> bool:
    """Whether an episode of ``what`` (started on some day, lasting 1..longest_days) covers ``day``."""
    for back in range(longest_days):
        start = day - timedelta(days=back)
        if _u(device_id, what, start) < rate and back < 1 + int(_u(device_id, what, "len", start) * longest_days):
            return True
    return False


def _outage(cabinet: str, night: date, local: datetime, on: datetime, off: datetime) -> bool:
    """A supply loss of 1..3 h somewhere in the night (a fault on the feeder, a tripped breaker)."""
    if _u(cabinet, "outage", night) >= OUTAGE_PER_NIGHT:
        return False
    start = on + (off - on) * _u(cabinet, "outage-at", night) * 0.8
    return start <= local < start + timedelta(hours=1 + 2 * _u(cabinet, "outage-len", night))


def lamp_reading(p: LightProfile, t: datetime, local: datetime, seq: int | None, interval_s: int) -> LightTelemetry:
    """A lamp's telemetry at true time ``t`` (``local``: the same instant on the city's clock)."""
    night, dark = night_of(p.lat, p.lon, local)
    tz = local.tzinfo
    assert tz is not None
    on, off = switching(round(p.lat, 2), round(p.lon, 2), night, tz)
    failed = _episode(p.device_id, "fail", local.date(), FAIL_PER_DAY, 5)
    burner = _episode(p.device_id, "burner", local.date(), BURNER_PER_DAY, 3)
    gear = _episode(p.device_id, "gear", local.date(), GEAR_PER_DAY, 2)
    supply = p.cabinet is not None and dark and _outage(p.cabinet, night, local, on, off)
    want_level = commanded_level(local) if dark else 0.0
    level = 0.0
    if not failed and not supply:
        level = (1.0 if gear else want_level) if dark else (1.0 if burner else 0.0)
    burning = level > 0
    power = round(p.rated_w * (0.1 + 0.9 * level) * (1 + 0.02 * (_u(p.device_id, t) - 0.5)), 1) if burning else (
        0.0 if supply else STANDBY_W)
    hours = (local.date() - _INSTALLED).days * 11.6 + _u(p.device_id, "age") * 8000
    hours += max(0.0, (local - on).total_seconds() / 3600) if dark else 0.0
    return LightTelemetry(
        t, p.device_id, seq, "lamp", "on" if burning else "off", "on" if dark else "off", round(level, 2),
        round(want_level, 2), power, round(hours * p.rated_w * 0.8 / 1000, 1), None, round(hours, 1),
        "defectiveLamp" if failed else "ok", failed, supply, burner and not dark, gear and dark,
        interval_s=interval_s,
    )


def cabinet_reading(p: LightProfile, t: datetime, local: datetime, seq: int | None, interval_s: int
                    ) -> LightTelemetry:
    """A cabinet's telemetry: its contactor follows the clock; phases carry a third of its lamps each."""
    night, dark = night_of(p.lat, p.lon, local)
    tz = local.tzinfo
    assert tz is not None
    on, off = switching(round(p.lat, 2), round(p.lon, 2), night, tz)
    supply = dark and _outage(p.device_id, night, local, on, off)
    door = _u(p.device_id, "door", local.date()) < DOOR_PER_DAY and 9 <= local.hour < 10   # a maintenance visit
    load_w = p.feeds_w * (0.1 + 0.9 * commanded_level(local)) if dark and not supply else 0.0
    pf = round(0.95 + 0.02 * (_u(p.device_id, t, "pf") - 0.5), 3)
    volts = [0.0 if supply else round(230 + 4 * (_u(p.device_id, t, ph) - 0.5), 1) for ph in range(3)]
    amps = [round(load_w / 3 / (v * pf), 2) if v else 0.0 for v in volts]
    return LightTelemetry(
        t, p.device_id, seq, "cabinet", "on" if dark and not supply else "off", "on" if dark else "off",
        active_power=round(load_w, 1), energy_consumed=round(_energy_today(p, local), 2), supply_loss=supply,
        working_mode="automatic", voltage_l1=volts[0], voltage_l2=volts[1], voltage_l3=volts[2],
        current_l1=amps[0], current_l2=amps[1], current_l3=amps[2], power_factor=pf if load_w else None,
        cabinet_door_open=door, interval_s=interval_s,
    )


def _energy_today(p: LightProfile, local: datetime) -> float:
    """kWh since local midnight on the schedule (10-minute steps; outages ignored: a meter estimate)."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    kwh, step = 0.0, timedelta(minutes=10)
    at = midnight
    while at < local:
        if night_of(p.lat, p.lon, at)[1]:
            kwh += p.feeds_w * (0.1 + 0.9 * commanded_level(at)) / 1000 * min(step, local - at).total_seconds() / 3600
        at += step
    return kwh


def light_reading(p: LightProfile, t: datetime, local: datetime, seq: int | None, interval_s: int) -> LightTelemetry:
    make = cabinet_reading if p.device_type == "cabinet" else lamp_reading
    return make(p, t, local, seq, interval_s)
