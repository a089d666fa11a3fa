"""MQTT → ingester → light_telemetry → alarm runner, all real: a failed lamp and an open cabinet door become alarms
through the default rules, and their readings land in the hypertable and its rollups."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from pipelines import rollup
from pipelines.alarms import rules, runner
from sensors.contract import LightTelemetry, encode
from tests.alarms.support import VN, device, install
from tests.pipelines.ingest_support import options, running
from tests.support import count, publish_all, wait_until

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def evaluator(db_url: str) -> Iterator[None]:
    light_rules = [r.model_copy(update={"for_": 0.0}) for r in rules.load(REPO / "data/alarms/default_rules.yaml")
                   if r.id.startswith("light-")]
    assert {r.id for r in light_rules} == {"light-lamp-failure", "light-supply-loss", "light-day-burner",
                                           "light-cabinet-door"}
    with psycopg.connect(db_url, autocommit=True) as conn:
        install(conn, *light_rules)
        for dev in ("lamp-ok", "lamp-bad", "cab-1"):
            device(conn, dev, kind="light")
    stop = threading.Event()
    loop = threading.Thread(target=runner.run, args=(db_url, VN, 120, stop, 2.0), daemon=True)
    loop.start()
    try:
        yield
    finally:
        stop.set()
        loop.join(15)
        assert not loop.is_alive(), "the evaluator did not stop"


def _alarms(db_url: str, rule_id: str) -> int:
    return count(db_url, f"SELECT count(*) FROM alarms WHERE rule_id = '{rule_id}' AND state = 'open'")  # noqa: S608


def test_lamp_failure_and_open_cabinet_become_alarms(db_url: str, mqtt_url: str, tmp_path: Path,
                                                      evaluator: None) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    messages = [
        encode(LightTelemetry(now, "lamp-ok", 1, "lamp", "on", "on", 0.7, 0.7, active_power=84.0,
                              lamp_failure=False, interval_s=600)),
        encode(LightTelemetry(now, "lamp-bad", 1, "lamp", "off", "on", 0.0, 0.7, active_power=0.0,
                              status="defectiveLamp", lamp_failure=True, interval_s=600)),
        encode(LightTelemetry(now, "cab-1", 1, "cabinet", "on", "on", working_mode="automatic", energy_consumed=12.5,
                              voltage_l1=229.0, voltage_l2=231.0, voltage_l3=230.0, power_factor=0.95,
                              cabinet_door_open=True, supply_loss=False, interval_s=600)),
    ]
    with running(options(db_url, mqtt_url, tmp_path)) as ing:
        publish_all(mqtt_url, messages)
        wait_until(lambda: ing.counters.stored >= 3, 15, what="the three readings stored")
        wait_until(lambda: _alarms(db_url, "light-lamp-failure") == 1, 15, interval=0.2, what="the lamp alarm")
        wait_until(lambda: _alarms(db_url, "light-cabinet-door") == 1, 15, interval=0.2, what="the door alarm")
    assert count(db_url, "SELECT count(*) FROM alarms WHERE rule_id = 'light-lamp-failure' "
                         "AND entity = 'lamp-bad'") == 1
    assert _alarms(db_url, "light-supply-loss") == 0 and _alarms(db_url, "light-day-burner") == 0
    with psycopg.connect(db_url, autocommit=True) as conn:
        stored = conn.execute("SELECT device_id, device_type, power_state, commanded_power_state, lamp_failure "
                              "FROM light_telemetry ORDER BY device_id").fetchall()
        assert stored == [("cab-1", "cabinet", "on", "on", None), ("lamp-bad", "lamp", "off", "on", True),
                          ("lamp-ok", "lamp", "on", "on", False)]
        assert conn.execute("SELECT kind FROM devices WHERE device_id = 'lamp-bad'").fetchone() == ("light",)
        rollup.refresh(conn)
        flags = dict(conn.execute("SELECT device_id, max FROM rollup_1m WHERE metric = 'lamp_failure'").fetchall())
        assert flags == {"lamp-ok": 0.0, "lamp-bad": 1.0}


def test_a_rate_rule_on_a_flag_is_refused() -> None:
    text = """version: 1
rules:
  - id: x
    name: {vi: a, en: a}
    kind: rate_of_change
    metric: lamp_failure
    severity: minor
    owner: lighting
    raise: {op: ">=", value: 1}
"""
    with pytest.raises(rules.RulesError, match="true/false flag"):
        rules.parse(text)
