"""A district Mosquitto bridged to a central one, the real ingester on the central one (docs/scaling.md).

Devices publish to the district broker; the central broker is stopped and started again meanwhile (the bridge link
is cut and restored); every message the district broker PUBACKed is stored exactly once.
"""

from __future__ import annotations

import secrets
from contextlib import ExitStack
from pathlib import Path

import pytest

from ioc import config
from ioc.security import broker
from ioc.stack import _proc
from ioc.stack._mosquitto import PrivateMosquitto
from ioc.stack._state import MqttState
from ioc.stack.bridge import Bridge, central_acl, district_conf
from tests.pipelines.ingest_support import distinct_readings, options, running, stored, valid_messages, wait_stored
from tests.support import publish_all, service_dir, wait_until

pytestmark = pytest.mark.timeout(300)


def _brokers() -> tuple[PrivateMosquitto, MqttState, PrivateMosquitto, MqttState]:
    """A central broker with district d1's bridge account, and the d1 broker bridged to it."""
    password = secrets.token_urlsafe(16)
    central = PrivateMosquitto(service_dir("central"))
    c_state = central.ensure(MqttState(_proc.free_port(), {"bridge-d1": password}))
    district = PrivateMosquitto(service_dir("district"))
    bridge = Bridge("d1", "127.0.0.1", c_state.port, password)
    d_state = district.ensure(None, broker.auth_conf(district.root) + district_conf(bridge))
    return central, c_state, district, d_state


@pytest.mark.parametrize("workers", [1, 2])
def test_bridge_link_cut_and_restored_loses_and_duplicates_nothing(db_url: str, tmp_path: Path, workers: int) -> None:
    """With 2 workers the central broker restores a shared subscription, which Mosquitto 2.0.11 only serves once the
    workers subscribe again (docs/ingestion.md): the bridge's 5 s restart delay lets them do so first."""
    central, c_state, district, d_state = _brokers()
    messages = valid_messages(3000, devices=30, prefix="br")
    try:
        assert "user bridge-d1\ntopic write ioc/v1/+/+/#" in (central.root / "acl").read_text()
        group = "ioc-ingest" if workers > 1 else None
        opts = [options(db_url, c_state.url("ingester"), tmp_path / f"ingest{i}", client_id=f"ioc-ingest-{i}",
                        share_group=group, maintenance=False, broker_stats=False) for i in range(workers)]
        with ExitStack() as up:
            for opt in opts:
                up.enter_context(running(opt))
            # the bridge is up when a message published at the district arrives at the centre
            wait_until(lambda: "ioc-bridge-d1" in (central.log_file.read_text(errors="replace")), 20,
                       what="the bridge's connection to the central broker")
            publish_all(d_state.url("gateway"), messages[:1000])
            wait_stored(db_url, 1000)

            central.stop()   # the link is cut: the district broker PUBACKs and queues
            publish_all(d_state.url("gateway"), messages[1000:2500])
            assert stored(db_url) == 1000

            central.ensure(c_state)   # restored on the same port; the bridge reconnects, the ingester too
            publish_all(d_state.url("gateway"), messages[2500:])
            wait_stored(db_url, len(messages), timeout=120)
        assert stored(db_url) == distinct_readings(db_url) == len(messages)
    finally:
        district.stop()
        central.stop()


def test_district_conf_and_central_acl() -> None:
    bridge = Bridge("nha-trang-bac", "central.example.vn", 8883, "s3cret", cafile="/etc/ioc/ca.pem")
    conf = district_conf(bridge)
    for line in ("connection ioc-bridge-nha-trang-bac", "address central.example.vn:8883",
                 "remote_username bridge-nha-trang-bac", "cleansession false", "local_cleansession false",
                 "topic ioc/v1/# out 1", "bridge_cafile /etc/ioc/ca.pem"):
        assert line in conf.splitlines(), line
    assert central_acl(bridge) == "user bridge-nha-trang-bac\ntopic write ioc/v1/+/+/#\n"


@pytest.mark.parametrize(("district", "port", "password", "says"), [
    ("Nha Trang", 1883, "x", "district name"), ("d1", 0, "x", "TCP port"), ("d1", 1883, "a b", "one word")])
def test_bridge_refuses_bad_input(district: str, port: int, password: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Bridge(district, "h", port, password)


def test_cli_bridge_config_adds_the_account_and_prints_the_block(capsys: pytest.CaptureFixture[str]) -> None:
    from smartward.cli import main

    state = service_dir("bridge-cli")
    settings = config.load(state_dir=state)
    mq = PrivateMosquitto(state)
    from ioc import stack
    from ioc.stack._state import StackState

    saved = StackState(mosquitto=mq.ensure(None))
    saved.save(state)
    try:
        base = ["--state-dir", str(state), "stack", "bridge-config"]
        assert main([*base, "d7", "--central-host", "10.0.0.5"]) == 0
        first = capsys.readouterr().out
        assert main([*base, "d7", "--central-host", "10.0.0.5"]) == 0
        assert capsys.readouterr().out == first   # the same account, not a new password each time
        assert f"address 10.0.0.5:{saved.mosquitto.port}" in first  # type: ignore[union-attr]
        assert "user bridge-d7\ntopic write ioc/v1/+/+/#" in (mq.root / "acl").read_text()
        assert "bridge-d7:$7$" in (mq.root / "passwd").read_text()
        assert main([*base, "D 7", "--central-host", "h"]) == 2
        assert "district name" in capsys.readouterr().err
        assert stack.account_url(settings, "ingester").startswith("mqtt://ingester:")
    finally:
        mq.stop()
