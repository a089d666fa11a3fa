"""Fleets: the field devices of a city, declared in a YAML or JSON file, generated from real places, registered.

    fleet = sensors.fleet.generate("Nha Trang", cameras=318)
    sensors.fleet.dump(fleet, "data/fleets/nha_trang.yaml")
    fleet = sensors.fleet.load("data/fleets/nha_trang.yaml")   # ImportDataError: file, entry, field
    sensors.fleet.register(conn, fleet)                        # upsert into devices, registered = true
"""

from typing import TYPE_CHECKING, Any

from ._files import document, dump, load
from ._model import (
    CAMERA_TYPES,
    KINDS,
    MEASURES,
    NOISE_AREAS,
    OWNERSHIPS,
    PLACES,
    Device,
    Fleet,
    Hotspot,
    LightPoint,
    Station,
    registry_attrs,
)
from ._register import register

if TYPE_CHECKING:
    from ._generate import DEFAULT_SEED, CameraMix, build, generate

_GENERATOR = ("DEFAULT_SEED", "CameraMix", "build", "generate")


def __getattr__(name: str) -> Any:
    # The generator needs shapely and pyproj (~40 MB); a simulator that only loads fleets never imports them.
    if name in _GENERATOR:
        from . import _generate

        return getattr(_generate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "CAMERA_TYPES",
    "DEFAULT_SEED",
    "KINDS",
    "MEASURES",
    "NOISE_AREAS",
    "OWNERSHIPS",
    "PLACES",
    "CameraMix",
    "Device",
    "Fleet",
    "Hotspot",
    "LightPoint",
    "Station",
    "build",
    "document",
    "dump",
    "generate",
    "load",
    "register",
    "registry_attrs",
]
