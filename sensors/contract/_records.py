"""Records: one valid object of a message, as the row it becomes (fields = storage columns, in order).

``received_at`` is not a field: it belongs to the message, and the writer adds it. ``ts`` is always an aware UTC
datetime; ``ts_assumed`` is True when the payload had no ``ts`` and the receive time stands in for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from types import MappingProxyType
from typing import ClassVar, TypeVar


class _Row:
    __slots__ = ()
    TABLE: ClassVar[str]
    COLUMNS: ClassVar[tuple[str, ...]]

    def row(self) -> tuple[object, ...]:
        """The values in COLUMNS order, ready for COPY or INSERT."""
        return tuple(getattr(self, column) for column in self.COLUMNS)


_R = TypeVar("_R", bound=type[_Row])


def _table(name: str) -> Callable[[_R], _R]:
    """Names a record's table; its COLUMNS are its fields, in order, so the two cannot drift apart."""

    def mark(cls: _R) -> _R:
        cls.TABLE = name
        cls.COLUMNS = tuple(field.name for field in fields(cls))  # type: ignore[arg-type]
        return cls

    return mark


@_table("camera_telemetry")
@dataclass(frozen=True, slots=True)
class CameraTelemetry(_Row):
    ts: datetime
    device_id: str
    seq: int | None
    vehicles: int
    people: int
    avg_speed_kmh: float | None
    interval_s: int
    ts_assumed: bool = False


@_table("camera_events")
@dataclass(frozen=True, slots=True)
class CameraEvent(_Row):
    ts: datetime
    device_id: str
    seq: int | None
    type: str
    confidence: float
    snapshot_url: str | None
    note: str | None
    ts_assumed: bool = False


@_table("wifi_telemetry")
@dataclass(frozen=True, slots=True)
class WifiTelemetry(_Row):
    ts: datetime
    device_id: str
    seq: int | None
    clients: int
    new_sessions: int
    bytes_up: int
    bytes_down: int
    interval_s: int
    ts_assumed: bool = False


@_table("env_telemetry")
@dataclass(frozen=True, slots=True)
class EnvTelemetry(_Row):
    ts: datetime
    device_id: str
    seq: int | None
    pm25: float | None
    pm10: float | None
    no2: float | None
    o3: float | None
    co: float | None
    so2: float | None
    temperature: float | None
    relative_humidity: float | None
    laeq: float | None
    precipitation: float | None
    water_level: float | None
    ts_assumed: bool = False


@_table("light_telemetry")
@dataclass(frozen=True, slots=True)
class LightTelemetry(_Row):
    ts: datetime
    device_id: str
    seq: int | None
    device_type: str
    power_state: str
    commanded_power_state: str | None = None
    illuminance_level: float | None = None
    commanded_illuminance_level: float | None = None
    active_power: float | None = None
    active_energy: float | None = None
    energy_consumed: float | None = None
    operating_hours: float | None = None
    status: str | None = None
    lamp_failure: bool | None = None
    supply_loss: bool | None = None
    lamp_unexpected_on: bool | None = None
    control_gear_comm_failure: bool | None = None
    working_mode: str | None = None
    voltage_l1: float | None = None
    voltage_l2: float | None = None
    voltage_l3: float | None = None
    current_l1: float | None = None
    current_l2: float | None = None
    current_l3: float | None = None
    power_factor: float | None = None
    cabinet_door_open: bool | None = None
    interval_s: int = 60
    ts_assumed: bool = False


@_table("device_status")
@dataclass(frozen=True, slots=True)
class DeviceStatus(_Row):
    ts: datetime
    device_id: str
    seq: int | None
    kind: str
    online: bool
    battery: float | None
    rssi: float | None
    firmware: str | None
    lat: float | None
    lon: float | None
    ts_assumed: bool = False


Record = CameraTelemetry | CameraEvent | WifiTelemetry | EnvTelemetry | LightTelemetry | DeviceStatus

# (kind, channel) -> record type; status is shared by every kind.
RECORD_TYPES: Mapping[tuple[str, str], type[Record]] = MappingProxyType(
    {
        ("camera", "telemetry"): CameraTelemetry,
        ("camera", "event"): CameraEvent,
        ("wifi", "telemetry"): WifiTelemetry,
        ("env", "telemetry"): EnvTelemetry,
        ("light", "telemetry"): LightTelemetry,
        ("camera", "status"): DeviceStatus,
        ("wifi", "status"): DeviceStatus,
        ("env", "status"): DeviceStatus,
        ("light", "status"): DeviceStatus,
    }
)
