"""The simulation's messages: every valid one parses under the contract, faults behave as configured."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
import pytest

from sensors.contract import (
    CODES,
    MAX_ARRAY,
    CameraEvent,
    CameraTelemetry,
    DeviceStatus,
    EnvTelemetry,
    Record,
    WifiTelemetry,
)
from sensors.sim import malformed
from sensors.sim.engine import DATA, FLUSH, MALFORMED, STATUS, Publication, SimConfig, Simulation
from sensors.sim.faults import FaultConfig, ShareSchedule
from sensors.sim.pm25 import Pm25Series
from tests.sensors.helpers import parsed, small_fleet

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 3, 6, 6, 0, tzinfo=VN)  # a Friday morning: the rush hour comes


def run(sim: Simulation, hours: float, start: datetime = START) -> list[Publication]:
    messages = sim.start(start)
    messages += list(sim.step(start, start + timedelta(hours=hours)))
    return messages + sim.stop(start + timedelta(hours=hours))


def test_every_message_of_every_kind_round_trips(pm25: Pm25Series) -> None:
    faults = FaultConfig(offline_per_day=40, offline_minutes=15, silent_per_day=20, skew_share=0.5, max_skew_s=300)
    sim = Simulation(small_fleet(cameras=12, aps=4, stations=3), pm25, SimConfig(seed=11, faults=faults))
    results = parsed(run(sim, 6))
    kinds: Counter[type] = Counter()
    for message, result in results:
        assert result.rejections == (), (message.topic, message.payload[:200], result.rejections)
        assert len(result.records) == message.records
        kinds.update(type(r) for r in result.records)
    assert set(kinds) == {CameraTelemetry, CameraEvent, WifiTelemetry, EnvTelemetry, DeviceStatus}
    roles = Counter(m.role for m, _ in results)
    assert roles[FLUSH] > 0 and roles[DATA] > 0 and roles[STATUS] > 0 and roles[MALFORMED] == 0


def test_the_same_seed_gives_the_same_messages(pm25: Pm25Series) -> None:
    faults = FaultConfig(offline_per_day=20, malformed=0.02, skew_share=0.3)
    twice = [run(Simulation(small_fleet(), pm25, SimConfig(seed=5, faults=faults)), 2) for _ in range(2)]
    assert twice[0] == twice[1]
    other = run(Simulation(small_fleet(), pm25, SimConfig(seed=6, faults=faults)), 2)
    assert other != twice[0]


@pytest.mark.parametrize("share", [0.013, 0.05, 0.5])
def test_fault_injection_gives_exactly_the_configured_share_of_rejections(pm25: Pm25Series, share: float) -> None:
    faults = FaultConfig(offline_per_day=10, malformed=share)  # outages too: their arrays are never malformed
    sim = Simulation(small_fleet(cameras=8, aps=3, stations=3), pm25, SimConfig(seed=3, faults=faults))
    results = parsed(run(sim, 4))
    live = [(m, r) for m, r in results if m.role in (DATA, MALFORMED)]
    rejected = [(m, r) for m, r in results if r.rejections]
    assert len(rejected) == int(len(live) * share) == sim.malformed.seen * round(share * 1e6) // 1_000_000
    for message, result in rejected:
        assert message.role == MALFORMED and [x.code for x in result.rejections] == [message.code]
        assert result.records == () and message.retain is False


def test_every_rejection_case_of_the_contract_is_produced(pm25: Pm25Series) -> None:
    sim = Simulation(small_fleet(cameras=3, aps=1, stations=2), pm25,
                     SimConfig(seed=1, faults=FaultConfig(malformed=1.0)))
    results = parsed(run(sim, 1))
    codes = Counter(r.rejections[0].code for _, r in results if r.rejections)
    assert set(codes) == set(CODES)
    env_codes = {r.rejections[0].code for m, r in results if r.rejections and m.device_id.startswith("t-env")}
    assert "no_metric" in env_codes
    assert {m.code for m, _ in results if m.role == MALFORMED and not m.device_id.startswith("t-env")} == set(
        malformed.codes_for("camera"))


def test_share_schedule_is_exact_for_any_prefix() -> None:
    schedule = ShareSchedule(0.07)
    taken = [schedule.take() for _ in range(10_000)]
    assert all(sum(taken[:n]) == n * 7 // 100 for n in range(0, 10_001, 37))


def test_offline_devices_come_back_with_their_buffer_in_order(pm25: Pm25Series) -> None:
    config = SimConfig(seed=8, faults=FaultConfig(offline_per_day=30, offline_minutes=25))
    sim = Simulation(small_fleet(cameras=6, aps=2, stations=2), pm25, config)
    results = parsed(run(sim, 8))
    phase = {d.device.device_id: d.phase for d in sim.devices}
    outages: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    went: dict[str, datetime] = {}
    flushed: dict[tuple[str, datetime], list[list[Record]]] = defaultdict(list)
    for message, result in results:
        if message.role == STATUS and message.at not in (START, START + timedelta(hours=8)):
            online = orjson.loads(message.payload)["online"]
            if not online:
                went[message.device_id] = message.at
            elif message.device_id in went and "battery" not in message.payload.decode() and \
                    b"firmware" not in message.payload:
                outages[message.device_id].append((went.pop(message.device_id), message.at))
        if message.role == FLUSH:
            assert message.payload.startswith(b"[") and 1 <= message.records <= MAX_ARRAY
            flushed[(message.device_id, message.at)].append(list(result.records))
    assert sum(len(v) for v in outages.values()) >= 5
    for device_id, spans in outages.items():
        for off, back in spans:
            arrays = flushed[(device_id, back)]
            assert arrays, f"{device_id} came back at {back} without flushing"
            telemetry = [r for array in arrays for r in array if not isinstance(r, CameraEvent)]
            ticks = [off + timedelta(seconds=60 * k) for k in range(int((back - off).total_seconds() // 60))]
            assert [r.ts for r in telemetry] == ticks  # original timestamps, oldest first, none missing
            assert all(t.timestamp() % 60 == phase[device_id] for t in ticks)
            for array in arrays:
                assert [r.seq for r in array] == sorted({r.seq or 0 for r in array})  # increasing, no repeat
                assert len({type(r) for r in array}) == 1


def test_a_silent_device_stays_connected_but_sends_no_data(pm25: Pm25Series) -> None:
    config = SimConfig(seed=2, faults=FaultConfig(silent_per_day=40, silent_minutes=30))
    sim = Simulation(small_fleet(cameras=4, aps=0, stations=0), pm25, config)
    results = parsed(run(sim, 6))
    assert not any(m.role == STATUS and b'"online":false' in m.payload for m, _ in results[4:-4])
    gaps = 0
    for device in sim.devices:
        mine = [(m, r) for m, r in results if m.device_id == device.device.device_id]
        data = [m.at for m, _ in mine if m.role == DATA and "telemetry" in m.topic]
        beats = [m.at for m, _ in mine if m.role == STATUS and b"firmware" in m.payload]
        for before, after in zip(data, data[1:], strict=False):
            if after - before >= timedelta(minutes=6):
                gaps += 1
                assert any(before < beat < after for beat in beats)  # heartbeats went on during the silence
    assert gaps >= 3


def test_a_skewed_clock_shifts_every_timestamp_by_its_skew(pm25: Pm25Series) -> None:
    sim = Simulation(small_fleet(cameras=6, aps=2, stations=2), pm25,
                     SimConfig(seed=9, faults=FaultConfig(skew_share=1.0, max_skew_s=240)))
    results = parsed(run(sim, 1))
    skews = {d.device.device_id: d.faults.skew_s for d in sim.devices}
    assert all(s != 0 and abs(s) <= 240 for s in skews.values())
    for message, result in results:
        for record in result.records:
            if not isinstance(record, CameraEvent):
                expected = message.at + timedelta(seconds=skews[message.device_id])
                assert abs((record.ts - expected).total_seconds()) < 0.001
    assert not any(r.rejections for _, r in results)


def test_start_and_stop_say_online_and_offline_for_every_device(pm25: Pm25Series) -> None:
    fleet = small_fleet()
    sim = Simulation(fleet, pm25, SimConfig())
    now = datetime(2026, 3, 6, tzinfo=UTC)
    for messages, online in ((sim.start(now), True), (sim.stop(now), False)):
        assert sorted(m.device_id for m in messages) == sorted(d.device_id for d in fleet.devices)
        for message, result in parsed(messages):
            assert message.retain and message.topic.endswith("/status")
            assert [r.online for r in result.records] == [online]  # type: ignore[union-attr]
