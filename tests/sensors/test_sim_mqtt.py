"""The simulator against the real Mosquitto: everything handed over arrives, stops leave devices offline, and a
connection that dies takes its one last will with it."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from ioc.mqtt import MqttTarget
from sensors.contract import parse
from sensors.fleet import dump
from sensors.sim.clock import SimClock
from sensors.sim.engine import Publication, SimConfig, Simulation
from sensors.sim.faults import FaultConfig
from sensors.sim.pm25 import Pm25Series
from sensors.sim.publish import MemoryPublisher, MqttPublisher
from sensors.sim.runner import LivePlan, run_live
from smartward.cli import main
from tests.sensors.helpers import Subscriber, small_fleet
from tests.support import StackHandle, wait_until


def _prefix() -> str:
    return f"m{uuid.uuid4().hex[:6]}"


class Recorder:
    """Passes messages on to a real publisher and remembers them."""

    def __init__(self, inner: MqttPublisher) -> None:
        self.inner, self.sent = inner, MemoryPublisher()

    def publish(self, message: Publication) -> None:
        self.inner.publish(message)
        self.sent.publish(message)

    def drain(self, timeout: float) -> int:
        return self.inner.drain(timeout)

    def close(self) -> None:
        self.inner.close()


def test_every_message_handed_over_arrives_once(mqtt_url: str, pm25: Pm25Series) -> None:
    prefix = _prefix()
    fleet = small_fleet(cameras=14, aps=4, stations=2, prefix=prefix)
    sim = Simulation(fleet, pm25, SimConfig(seed=3, faults=FaultConfig(offline_per_day=50, malformed=0.05)))
    subscriber = Subscriber(mqtt_url).start()
    publisher = MqttPublisher(MqttTarget.parse(mqtt_url), [(d.kind, d.device_id) for d in fleet.devices],
                              per_connection=6, max_inflight=5, client_prefix=f"test-{prefix}")
    assert publisher.connect() == 4
    recorder = Recorder(publisher)
    plan = LivePlan(SimClock(datetime.now(UTC) - timedelta(minutes=40), speed=900, wall0=time.monotonic()),
                    duration_s=3.0)
    try:
        stats = run_live(sim, recorder, plan)
    finally:
        publisher.close()
    assert stats.unacknowledged == 0 and publisher.in_flight == 0
    sent = Counter((m.topic, m.payload) for m in recorder.sent.messages)
    wait_until(lambda: len(subscriber.live(prefix)) >= stats.messages, 15, what="every message at the subscriber")
    time.sleep(0.3)
    subscriber.stop()
    assert Counter(subscriber.live(prefix)) == sent
    roles = Counter(m.role for m in recorder.sent.messages)
    assert roles["malformed"] > 0 and roles["flush"] > 0 and stats.messages == sum(sent.values())


def test_a_clean_stop_leaves_every_device_offline(mqtt_url: str, pm25: Pm25Series) -> None:
    prefix = _prefix()
    fleet = small_fleet(cameras=5, aps=2, stations=1, prefix=prefix)
    publisher = MqttPublisher(MqttTarget.parse(mqtt_url), [(d.kind, d.device_id) for d in fleet.devices])
    publisher.connect()
    plan = LivePlan(SimClock(datetime.now(UTC) - timedelta(minutes=5), speed=600, wall0=time.monotonic()),
                    duration_s=0.5)
    try:
        run_live(Simulation(fleet, pm25, SimConfig()), publisher, plan)
    finally:
        publisher.close()
    late = Subscriber(mqtt_url, "ioc/v1/+/+/status").start()
    wait_until(lambda: len(late.retained(prefix)) == len(fleet.devices), 10, what="a retained status per device")
    late.stop()
    assert all(orjson.loads(p)["online"] is False for _, p in late.retained(prefix))


def test_a_dead_connection_sends_the_will_of_its_first_device(mqtt_url: str) -> None:
    prefix = _prefix()
    fleet = small_fleet(cameras=12, aps=0, stations=0, prefix=prefix)
    watcher = Subscriber(mqtt_url, "ioc/v1/+/+/status").start()
    publisher = MqttPublisher(MqttTarget.parse(mqtt_url), [(d.kind, d.device_id) for d in fleet.devices],
                              per_connection=5, client_prefix=f"test-{prefix}")
    assert publisher.connect() == 3
    for conn in publisher.connections:  # the process dies: sockets close without a DISCONNECT
        conn.client.loop_stop()
        sock = conn.client.socket()
        assert isinstance(sock, socket.socket)
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()
    wait_until(lambda: len(watcher.live(prefix)) >= 3, 10, what="three last wills")
    time.sleep(0.5)
    watcher.stop()
    wills = sorted(t.split("/")[3] for t, _ in watcher.live(prefix))
    assert wills == [f"{prefix}-cam-000", f"{prefix}-cam-005", f"{prefix}-cam-010"]
    assert all(p == b'{"online":false}' for _, p in watcher.live(prefix))


def _run_cli(tmp_path: Path, mqtt_url: str, prefix: str, *args: str) -> tuple[int, list[tuple[str, bytes]]]:
    fleet = small_fleet(cameras=4, aps=2, stations=2, prefix=prefix)
    path = tmp_path / "fleet.yaml"
    dump(fleet, path)
    subscriber = Subscriber(mqtt_url).start()
    code = main(["--mqtt-url", mqtt_url, "--state-dir", str(tmp_path / "state"), "simulate", "--fleet", str(path),
                 *args])
    time.sleep(0.5)
    subscriber.stop()
    return code, subscriber.live(prefix)


def test_simulate_command_fast_forwards(tmp_path: Path, mqtt_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    prefix = _prefix()
    code, received = _run_cli(tmp_path, mqtt_url, prefix, "--speed", "1200", "--start", "30m", "--duration", "2s",
                              "--malformed", "0", "--offline-rate", "0", "--silent-rate", "0",
                              "--skew-share", "0")
    assert code == 0
    out = capsys.readouterr().out
    published = int(out.split("published ")[1].split(" messages")[0])
    assert len(received) == published
    now = datetime.now(UTC)
    ticks: dict[str, list[datetime]] = {}
    for topic, payload in received:
        result = parse(topic, payload, now)
        assert not result.rejections
        if topic.endswith("/telemetry"):
            ticks.setdefault(topic, []).extend(r.ts for r in result.records)
    assert len(ticks) == 8
    for times in ticks.values():  # one a minute for the 30 minutes caught up, then in real time
        assert 30 <= len(times) <= 31
        assert all(b - a == timedelta(minutes=1) for a, b in zip(times, times[1:], strict=False))
        assert now - timedelta(minutes=31) < times[0] and times[-1] <= now


def test_simulate_backfill_sends_arrays(tmp_path: Path, mqtt_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    prefix = _prefix()
    code, received = _run_cli(tmp_path, mqtt_url, prefix, "--backfill", "2h", "--interval", "60s")
    assert code == 0
    now = datetime.now(UTC)
    readings = 0
    for topic, payload in received:
        assert payload.startswith(b"[")
        result = parse(topic, payload, now)
        assert not result.rejections
        readings += sum(1 for r in result.records if not topic.endswith("/event"))
    assert readings == 8 * 120
    assert "published" in capsys.readouterr().out


@pytest.mark.slow
def test_nothing_handed_to_paho_is_lost_when_the_broker_restarts(outage_broker: StackHandle,
                                                                 pm25: Pm25Series) -> None:
    url = outage_broker.up().mqtt_url
    prefix = _prefix()
    fleet = small_fleet(cameras=12, aps=4, stations=2, prefix=prefix)
    subscriber = Subscriber(url, client_id=f"sub-{prefix}", persistent=True).start()
    publisher = MqttPublisher(MqttTarget.parse(url), [(d.kind, d.device_id) for d in fleet.devices],
                              per_connection=6, max_inflight=20, client_prefix=f"test-{prefix}")
    publisher.connect()
    recorder = Recorder(publisher)

    def outage() -> None:
        time.sleep(1.0)
        outage_broker.stop_mosquitto()
        time.sleep(3.0)
        outage_broker.up()

    breaker = threading.Thread(target=outage)
    breaker.start()
    plan = LivePlan(SimClock(datetime.now(UTC) - timedelta(hours=3), speed=1800, wall0=time.monotonic()),
                    duration_s=6.0, drain_timeout_s=60)
    try:
        stats = run_live(Simulation(fleet, pm25, SimConfig(seed=2)), recorder, plan)
    finally:
        breaker.join()
        publisher.close()
    assert stats.unacknowledged == 0 and stats.messages > 500
    sent = {(m.topic, m.payload) for m in recorder.sent.messages}
    wait_until(lambda: sent <= set(subscriber.live(prefix)), 30, what="every message after the restart")
    subscriber.stop()
    # Duplicates are QoS 1's right. Besides what was sent, at most the wills of the connections that died and the
    # "online again" each connection says for its will's device when it is back.
    extra = {(topic, orjson.loads(payload)["online"]) for topic, payload in set(subscriber.live(prefix)) - sent}
    wills = {f"ioc/v1/{kind}/{device_id}/status" for kind, device_id in (c.will_device for c in publisher.connections)}
    assert extra <= {(topic, online) for topic in wills for online in (False, True)}
