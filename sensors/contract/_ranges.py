"""The contract's vocabulary and its one table of fields, units and ranges.

Every bound is inclusive. A value outside its range is rejected, never clamped: a clamped value would be stored as
if it had been measured. Each bound says why it is where it is (``FieldSpec.why``), so that moving it is a decision
made with its reason in view; the gas bounds are the top breakpoints (AQI 500) of the national VN_AQI scale
(Decision 1459/QĐ-TCMT, 2019, 1-hour tables), beyond which the scale has nothing to say and a street-level
reading means a saturated or failing cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

KINDS = ("camera", "wifi", "env", "light")
CHANNELS = ("telemetry", "event", "status")
# The channels each kind may publish on: only cameras report discrete events.
KIND_CHANNELS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "camera": ("telemetry", "event", "status"),
        "wifi": ("telemetry", "status"),
        "env": ("telemetry", "status"),
        "light": ("telemetry", "status"),
    }
)
CAMERA_EVENT_TYPES = (
    "traffic_violation",
    "accident",
    "crowd",
    "intrusion",
    "fire_smoke",
    "illegal_parking",
    "littering",
    "flooding",
    "other",
)
# FIWARE Streetlight / StreetlightControlCabinet vocabularies; one kind, two sub-shapes told apart by deviceType.
LIGHT_DEVICE_TYPES = ("lamp", "cabinet")
LIGHT_POWER_STATES = ("on", "off", "low", "bootingUp")
LIGHT_STATUSES = ("ok", "defectiveLamp", "columnIssue", "brokenLantern")
LIGHT_WORKING_MODES = ("automatic", "manual", "semiautomatic")
MAX_PAYLOAD_BYTES = 256 * 1024
MAX_ARRAY = 1000
BIGINT_MAX = 2**63 - 1

FieldType = Literal["int", "number", "bool", "text", "choice", "url"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One payload field: its storage column, type, requiredness and (for numbers) inclusive range."""

    key: str
    column: str
    type: FieldType
    required: bool = False
    lo: float = -math.inf  # numbers: inclusive bounds (ints where the bound is whole, to print as such)
    hi: float = math.inf
    unit: str = ""
    why: str = ""
    hint: str = ""  # appended to an out-of-range reason, e.g. the fraction-not-percent reminder
    max_len: int = 0  # text and url: the most characters
    choices: tuple[str, ...] = ()
    default: int | None = None  # the value an absent optional field takes (interval_s)


def _int(key: str, hi: int, why: str, *, lo: int = 0, unit: str = "", required: bool = True) -> FieldSpec:
    return FieldSpec(key, key, "int", required, lo, hi, unit, why)


def _num(key: str, lo: float, hi: float, unit: str, why: str, *, column: str = "", hint: str = "") -> FieldSpec:
    return FieldSpec(key, column or key, "number", False, lo, hi, unit, why, hint)


SEQ = _int("seq", BIGINT_MAX, "a PostgreSQL bigint", required=False)
_COUNT_WHY = "a count over at most 86400 s; a million per day is beyond any ward's busiest junction or square"
_INTERVAL = FieldSpec(
    "interval_s", "interval_s", "int", lo=1, hi=86_400, unit="s", default=60,
    why="'> 0' per the contract; a day at most, beyond that it is no longer periodic telemetry",
)  # fmt: skip
_BYTES_WHY = "a 10 Gbit/s uplink saturated for the 86400 s longest interval moves 1.08e14 B; 1e15 leaves headroom"
_RH_WHY = "a fraction, as in FIWARE WeatherObserved, not a percentage"
_WATER_WHY = "10 m below to 100 m above a gauge's local reference covers canals, tidal rivers and reservoirs"
_GAS_WHY = "VN_AQI top breakpoint (AQI 500); beyond it a street-level reading means a saturated or failing cell"

CAMERA_TELEMETRY = (
    _int("vehicles", 1_000_000, _COUNT_WHY),
    _int("people", 1_000_000, _COUNT_WHY),
    _num("avg_speed_kmh", 0, 300, "km/h", "no road vehicle in a ward goes faster; above it is a tracking error"),
    _INTERVAL,
)
CAMERA_EVENT = (
    FieldSpec("type", "type", "choice", True, choices=CAMERA_EVENT_TYPES, why="the contract's list"),
    FieldSpec("confidence", "confidence", "number", True, 0, 1, why="a probability"),
    FieldSpec("snapshot_url", "snapshot_url", "url", max_len=2048, why="the URL length browsers and proxies accept"),
    FieldSpec("note", "note", "text", max_len=500, why="the contract's limit"),
)
WIFI_TELEMETRY = (
    _int("clients", 10_000, "802.11 allows 2007 stations per BSS; several radios and SSIDs stay under 10000"),
    _int("new_sessions", 1_000_000, _COUNT_WHY),
    _int("bytes_up", 10**15, _BYTES_WHY, unit="bytes"),
    _int("bytes_down", 10**15, _BYTES_WHY, unit="bytes"),
    _INTERVAL,
)
ENV_TELEMETRY = (
    _num("pm25", 0, 1000, "µg/m³", "the range of common optical PM sensors; twice VN_AQI's top breakpoint (500)"),
    _num("pm10", 0, 2000, "µg/m³", "optical PM sensor range; over three times VN_AQI's top breakpoint (600)"),
    _num("no2", 0, 3850, "µg/m³", _GAS_WHY),
    _num("o3", 0, 1200, "µg/m³", _GAS_WHY),
    _num("co", 0, 150_000, "µg/m³", _GAS_WHY),
    _num("so2", 0, 2630, "µg/m³", _GAS_WHY),
    _num("temperature", -40, 70, "°C", "the outdoor electronics rating; Vietnam's records are about -6..44 °C"),
    _num("relativeHumidity", 0, 1, "", _RH_WHY, column="relative_humidity", hint="a fraction: send 0.65 for 65 %"),
    _num("LAeq", 0, 194, "dB(A)", "194 dB is the loudest undistorted sound air can carry", column="laeq"),
    _num("precipitation", 0, 2000, "mm", "above the world 24-hour rainfall record (1825 mm, Réunion 1966)"),
    _num("waterLevel", -1000, 10_000, "cm", _WATER_WHY, column="water_level"),
)
_LEVEL_HINT = "a fraction: send 0.7 for 70 %"
_LEVEL_WHY = "FIWARE Streetlight's illuminanceLevel: a fraction of full output, not a percentage"
_V_WHY = "230/400 V mains; 500 V is beyond any fault a meter on a 400 V supply reports"
_A_WHY = "a street-lighting cabinet's main breaker is at most a few hundred amperes per phase"


