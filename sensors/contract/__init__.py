"""The field-device MQTT contract (v1) as pure code: topics, payload checks, records and encoding. No I/O.

The ingester calls :func:`parse` on every message and stores the records and dead-letters the rejections; the
simulators and device helpers call :func:`encode`, so a simulated message always parses. The contract itself is
``docs/mqtt-contract.md``; this package implements it, and :data:`FIELDS` is its table of ranges.
"""

from ._encode import encode, encode_many, encode_payload, last_will
from ._parse import ParseResult, parse
from ._ranges import (
    CAMERA_EVENT_TYPES,
    CHANNELS,
    ENV_METRICS,
    FIELDS,
    KIND_CHANNELS,
    KINDS,
    LIGHT_DEVICE_TYPES,
    LIGHT_POWER_STATES,
    LIGHT_STATUSES,
    LIGHT_WORKING_MODES,
    MAX_ARRAY,
    MAX_PAYLOAD_BYTES,
    FieldSpec,
)
from ._records import (
    CameraEvent,
    CameraTelemetry,
    DeviceStatus,
    EnvTelemetry,
    LightTelemetry,
    Record,
    WifiTelemetry,
)
from ._rejection import CODES, Rejection
from ._topic import Topic, subscription

__all__ = [
    "CAMERA_EVENT_TYPES",
    "CHANNELS",
    "CODES",
    "ENV_METRICS",
    "FIELDS",
    "KINDS",
    "KIND_CHANNELS",
    "LIGHT_DEVICE_TYPES",
    "LIGHT_POWER_STATES",
    "LIGHT_STATUSES",
    "LIGHT_WORKING_MODES",
    "MAX_ARRAY",
    "MAX_PAYLOAD_BYTES",
    "CameraEvent",
    "CameraTelemetry",
    "DeviceStatus",
    "EnvTelemetry",
    "FieldSpec",
    "LightTelemetry",
    "ParseResult",
    "Record",
    "Rejection",
    "Topic",
    "WifiTelemetry",
    "encode",
    "encode_many",
    "encode_payload",
    "last_will",
    "parse",
    "subscription",
]
