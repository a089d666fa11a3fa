"""A fleet: the devices of one city as declared in a fleet file, with the hotspots their access points belong to.

Values only; reading and writing files is in ``_files``, validation in ``_validate``. The simulator reads its
behaviour parameters from here (a station's PM2.5 replay, a hotspot's opening hours), so what a test checks is
what the file declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

KINDS = ("camera", "wifi", "env", "light")
LIGHT_TYPES = ("lamp", "cabinet")
OWNERSHIPS = ("budget", "socialized", "citizen_shared")
CAMERA_TYPES = ("fixed", "ptz")
PLACES = ("square", "market", "hospital", "seasonal")
# What an environment station can carry (contract field names as stored): the basic kit, and the extras a station
# declares: the gases of a full air station, a water-level gauge.
BASIC_MEASURES = ("pm25", "temperature", "relative_humidity", "laeq", "precipitation")
MEASURES = (*BASIC_MEASURES, "pm10", "no2", "o3", "co", "so2", "water_level")
NOISE_SITES = ("road", "market", "residential")
NOISE_AREAS = ("normal", "special")   # QCVN 26:2010/BTNMT: ordinary areas, and hospitals, schools, libraries...
WATER_BODIES = ("drain", "river")
DEVICE_ID_PATTERN = r"[A-Za-z0-9_-]{1,64}"


@dataclass(frozen=True, slots=True)
class Station:
    """How an environment station is simulated: which hours of the Hanoi PM2.5 series it replays, and its climate.

    The station at local time ``t`` reports ``pm25_scale`` × the source reading of the same calendar hour in
    ``pm25_year``, ``pm25_shift_hours`` earlier (a missing or invalid source hour gives no PM2.5 in that reading).
    """

    pm25_year: int
    pm25_shift_hours: int
    pm25_scale: float
    temp_mean_c: float = 27.5
    temp_amplitude_c: float = 4.0
    humidity_mean: float = 0.78
    noise_base_db: float = 55.0
    measures: tuple[str, ...] = BASIC_MEASURES
    noise_site: str = "road"       # road: follows the traffic; market: loudest in the early-morning market
    noise_area: str = "normal"     # which QCVN 26 limits apply (data/environment/noise_limits.yaml)
    water_body: str | None = None  # a gauge (measures has water_level): on a street drain or a river
    water_base_cm: float = 0.0     # dry-weather level above the gauge's zero
    water_levels_cm: tuple[float, ...] = ()   # warning levels I, II, III (cm, same zero), rising

    def carries(self, measure: str) -> bool:
        return measure in self.measures


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A public free-wifi place; its access points are wifi devices naming it. ``poi``: the real place, if any."""

    hotspot_id: str
    name: str
    place: str
    lon: float
    lat: float
    opens: str = "05:00"
    closes: str = "23:00"  # "24:00" for midnight; closes < opens means open across midnight
    season_months: tuple[int, ...] = ()  # months (1-12) the hotspot runs; empty: all year
    capacity: int = 60  # clients one access point holds at the busiest hour
    poi: str | None = None


@dataclass(frozen=True, slots=True)
class LightPoint:
    """A street-lighting device: a lamp (fed by ``cabinet``, ``rated_w`` at full output) or a control cabinet."""

    device_type: str
    street: str
    cabinet: str | None = None
    rated_w: float | None = None


@dataclass(frozen=True, slots=True)
class Device:
    """One field device. ``ward`` is the 2025 ward the generator drew it in (the registry's ward_code is joined
    spatially elsewhere); ``poi`` names the real place a device stands at."""

    device_id: str
    kind: str
    name: str
    lon: float
    lat: float
    ward: str | None = None
    ownership: str | None = None  # cameras
    camera_type: str | None = None  # cameras
    hotspot: str | None = None  # wifi access points
    station: Station | None = None  # environment stations
    poi: str | None = None
    light: LightPoint | None = None  # street lighting


@dataclass(frozen=True, slots=True)
class Fleet:
    name: str
    city: str
    devices: tuple[Device, ...]
    hotspots: tuple[Hotspot, ...] = ()
    timezone: str = "Asia/Ho_Chi_Minh"
    source: str = ""
    _hotspots_by_id: Mapping[str, Hotspot] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hotspots_by_id", MappingProxyType({h.hotspot_id: h for h in self.hotspots}))

    def hotspot(self, hotspot_id: str) -> Hotspot:
        return self._hotspots_by_id[hotspot_id]

    def of_kind(self, kind: str) -> tuple[Device, ...]:
        return tuple(d for d in self.devices if d.kind == kind)


def registry_attrs(fleet: Fleet, device: Device) -> dict[str, object]:
    """What the registry keeps in ``devices.attrs`` for ``device``: its class, its hotspot, its station."""
    attrs: dict[str, object] = {"city": fleet.city, "fleet": fleet.name}
    if device.poi is not None:
        attrs["poi"] = device.poi
    if device.kind == "camera":
        attrs.update(ownership=device.ownership, camera_type=device.camera_type)
    elif device.kind == "wifi" and device.hotspot is not None:
        spot = fleet.hotspot(device.hotspot)
        attrs.update(hotspot=spot.hotspot_id, hotspot_name=spot.name, place=spot.place)
        if spot.season_months:  # a seasonal point (Tết, holidays): the months it runs; absent for a fixed point
            attrs["season_months"] = list(spot.season_months)
    elif device.kind == "env" and device.station is not None:
        attrs["station"] = station_dict(device.station)
    elif device.kind == "light" and device.light is not None:
        attrs.update(light_dict(device.light))
    return attrs


def station_dict(station: Station) -> dict[str, object]:
    """The station as plain data (lists, not tuples: YAML and JSON); fields left at their default are left out, so a
    basic station's entry reads as before."""
    out: dict[str, object] = {}
    for name in Station.__slots__:
        value = getattr(station, name)
        if name in _OPTIONAL and value == _OPTIONAL[name]:
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


_OPTIONAL = {"measures": BASIC_MEASURES, "noise_site": "road", "noise_area": "normal", "water_body": None,
             "water_base_cm": 0.0, "water_levels_cm": ()}


def light_dict(light: LightPoint) -> dict[str, object]:
    """A lighting device's fields as written in the fleet file and kept in ``devices.attrs``."""
    out: dict[str, object] = {"device_type": light.device_type, "street": light.street}
    if light.cabinet is not None:
        out["cabinet"] = light.cabinet
    if light.rated_w is not None:
        out["rated_w"] = light.rated_w
    return out
