"""Every ranged field at its bounds: the exact minimum and maximum pass, the next value outside fails."""

from __future__ import annotations

import math

import pytest

from sensors.contract import ENV_METRICS, FIELDS, CameraEvent, DeviceStatus, FieldSpec

from .support import PAIRS, accepted, body, check, rejected

# The documented table, written out independently of the code: a bound moved in the code fails here.
PINNED: dict[str, tuple[str, float, float, str]] = {
    "vehicles": ("int", 0, 1_000_000, ""),
    "people": ("int", 0, 1_000_000, ""),
    "avg_speed_kmh": ("number", 0, 300, "km/h"),
    "interval_s": ("int", 1, 86_400, "s"),
    "confidence": ("number", 0, 1, ""),
    "clients": ("int", 0, 10_000, ""),
    "new_sessions": ("int", 0, 1_000_000, ""),
    "bytes_up": ("int", 0, 10**15, "bytes"),
    "bytes_down": ("int", 0, 10**15, "bytes"),
    "pm25": ("number", 0, 1000, "µg/m³"),
    "pm10": ("number", 0, 2000, "µg/m³"),
    "no2": ("number", 0, 3850, "µg/m³"),
    "o3": ("number", 0, 1200, "µg/m³"),
    "co": ("number", 0, 150_000, "µg/m³"),
    "so2": ("number", 0, 2630, "µg/m³"),
    "temperature": ("number", -40, 70, "°C"),
    "relativeHumidity": ("number", 0, 1, ""),
    "LAeq": ("number", 0, 194, "dB(A)"),
    "precipitation": ("number", 0, 2000, "mm"),
    "waterLevel": ("number", -1000, 10_000, "cm"),
    "illuminanceLevel": ("number", 0, 1, ""),
    "commandedIlluminanceLevel": ("number", 0, 1, ""),
    "activePower": ("number", 0, 500_000, "W"),
    "activeEnergy": ("number", 0, 1e9, "kWh"),
    "energyConsumed": ("number", 0, 12_000, "kWh"),
    "operatingHours": ("number", 0, 1_000_000, "h"),
    "voltageL1": ("number", 0, 500, "V"),
    "voltageL2": ("number", 0, 500, "V"),
    "voltageL3": ("number", 0, 500, "V"),
    "currentL1": ("number", 0, 1000, "A"),
    "currentL2": ("number", 0, 1000, "A"),
    "currentL3": ("number", 0, 1000, "A"),
    "powerFactor": ("number", 0, 1, ""),
    "battery": ("number", 0, 100, "%"),
    "rssi": ("number", -150, 0, "dBm"),
    "lat": ("number", -90, 90, "°"),
    "lon": ("number", -180, 180, "°"),
}
PINNED_LENGTHS = {"snapshot_url": 2048, "note": 500, "firmware": 64}

RANGED = [(pair, spec) for pair in PAIRS for spec in FIELDS[pair] if spec.type in ("int", "number")]
SIZED = [(pair, spec) for pair in PAIRS for spec in FIELDS[pair] if spec.type in ("text", "url")]


def _ids(cases: list[tuple[tuple[str, str], FieldSpec]]) -> list[str]:
    return [f"{kind}/{channel}.{spec.key}" for (kind, channel), spec in cases]


def test_table_is_the_documented_one() -> None:
    ranged = {spec.key: (spec.type, spec.lo, spec.hi, spec.unit) for _, spec in RANGED}
    assert ranged == PINNED
    assert {spec.key: spec.max_len for _, spec in SIZED} == PINNED_LENGTHS
    assert all(spec.why for pair in PAIRS for spec in FIELDS[pair]), "every field says why its bound is there"


def test_env_metric_names_map_to_columns() -> None:
    assert dict(ENV_METRICS) == {
        "pm25": "pm25",
        "pm10": "pm10",
        "no2": "no2",
        "o3": "o3",
        "co": "co",
        "so2": "so2",
        "temperature": "temperature",
        "relativeHumidity": "relative_humidity",
        "LAeq": "laeq",
        "precipitation": "precipitation",
        "waterLevel": "water_level",
    }


def _outside(spec: FieldSpec) -> tuple[float, float]:
    if spec.type == "int":
        return spec.lo - 1, spec.hi + 1
    return math.nextafter(spec.lo, -math.inf), math.nextafter(spec.hi, math.inf)


@pytest.mark.parametrize(("pair", "spec"), RANGED, ids=_ids(RANGED))
def test_bounds_are_inclusive(pair: tuple[str, str], spec: FieldSpec) -> None:
    for edge in (spec.lo, spec.hi, float(spec.lo), float(spec.hi)) if spec.type == "number" else (spec.lo, spec.hi):
        record = accepted(check(*pair, body(*pair, **{spec.key: edge})))
        assert getattr(record, spec.column) == edge
        assert type(getattr(record, spec.column)) is (float if spec.type == "number" else int)


@pytest.mark.parametrize(("pair", "spec"), RANGED, ids=_ids(RANGED))
def test_just_outside_is_rejected(pair: tuple[str, str], spec: FieldSpec) -> None:
    for outside in _outside(spec):
        reason = rejected(check(*pair, body(*pair, **{spec.key: outside})), "out_of_range", spec.key)
        assert f"is out of range: expected {spec.lo}..{spec.hi}" in reason