def _flag(key: str, column: str, why: str) -> FieldSpec:
    return FieldSpec(key, column, "bool", why=why)


def _choice(key: str, column: str, choices: tuple[str, ...], why: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(key, column, "choice", required, choices=choices, why=why)


LIGHT_TELEMETRY = (
    _choice("deviceType", "device_type", LIGHT_DEVICE_TYPES, "a lamp or its control cabinet", required=True),
    _choice("powerState", "power_state", LIGHT_POWER_STATES, "FIWARE Streetlight; a cabinet's output contactor",
            required=True),
    _choice("commandedPowerState", "commanded_power_state", LIGHT_POWER_STATES,
            "what the control system last commanded: compared with powerState, never sent from here"),
    _num("illuminanceLevel", 0, 1, "", _LEVEL_WHY, column="illuminance_level", hint=_LEVEL_HINT),
    _num("commandedIlluminanceLevel", 0, 1, "", _LEVEL_WHY, column="commanded_illuminance_level", hint=_LEVEL_HINT),
    _num("activePower", 0, 500_000, "W", "a lamp draws 20..400 W; a cabinet feeding 1000 lamps stays under 500 kW",
         column="active_power"),
    _num("activeEnergy", 0, 1e9, "kWh", "a cumulative meter; 1e9 kWh is more than a city uses in a century",
         column="active_energy"),
    _num("energyConsumed", 0, 12_000, "kWh", "energy since local midnight: 500 kW for 24 h at most",
         column="energy_consumed"),
    _num("operatingHours", 0, 1_000_000, "h", "burning hours since installation; over a century of nights",
         column="operating_hours"),
    _choice("status", "status", LIGHT_STATUSES, "FIWARE Streetlight's status"),
    _flag("lampFailure", "lamp_failure", "TALQ LampFailure"),
    _flag("supplyLoss", "supply_loss", "TALQ SupplyLoss: no mains at the lamp or cabinet"),
    _flag("lampUnexpectedOn", "lamp_unexpected_on", "TALQ: burning when it should be off (a day burner)"),
    _flag("controlGearCommFailure", "control_gear_comm_failure", "TALQ: the controller cannot talk to the driver"),
    _choice("workingMode", "working_mode", LIGHT_WORKING_MODES, "FIWARE StreetlightControlCabinet"),
    _num("voltageL1", 0, 500, "V", _V_WHY, column="voltage_l1"),
    _num("voltageL2", 0, 500, "V", _V_WHY, column="voltage_l2"),
    _num("voltageL3", 0, 500, "V", _V_WHY, column="voltage_l3"),
    _num("currentL1", 0, 1000, "A", _A_WHY, column="current_l1"),
    _num("currentL2", 0, 1000, "A", _A_WHY, column="current_l2"),
    _num("currentL3", 0, 1000, "A", _A_WHY, column="current_l3"),
    _num("powerFactor", 0, 1, "", "the magnitude of cos φ", column="power_factor"),
    _flag("cabinetDoorOpen", "cabinet_door_open", "a door contact: an open cabinet is a theft and safety risk"),
    _INTERVAL,
)
STATUS = (
    FieldSpec("online", "online", "bool", True, why="the last-will value is false"),
    _num("battery", 0, 100, "%", "a percentage"),
    _num("rssi", -150, 0, "dBm", "LoRa receivers hear down to about -148 dBm; a received level is never above 0 dBm"),
    FieldSpec("firmware", "firmware", "text", max_len=64, why="a version string, not a changelog"),
    _num("lat", -90, 90, "°", "WGS 84 latitude"),
    _num("lon", -180, 180, "°", "WGS 84 longitude"),
)

# (kind, channel) -> the payload fields, in storage column order.
FIELDS: Mapping[tuple[str, str], tuple[FieldSpec, ...]] = MappingProxyType(
    {
        ("camera", "telemetry"): CAMERA_TELEMETRY,
        ("camera", "event"): CAMERA_EVENT,
        ("wifi", "telemetry"): WIFI_TELEMETRY,
        ("env", "telemetry"): ENV_TELEMETRY,
        ("light", "telemetry"): LIGHT_TELEMETRY,
        **{(kind, "status"): STATUS for kind in KINDS},
    }
)
ENV_METRICS: Mapping[str, str] = MappingProxyType({spec.key: spec.column for spec in ENV_TELEMETRY})
