"""The device helper: its on-disk buffer, its checks, the example station, and an outage it rides out."""

from __future__ import annotations

import importlib.util
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import orjson
import pytest

from ioc.mqtt import MqttTarget
from sensors.contract import CameraTelemetry, EnvTelemetry, parse
from sensors.device import DeviceClient
from sensors.device._buffer import Buffer
from tests.security.helpers import device_account
from tests.sensors.helpers import Subscriber
from tests.support import StackHandle, wait_until

REPO = Path(__file__).resolve().parents[2]
OUTAGE_S = 30


def test_buffer_gives_the_oldest_run_of_one_topic_within_the_limits(tmp_path: Path) -> None:
    buffer = Buffer(tmp_path / "buf.db")
    for i in range(5):
        buffer.append("a", b'{"i":%d}' % i)
    buffer.append("b", b'{"i":5}')
    buffer.append("a", b'{"i":6}')
    batch = buffer.oldest(max_count=3)
    assert batch is not None and (batch.topic, batch.payload()) == ("a", b'[{"i":0},{"i":1},{"i":2}]')
    buffer.delete(batch)
    batch = buffer.oldest(max_bytes=20)  # two objects and the brackets fit in 20 bytes, three do not
    assert batch is not None and batch.payload() == b'[{"i":3},{"i":4}]'
    buffer.delete(batch)
    batch = buffer.oldest()
    assert batch is not None and (batch.topic, batch.payload()) == ("b", b'{"i":5}')  # alone: an object
    buffer.delete(batch)
    assert buffer.count() == 1
    first = buffer.next_seq("telemetry", at_least=100)
    buffer.close()
    reopened = Buffer(tmp_path / "buf.db")  # what was not acknowledged survives a restart, and so does seq
    assert reopened.count() == 1 and reopened.next_seq("telemetry") == first + 1 == 101
    assert reopened.next_seq("telemetry", at_least=500) == 500
    reopened.close()


def test_the_client_refuses_what_the_contract_rejects(tmp_path: Path) -> None:
    client = DeviceClient("mqtt://127.0.0.1:1", "t-env-9", "env", buffer_path=tmp_path / "b.db")
    now = datetime.now(UTC)
    with pytest.raises(ValueError, match="relativeHumidity"):
        client.telemetry(relative_humidity=71.0)  # percent, not a fraction
    with pytest.raises(ValueError, match="has no field 'humidity'"):
        client.telemetry(humidity=0.7)
    with pytest.raises(ValueError, match="given to the client of 't-env-9'"):
        client.send(EnvTelemetry(now, "t-env-8", 1, 10.0, None, None, None, None, None, 30.0, None, None, None, None))
    with pytest.raises(ValueError, match="CameraTelemetry goes to ioc/v1/camera/t-env-9/telemetry, not below"):
        client.send(CameraTelemetry(now, "t-env-9", 1, 1, 1, None, 60))
    with pytest.raises(ValueError):
        DeviceClient("mqtt://127.0.0.1:1", "bad id", "env", buffer_path=tmp_path / "c.db")
    assert client.pending() == 0
    record = client.telemetry(pm25=12.5, temperature=30.1)
    assert isinstance(record, EnvTelemetry) and record.seq is not None and client.pending() == 1
    assert client.close(timeout=0.1) == 1  # never connected: the reading waits on disk


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("env_station", REPO / "examples" / "env_station.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_station_reads_its_serial_stand_in(tmp_path: Path, outage_broker: StackHandle) -> None:
    example = _example()
    assert example.parse_line("PM2.5=35.2,PM10=51.0,T=29.4,RH=71.2,LAeq=62.3") == {
        "pm25": 35.2, "pm10": 51.0, "temperature": 29.4, "relative_humidity": 0.712, "laeq": 62.3}
    assert example.parse_line("PM2.5=ERR,T=29.6") == {"temperature": 29.6}
    with pytest.raises(ValueError, match="not a sensor line"):
        example.parse_line("garbage after a brown-out")
    device_id = f"x{uuid.uuid4().hex[:6]}-env"
    mqtt_url = outage_broker.up().mqtt_url
    target = MqttTarget.parse(mqtt_url)
    device_url = f"mqtt://{device_id}:{device_account(outage_broker, device_id)}@{target.host}:{target.port}"
    subscriber = Subscriber(mqtt_url).start()
    assert example.main(["--url", device_url, "--device-id", device_id, "--buffer", str(tmp_path / "b.db"),
                         "--interval", "0", "--count", "6"]) == 0
    wait_until(lambda: len(subscriber.live(f"/{device_id}/telemetry")) >= 1, 10, what="the example's readings")
    time.sleep(0.3)
    subscriber.stop()
    now = datetime.now(UTC)
    records = [r for t, p in subscriber.live(f"/{device_id}/telemetry") for r in parse(t, p, now).records]
    assert [r.pm25 for r in records] == [35.2, 36.0, 34.8, 38.1, None, 41.7]  # type: ignore[union-attr]
    statuses = [orjson.loads(p)["online"] for _, p in subscriber.live(f"/{device_id}/status")]
    assert statuses[0] is True and statuses[-1] is False


@pytest.mark.slow
def test_the_helper_delivers_every_reading_once_in_order_across_a_broker_outage(tmp_path: Path,
                                                                                 outage_broker: StackHandle) -> None:
    handle = outage_broker
    url = handle.up().mqtt_url
    device_id = f"o{uuid.uuid4().hex[:6]}-env"
    subscriber = Subscriber(url, f"ioc/v1/env/{device_id}/telemetry", client_id=f"sub-{device_id}",
                            persistent=True).start()
    password = device_account(handle, device_id)   # the broker lets a device write only its own topics
    device = DeviceClient(url, device_id, "env", buffer_path=tmp_path / "buffer.db", password=password,
                          reconnect_max_s=2).start()
    sent: list[EnvTelemetry] = []

    def take(count: int, every_s: float) -> None:
        for _ in range(count):
            record = device.telemetry(pm25=float(len(sent)), temperature=30.0)
            assert isinstance(record, EnvTelemetry)
            sent.append(record)
            time.sleep(every_s)

    try:
        take(30, 0.1)
        handle.stop_mosquitto()
        take(OUTAGE_S * 5, 0.2)  # readings keep coming while the broker is down for 30 s
        assert device.pending() > 100
        handle.up()
        take(30, 0.1)
        assert device.wait_sent(30), f"{device.pending()} readings still buffered"
        wait_until(lambda: _received(subscriber) >= len(sent), 30, what="every reading at the subscriber")
        time.sleep(1.0)
    finally:
        left = device.close(timeout=5)
        subscriber.stop()
        handle.up()  # for the next test, whatever happened here
    assert left == 0
    messages = [parse(t, p, datetime.now(UTC)) for t, p in subscriber.live(device_id)]
    arrays = [m.records for m in messages]
    # QoS 1 may repeat the message that was in flight when the broker went down, right after itself; nothing
    # else may repeat, and everything arrives in the order it was taken.
    seen: list[EnvTelemetry] = []
    for index, records in enumerate(arrays):
        if index and records == arrays[index - 1]:
            continue
        seen.extend(r for r in records if isinstance(r, EnvTelemetry))
    assert seen == sent
    assert max(len(records) for records in arrays) > 50  # the backlog came back as arrays
    assert all(not m.rejections for m in messages)


def _received(subscriber: Subscriber) -> int:
    now = datetime.now(UTC)
    return len({r.seq for t, p in subscriber.live("/telemetry") for r in parse(t, p, now).records})
