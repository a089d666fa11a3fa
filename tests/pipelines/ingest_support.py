"""Shared pieces of the ingestion end-to-end tests: message sets, an in-process ingester, waiting on row counts."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from ioc import migrate
from ioc.stack import Endpoints
from pipelines.ingest.service import Ingester, IngestOptions
from sensors.contract import CameraTelemetry, EnvTelemetry, WifiTelemetry, encode
from tests.support import StackHandle, count, service_dir, wait_until

BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def valid_messages(n: int, devices: int = 50, prefix: str = "d") -> list[tuple[str, bytes]]:
    """n distinct readings spread over env, camera and wifi devices; each (device, ts, seq) unique."""
    out = []
    for i in range(n):
        dev, ts = f"{prefix}{i % devices}", BASE + timedelta(seconds=i)
        match i % 3:
            case 0:
                rec: object = EnvTelemetry(ts, f"{dev}-env", i, 12.0 + i % 50, None, None, None, None, None, 28.5,
                                           0.7, None, None, None)
            case 1:
                rec = CameraTelemetry(ts, f"{dev}-cam", i, i % 40, i % 9, 31.5, 60)
            case _:
                rec = WifiTelemetry(ts, f"{dev}-wifi", i, i % 70, i % 5, 1000 + i, 9000 + i, 60)
        out.append(encode(rec))  # type: ignore[arg-type]
    return out


def stored(db_url: str) -> int:
    return count(db_url, "SELECT (SELECT count(*) FROM env_telemetry) + (SELECT count(*) FROM camera_telemetry) "
                         "+ (SELECT count(*) FROM wifi_telemetry)")


def distinct_readings(db_url: str) -> int:
    return count(db_url, "SELECT (SELECT count(DISTINCT (device_id, ts, seq)) FROM env_telemetry) + "
                         "(SELECT count(DISTINCT (device_id, ts, seq)) FROM camera_telemetry) + "
                         "(SELECT count(DISTINCT (device_id, ts, seq)) FROM wifi_telemetry)")


def options(db_url: str, mqtt_url: str, state_dir: Path, **kw: object) -> IngestOptions:
    group = kw.pop("share_group", None)
    return IngestOptions(database_url=db_url, mqtt_url=mqtt_url, state_dir=state_dir,
                         client_id=str(kw.pop("client_id", f"t-{uuid.uuid4().hex[:8]}")),
                         share_group=str(group) if group else None,
                         maintenance=bool(kw.pop("maintenance", False)), **kw)  # type: ignore[arg-type]


@contextmanager
def running(opt: IngestOptions) -> Iterator[Ingester]:
    ing = Ingester(opt)
    thread = threading.Thread(target=ing.run, name=f"ingester-{opt.client_id}", daemon=True)
    thread.start()
    assert ing.receiver.connected.wait(10), "the ingester did not connect to the broker"
    try:
        yield ing
    finally:
        ing.stop()
        thread.join(30)
        assert not thread.is_alive(), "the ingester did not stop"


def wait_stored(db_url: str, n: int, timeout: float = 120) -> None:
    wait_until(lambda: stored(db_url) >= n, timeout, interval=0.3, what=f"{n} stored rows")


def end_sessions(mqtt_url: str, client_ids: list[str]) -> None:
    """End the broker sessions a test created, so they do not queue the traffic of later tests (a clean start with
    session expiry 0 discards them)."""
    from ioc.mqtt import MqttTarget, make_client

    target = MqttTarget.parse(mqtt_url)
    for cid in client_ids:
        client = make_client(target, cid)
        client.connect(target.host, target.port, clean_start=True)
        client.loop_start()
        client.disconnect()
        client.loop_stop()


@contextmanager
def migrated_stack(name: str) -> Iterator[tuple[StackHandle, Endpoints]]:
    """A private PostgreSQL and Mosquitto of this test's own (it stops or restarts them), migrated."""
    handle = StackHandle(service_dir(name))
    urls = handle.up()
    with psycopg.connect(urls.database_url) as conn:
        migrate.apply(conn)
    try:
        yield handle, urls
    finally:
        handle.down()
