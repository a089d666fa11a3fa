"""MQTT → ingester → TimescaleDB → alarm runner, all real: a bad reading is an alarm within 10 s of being stored,
and a camera's offline status (its last will) is an alarm too."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from pipelines.alarms import runner
from sensors.contract import DeviceStatus, EnvTelemetry, encode
from tests.alarms.support import VN, device, install, rule
from tests.pipelines.ingest_support import options, running
from tests.support import count, publish_all, wait_until

OFFLINE = {"id": "camera-offline", "name": {"vi": "Camera mất kết nối", "en": "Camera offline"},
           "kind": "device_offline", "severity": "major", "owner": "it_ops", "scope": {"kinds": ["camera"]}}


@pytest.fixture
def rules_installed(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        install(conn, rule(), rule(OFFLINE))
        device(conn, "env-e2e")
        device(conn, "cam-e2e", kind="camera")


@pytest.fixture
def evaluator(db_url: str, rules_installed: None) -> Iterator[None]:
    stop = threading.Event()
    loop = threading.Thread(target=runner.run, args=(db_url, VN, 120, stop, 2.0), daemon=True)
    loop.start()
    try:
        yield
    finally:
        stop.set()
        loop.join(15)
        assert not loop.is_alive(), "the evaluator did not stop"


def test_a_stored_reading_raises_its_alarm_within_ten_seconds(db_url: str, mqtt_url: str, tmp_path: Path,
                                                               rules_installed: None, evaluator: None) -> None:
    with running(options(db_url, mqtt_url, tmp_path)) as ing:
        now = datetime.now(UTC).replace(microsecond=0)
        publish_all(mqtt_url, [encode(EnvTelemetry(now, "env-e2e", 1, 180.0, None, None, None, None, None, None,
                                                   None, None, None, None))])
        wait_until(lambda: ing.counters.stored >= 1, 10, what="the reading stored")
        stored_at = time.monotonic()
        wait_until(lambda: count(db_url, "SELECT count(*) FROM alarms WHERE rule_id = 'pm25-high'") == 1, 10,
                   interval=0.2, what="the pm25 alarm")
        assert time.monotonic() - stored_at < 10
        publish_all(mqtt_url, [encode(DeviceStatus(now, "cam-e2e", 2, "camera", False, None, None, None, None,
                                                   None))])
        wait_until(lambda: count(db_url, "SELECT count(*) FROM alarms WHERE rule_id = 'camera-offline' "
                                         "AND entity = 'cam-e2e' AND state = 'open'") == 1, 15, interval=0.2,
                   what="the camera-offline alarm")
    assert count(db_url, "SELECT value FROM alarms WHERE rule_id = 'pm25-high'") == 180
