"""A fleet file's parsed document into a Fleet, or one ImportDataError naming the file, the entry and the field."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ioc.errors import ImportDataError

from ._model import (
    BASIC_MEASURES,
    CAMERA_TYPES,
    DEVICE_ID_PATTERN,
    KINDS,
    LIGHT_TYPES,
    MEASURES,
    NOISE_AREAS,
    NOISE_SITES,
    OWNERSHIPS,
    PLACES,
    WATER_BODIES,
    Device,
    Fleet,
    Hotspot,
    LightPoint,
    Station,
)

_ID = re.compile(DEVICE_ID_PATTERN)
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]|24:00")
_T = TypeVar("_T")


class _Entry:
    """Typed reads of one mapping of the file; every problem names where it is."""

    def __init__(self, path: Path, where: str, raw: object) -> None:
        self.path, self.where = path, where
        if not isinstance(raw, Mapping):
            self.fail(None, f"expected a mapping, got {type(raw).__name__}")
        self.raw: Mapping[str, Any] = raw  # type: ignore[assignment]  # fail() raised otherwise
        self.used: set[str] = set()

    def fail(self, key: str | None, problem: str) -> None:
        field = f" field '{key}':" if key else ""
        raise ImportDataError(f"{self.path}: {self.where}:{field} {problem}")

    def get(self, key: str, check: Callable[[object], _T], *, default: Any = ...) -> _T:
        self.used.add(key)
        if self.raw.get(key) is None:
            if default is ...:
                self.fail(key, "is missing")
            return default
        try:
            return check(self.raw[key])
        except ValueError as exc:
            self.fail(key, str(exc))
            raise  # unreachable: fail() raises

    def done(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            self.fail(unknown[0], "is not a known field (check its spelling)")


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected non-empty text, got {value!r}")
    return value


def _ident(value: object) -> str:
    if not isinstance(value, str) or _ID.fullmatch(value) is None:
        raise ValueError(f"expected 1 to 64 of A-Z a-z 0-9 _ -, got {value!r}")
    return value


def _choice(choices: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    return check


def _number(lo: float, hi: float) -> Callable[[object], float]:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"expected a number, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{value} is out of range {lo}..{hi}")
        return float(value)

    return check


def _integer(lo: int, hi: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{value} is out of range {lo}..{hi}")
        return value

    return check


def _clock(value: object) -> str:
    if not isinstance(value, str) or _CLOCK.fullmatch(value) is None:
        raise ValueError(f"expected a local time HH:MM (00:00..24:00), got {value!r}")
    return value


def _months(value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in value):
        raise ValueError(f"expected a list of months 1..12, got {value!r}")
    return tuple(value)


def _timezone(value: object) -> str:
    try:
        ZoneInfo(_text(value))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"expected an IANA zone such as Asia/Ho_Chi_Minh, got {value!r}") from exc
    return str(value)


def fleet_from(path: Path, doc: object) -> Fleet:
    top = _Entry(path, "top level", doc)
    hotspots = tuple(_hotspot(path, i, raw) for i, raw in enumerate(top.get("hotspots", _list, default=[])))
    devices = tuple(_device(path, i, raw) for i, raw in enumerate(top.get("devices", _list)))
    fleet = Fleet(
        name=top.get("fleet", _ident),
        city=top.get("city", _text),
        devices=devices,
        hotspots=hotspots,
        timezone=top.get("timezone", _timezone, default="Asia/Ho_Chi_Minh"),
        source=top.get("source", _text, default=""),
    )
    top.done()
    _check_references(path, fleet)
    return fleet


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return value


def _hotspot(path: Path, index: int, raw: object) -> Hotspot:
    e = _Entry(path, f"hotspots[{index}]", raw)
    e.where = f"hotspots[{index}] ({e.get('id', _ident)})"
    spot = Hotspot(
        hotspot_id=e.get("id", _ident),
        name=e.get("name", _text),
        place=e.get("place", _choice(PLACES)),
        lon=e.get("lon", _number(-180, 180)),
        lat=e.get("lat", _number(-90, 90)),
        opens=e.get("opens", _clock, default="05:00"),
        closes=e.get("closes", _clock, default="23:00"),
        season_months=e.get("season_months", _months, default=()),
        capacity=e.get("capacity", _integer(1, 2000), default=60),
        poi=e.get("poi", _text, default=None),
    )
    e.done()
    return spot


def _device(path: Path, index: int, raw: object) -> Device:
    e = _Entry(path, f"devices[{index}]", raw)
    e.where = f"devices[{index}] ({e.get('id', _ident)})"
    kind = e.get("kind", _choice(KINDS))
    device = Device(
        device_id=e.get("id", _ident),
        kind=kind,
        name=e.get("name", _text),
        lon=e.get("lon", _number(-180, 180)),
        lat=e.get("lat", _number(-90, 90)),
        ward=e.get("ward", _text, default=None),
        poi=e.get("poi", _text, default=None),
        ownership=e.get("ownership", _choice(OWNERSHIPS)) if kind == "camera" else None,
        camera_type=e.get("camera_type", _choice(CAMERA_TYPES)) if kind == "camera" else None,
        hotspot=e.get("hotspot", _ident) if kind == "wifi" else None,
        station=_station(path, e.where, e.get("station", _mapping)) if kind == "env" else None,
        light=_light(path, e.where, e.get("light", _mapping)) if kind == "light" else None,
    )
    e.done()
    return device


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a mapping, got {type(value).__name__}")
    return value


def _station(path: Path, where: str, raw: Mapping[str, object]) -> Station:
    e = _Entry(path, f"{where} station", raw)
    station = Station(
        pm25_year=e.get("pm25_year", _integer(2016, 2020)),
        pm25_shift_hours=e.get("pm25_shift_hours", _integer(-8760, 8760)),
        # Hanoi's worst hour (555 µg/m³) times 1.8 stays inside the contract's 0..1000.
        pm25_scale=e.get("pm25_scale", _number(0.01, 1.8)),
        temp_mean_c=e.get("temp_mean_c", _number(-10, 45), default=27.5),
        temp_amplitude_c=e.get("temp_amplitude_c", _number(0, 15), default=4.0),
        humidity_mean=e.get("humidity_mean", _number(0.2, 0.95), default=0.78),
        noise_base_db=e.get("noise_base_db", _number(30, 90), default=55.0),
        measures=e.get("measures", _measures, default=BASIC_MEASURES),
        noise_site=e.get("noise_site", _choice(NOISE_SITES), default="road"),
        noise_area=e.get("noise_area", _choice(NOISE_AREAS), default="normal"),
        water_body=e.get("water_body", _choice(WATER_BODIES), default=None),
        water_base_cm=e.get("water_base_cm", _number(-1000, 10_000), default=0.0),
        water_levels_cm=e.get("water_levels_cm", _levels, default=()),
    )
    if station.carries("water_level") and (station.water_body is None or not station.water_levels_cm):
        e.fail("water_levels_cm", "a station measuring water_level declares water_body and its warning levels")
    e.done()
    return station


def _measures(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(m not in MEASURES for m in value) \
            or len(set(value)) < len(value):
        raise ValueError(f"expected a list of distinct measures among {', '.join(MEASURES)}, got {value!r}")
    return tuple(value)


def _levels(value: object) -> tuple[float, ...]:
    """Warning levels I, II, III in cm: three numbers, strictly rising."""
    items: list[object] = list(value) if isinstance(value, list) else []
    numbers = [float(v) for v in items if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(items) != 3 or len(numbers) != 3 or not all(map(math.isfinite, numbers)) \
            or not numbers[0] < numbers[1] < numbers[2]:
        raise ValueError(f"expected three rising levels [I, II, III] in cm, got {value!r}")
    return tuple(numbers)

def _light(path: Path, where: str, raw: Mapping[str, object]) -> LightPoint:
    e = _Entry(path, f"{where} light", raw)
    device_type = e.get("device_type", _choice(LIGHT_TYPES))
    light = LightPoint(
        device_type=device_type,
        street=e.get("street", _text),
        cabinet=e.get("cabinet", _ident) if device_type == "lamp" else None,
        # an LED street lantern is 20..400 W
        rated_w=e.get("rated_w", _number(10, 1000)) if device_type == "lamp" else None,
    )
    e.done()
    return light


def _check_references(path: Path, fleet: Fleet) -> None:
    seen: dict[str, int] = {}
    spots = {h.hotspot_id for h in fleet.hotspots}
    for index, device in enumerate(fleet.devices):
        where = f"{path}: devices[{index}] ({device.device_id}): field"
        if device.device_id in seen:
            raise ImportDataError(f"{where} 'id': duplicates devices[{seen[device.device_id]}] (ids are unique)")
        seen[device.device_id] = index
        cabinet = device.light.cabinet if device.light is not None else None
        if cabinet is not None and cabinet not in seen:
            raise ImportDataError(f"{where} 'light.cabinet': {cabinet!r} is not a cabinet listed before this lamp")
        if device.hotspot is not None and device.hotspot not in spots:
            raise ImportDataError(f"{where} 'hotspot': {device.hotspot!r} is not a hotspot of this fleet")
    if len(spots) != len(fleet.hotspots):
        raise ImportDataError(f"{path}: hotspots: two hotspots share an id")