@pytest.mark.parametrize(("pair", "spec"), SIZED, ids=_ids(SIZED))
def test_length_limits(pair: tuple[str, str], spec: FieldSpec) -> None:
    def text(length: int) -> str:
        return "https://cdn.example.vn/" + "a" * (length - 23) if spec.type == "url" else "ê" * length

    assert getattr(accepted(check(*pair, body(*pair, **{spec.key: text(spec.max_len)}))), spec.column) == text(
        spec.max_len
    )
    reason = rejected(check(*pair, body(*pair, **{spec.key: text(spec.max_len + 1)})), "bad_value", spec.key)
    assert f"is {spec.max_len + 1} characters long: expected" in reason


@pytest.mark.parametrize(
    ("value", "code"), [(0, None), (2**63 - 1, None), (-1, "out_of_range"), (2**63, "out_of_range")]
)
def test_seq_fits_a_bigint(value: int, code: str | None) -> None:
    result = check("env", "telemetry", body("env", "telemetry", seq=value))
    if code is None:
        assert accepted(result).seq == value
    else:
        assert "0..9223372036854775807" in rejected(result, code, "seq")


@pytest.mark.parametrize("value", [True, 1.0, "1", [1]])
def test_seq_is_an_integer(value: object) -> None:
    assert rejected(check("env", "telemetry", body("env", "telemetry", seq=value)), "wrong_type", "seq")


def test_out_of_range_reason_reads_like_the_contract() -> None:
    reason = rejected(check("env", "telemetry", body("env", "telemetry", pm25=-3)), "out_of_range", "pm25")
    assert reason == "field 'pm25' = -3 is out of range: expected 0..1000 µg/m³"
    humidity = rejected(check("env", "telemetry", {"relativeHumidity": 65}), "out_of_range", "relativeHumidity")
    assert "send 0.65 for 65 %" in humidity


def test_non_finite_numbers_never_pass() -> None:
    assert rejected(check("env", "telemetry", b'{"pm25": NaN}'), "bad_json")
    assert rejected(check("env", "telemetry", b'{"pm25": 1e400}'), "bad_json")
    huge = rejected(
        check("wifi", "telemetry", b'{"clients":1,"new_sessions":1,"bytes_up":1,"bytes_down":1e20}'),
        "out_of_range",
        "bytes_down",
    )
    assert "expected 0..1000000000000000 bytes" in huge


@pytest.mark.parametrize(("pair", "spec"), SIZED, ids=_ids(SIZED))
def test_text_that_cannot_be_stored(pair: tuple[str, str], spec: FieldSpec) -> None:
    nul = "https://cdn.example.vn/a\x00b" if spec.type == "url" else "a\x00b"
    reason = rejected(check(*pair, body(*pair, **{spec.key: nul})), "bad_value", spec.key)
    assert "\\u0000" in reason and "\x00" not in reason  # the reason itself must stay storable


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("firmware", "1.2\n3", "control character"),
        ("firmware", "1.2\x9b", "control character"),
        ("snapshot_url", "https://cdn.example.vn/a b.jpg", "not an http or https URL"),
        ("snapshot_url", "https:///no-host.jpg", "not an http or https URL"),
        ("snapshot_url", "http://[::1/x", "not an http or https URL"),
        ("snapshot_url", "http://e.vn:99999/x", "not an http or https URL"),
        ("snapshot_url", "javascript:alert(1)", "not an http or https URL"),
        ("type", "Accident", "is not a known value"),
    ],
)
def test_bad_text_values(key: str, value: str, says: str) -> None:
    pair = ("camera", "status") if key == "firmware" else ("camera", "event")
    assert says in rejected(check(*pair, body(*pair, **{key: value})), "bad_value", key)


def test_good_text_values() -> None:
    note = "Ngập nước sâu 30 cm\ntrên đường Lê Lợi"
    url = "HTTP://cdn.example.vn:8443/snap/2026/11/21/cam-01.jpg?sig=a%20b#frag"
    event = accepted(check("camera", "event", body("camera", "event", note=note, snapshot_url=url)))
    assert isinstance(event, CameraEvent) and (event.note, event.snapshot_url) == (note, url)
    status = accepted(check("camera", "status", body("camera", "status", firmware="v2.4.1-rc1 (build 77)")))
    assert isinstance(status, DeviceStatus) and status.firmware == "v2.4.1-rc1 (build 77)"


def test_a_cabinet_reports_its_phases_and_door() -> None:
    cabinet = {"deviceType": "cabinet", "powerState": "on", "workingMode": "automatic", "energyConsumed": 41.5,
               "voltageL1": 229.5, "voltageL2": 231.0, "voltageL3": 0, "currentL1": 12.4, "currentL2": 11.9,
               "currentL3": 0, "powerFactor": 0.96, "cabinetDoorOpen": True, "supplyLoss": True}
    record = accepted(check("light", "telemetry", cabinet))
    assert (record.device_type, record.voltage_l3, record.cabinet_door_open, record.supply_loss) == (  # type: ignore[union-attr]
        "cabinet", 0.0, True, True)
    reason = rejected(check("light", "telemetry", {**cabinet, "deviceType": "pole"}), "bad_value", "deviceType")
    assert "lamp, cabinet" in reason
    dim = rejected(check("light", "telemetry", {**cabinet, "illuminanceLevel": 70}), "out_of_range", "illuminanceLevel")
    assert "send 0.7 for 70 %" in dim
