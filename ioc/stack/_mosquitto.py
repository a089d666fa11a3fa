"""A private Mosquitto broker under the state dir, on its own free port, with persistence for QoS 1 backlogs.

Anonymous clients are refused. The stack makes its own service accounts (``ingester``, ``gateway``, ``ioc``; see
:mod:`ioc.security.mqtt_auth`) and writes the password file and ACL with them and with the devices' hashes that
``ioc devices credentials`` saved.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import time
from pathlib import Path

from ioc.errors import StackError
from ioc.mqtt import MqttTarget, probe
from ioc.security import broker
from ioc.security.mqtt_auth import SERVICE_ACL
from ioc.stack import _proc
from ioc.stack._state import MqttState

log = logging.getLogger(__name__)


class PrivateMosquitto:
    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir.resolve() / "mosquitto"
        self.conf = self.root / "mosquitto.conf"
        self.pid_file = self.root / "mosquitto.pid"
        self.log_file = self.root / "mosquitto.log"
        self.user = _proc.service_user("mosquitto")

    def ensure(self, state: MqttState | None, extra_conf: str = "") -> MqttState:
        binary = _proc.require("mosquitto", ["/usr/sbin/mosquitto"], package="mosquitto")
        state = with_accounts(state or MqttState(port=_proc.free_port()))
        if self.running():
            if self._write_conf(state.port, state, extra_conf):
                log.info("the private Mosquitto's configuration changed: reloading it")
                self.reload()
            return state
        if _proc.port_in_use(state.port):
            new_port = _proc.free_port()
            log.warning("port %d is taken by another program; the private Mosquitto moves to %d", state.port, new_port)
            state = MqttState(new_port, state.accounts)
        self._write_conf(state.port, state, extra_conf)
        log.info("starting the private Mosquitto on 127.0.0.1:%d", state.port)
        _proc.run([binary, "-c", str(self.conf), "-d"])
        deadline = time.monotonic() + 15
        while not self.health(state):
            if time.monotonic() > deadline:
                raise StackError(f"the private Mosquitto did not start: {_proc.log_tail(self.log_file)}")
            time.sleep(0.2)
        return state

    def write_auth(self, state: MqttState) -> None:
        """The password file and ACL: the stack's service accounts and the devices' saved hashes."""
        self.root.mkdir(parents=True, exist_ok=True)
        broker.render(self.root, state.accounts, broker.load_devices(self.root), owner=self.user)

    def reload(self) -> bool:
        """Make the running broker read its configuration, password file and ACL again (SIGHUP). Clients whose
        password no longer matches are disconnected by Mosquitto at once."""
        pid = self.pid()
        if pid is None or not _proc.pid_alive(pid):
            return False
        os.kill(pid, signal.SIGHUP)
        return True

    def _write_conf(self, port: int, state: MqttState, extra_conf: str) -> bool:
        """Write the configuration and the auth files; True when the configuration text changed."""
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self.write_auth(state)
        auth = extra_conf or broker.auth_conf(self.root)
        before = self.conf.read_text() if self.conf.exists() else ""
        text = (
            "# written by ioc stack: a private broker, loopback only\n"
            f"pid_file {self.pid_file}\n"
            "persistence true\n"
            f"persistence_location {self.root / 'data'}/\n"
            "autosave_interval 5\n"
            f"log_dest file {self.log_file}\n"
            "log_type error\nlog_type warning\nlog_type notice\n"
            "connection_messages true\n"
            "per_listener_settings false\n"
            # A QoS 1 backlog for a persistent ingester session survives outages; bounded by memory, not by count.
            "max_queued_messages 2000000\n"
            "max_queued_bytes 0\n"
            "max_inflight_messages 1000\n"
            "persistent_client_expiration 14d\n"
            # The ingester dead-letters payloads over 256 KiB itself, so the broker must let them through.
            "max_packet_size 2097152\n"
            "set_tcp_nodelay true\n"
            # $SYS/broker/... every 10 s: the ingesters record the broker's counters (dropped messages) for the audit
            "sys_interval 10\n"
            f"listener {port} 127.0.0.1\n"
            + auth
        )
        self.conf.write_text(text)
        _proc.chown_tree(self.root, self.user)
        return text != before

    def pid(self) -> int | None:
        return _proc.read_pid(self.pid_file)

    def running(self) -> bool:
        pid = self.pid()
        return pid is not None and _proc.pid_alive(pid)

    def stop(self) -> bool:
        return _proc.stop_pid(self.pid_file)

    def health(self, state: MqttState) -> bool:
        """True when the broker accepts the ingester's MQTT connection within 3 s."""
        return probe(MqttTarget.parse(state.url("ingester"))) == ""


def with_accounts(state: MqttState) -> MqttState:
    """The state with a generated password for each service account it lacks (kept in stack.json, mode 0600)."""
    accounts = dict(state.accounts)
    for name in SERVICE_ACL:
        accounts.setdefault(name, secrets.token_urlsafe(24))
    return MqttState(state.port, accounts)
