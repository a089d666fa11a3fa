"""A private Patroni pair (primary + streaming replica) with a private etcd as its store: ``ioc stack up --ha``.

Like the single private PostgreSQL it never touches what the machine already runs: its own etcd (own data dir, free
client and peer ports), two Patroni nodes with their own data dirs, PostgreSQL and REST ports, loopback only, the
password everywhere. Patroni runs as the postgres account (PostgreSQL refuses root); etcd too, so the whole ``ha``
folder is that account's alone.

Replication is synchronous (``synchronous_mode: true``): a commit returns only once the standby has it, so the
standby Patroni promotes never lacks a commit the ingester acknowledged. ``master_start_timeout: 0`` fails over at
once when the primary's PostgreSQL dies instead of restarting it in place. docs/ha.md weighs both choices.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ioc.errors import StackError
from ioc.stack import _proc
from ioc.stack._postgres import _bindir, _check_timescaledb, create_database
from ioc.stack._state import HaNode, HaState

log = logging.getLogger(__name__)

NODES = ("node1", "node2")
PARAMETERS = {
    "shared_preload_libraries": "timescaledb", "timescaledb.telemetry_level": "off", "max_connections": 200,
    "shared_buffers": "256MB", "max_locks_per_transaction": 256, "timezone": "UTC", "wal_level": "replica",
    "hot_standby": "on", "max_wal_senders": 10, "max_replication_slots": 10, "wal_keep_size": "512MB",
    "wal_log_hints": "on",   # pg_rewind brings a failed primary back as a standby without a fresh base backup
}


class PrivatePatroni:
    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir.resolve() / "ha"
        self.user = _proc.service_user("postgres")

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def ensure(self, state: HaState | None, timeout: float = 180) -> HaState:
        """Start etcd and both nodes (initialising them the first time); wait for a leader and a synchronous
        standby; create the database and extensions. Idempotent."""
        bindir = _bindir()
        _check_timescaledb(bindir)
        _proc.require("patroni", ["/usr/bin/patroni"], package="patroni")
        _proc.require("etcd", ["/usr/bin/etcd"], package="etcd-server")
        state = state or self.new_state()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        _proc.check_traversable(self.root, self.user)
        if not self._alive("etcd"):
            self._spawn("etcd", self._etcd_cmd(state))
        self._wait(lambda: self._http(state.etcd_port, "/health").get("health") == "true", 30, "etcd")
        for node in state.nodes:
            if not self._alive(node.name):
                self._write_config(state, node, bindir)
                self._spawn(node.name, ["patroni", str(self.root / node.name / "patroni.yml")])
        self._wait(lambda: self.leader(state) is not None, timeout, "a Patroni leader")
        self._create_database(state)
        self._wait(lambda: self._sync_ready(state), timeout, "the synchronous standby")
        return state

    def stop(self) -> bool:
        """Stop the standby, then the primary (so the standby never promotes on the way down), then etcd."""
        state = self._saved()
        order = list(NODES)
        if state is not None and (leader := self.leader(state)) is not None:
            order.sort(key=lambda name: name == leader)
        stopped = [self._terminate(name) for name in (*order, "etcd")]
        return any(stopped)

    def running(self) -> bool:
        return any(self._alive(name) for name in (*NODES, "etcd"))

    # -- cluster views -----------------------------------------------------------------------------------------
    def members(self, state: HaState) -> list[dict[str, Any]]:
        """Patroni's view of the cluster (name, role, state, lag in bytes), asked of any node that answers."""
        for node in state.nodes:
            try:
                members: list[dict[str, Any]] = self._http(node.rest_port, "/cluster").get("members", [])
                return members
            except StackError:
                continue
        return []

    def leader(self, state: HaState) -> str | None:
        for m in self.members(state):
            if m.get("role") in ("leader", "master") and m.get("state") == "running":
                return str(m["name"])
        return None

    def switchover(self, state: HaState, timeout: float = 60) -> str:
        """Hand the primary role to the standby; returns the new leader's name."""
        old = self.leader(state)
        if old is None:
            raise StackError("the Patroni pair has no leader: `ioc stack status`")
        candidate = next(n.name for n in state.nodes if n.name != old)
        rest = next(n.rest_port for n in state.nodes if n.name == old)
        # Patroni answers once the switchover is done: the old primary's checkpoint and shutdown come first
        self._http(rest, "/switchover", {"leader": old, "candidate": candidate}, state, timeout=timeout)
        self._wait(lambda: self.leader(state) == candidate, timeout, f"{candidate} to lead")
        # the old primary rejoins as the synchronous standby; until then a failure of the new one cannot fail over
        self._wait(lambda: self._sync_ready(state), timeout, "the synchronous standby")
        return candidate

    def maintenance(self, state: HaState, on: bool) -> None:
        """Patroni's pause: it leaves PostgreSQL alone (no failover, no restart, no resuming a paused replay)."""
        self._http(state.nodes[0].rest_port, "/config", {"pause": on}, state, method="PATCH")
        self._wait(lambda: bool(self._http(state.nodes[0].rest_port, "/cluster").get("pause")) == on, 30,
                   "Patroni's maintenance mode")

    def postmaster_pid(self, node: str) -> int | None:
        try:
            return int((self.root / node / "data" / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    # -- steps -------------------------------------------------------------------------------------------------
    def new_state(self) -> HaState:
        nodes = [HaNode(name, _proc.free_port(), _proc.free_port()) for name in NODES]
        return HaState(scope=f"ioc-{secrets.token_hex(4)}", etcd_port=_proc.free_port(),
                       etcd_peer_port=_proc.free_port(), nodes=nodes, password=secrets.token_urlsafe(18),
                       replication_password=secrets.token_urlsafe(18))

    def _saved(self) -> HaState | None:
        from ioc.stack._state import StackState

        return StackState.load(self.root.parent).ha

    def _etcd_cmd(self, state: HaState) -> list[str]:
        client, peer = f"http://127.0.0.1:{state.etcd_port}", f"http://127.0.0.1:{state.etcd_peer_port}"
        return ["etcd", "--name", "ioc", "--data-dir", str(self.root / "etcd" / "data"),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", f"ioc={peer}", "--initial-cluster-state", "new"]

    def _write_config(self, state: HaState, node: HaNode, bindir: Path) -> None:
        folder = self.root / node.name
        (folder / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
        hba = ["local all all scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256",
               "host replication replicator 127.0.0.1/32 scram-sha-256"]
        auth = {"username": state.user, "password": state.password}
        config = {
            "scope": state.scope, "name": node.name,
            "restapi": {"listen": f"127.0.0.1:{node.rest_port}", "connect_address": f"127.0.0.1:{node.rest_port}",
                        "authentication": auth},   # switchover and restart need the password
            "etcd3": {"hosts": [f"127.0.0.1:{state.etcd_port}"]},
            "bootstrap": {
                "dcs": {"ttl": 10, "loop_wait": 2, "retry_timeout": 4, "master_start_timeout": 0,
                        "synchronous_mode": True, "postgresql": {"use_pg_rewind": True, "use_slots": True,
                                                                   "parameters": PARAMETERS}},
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, {"auth": "scram-sha-256"}],
            },
            "postgresql": {
                "listen": f"127.0.0.1:{node.port}", "connect_address": f"127.0.0.1:{node.port}",
                "data_dir": str(folder / "data"), "bin_dir": str(bindir), "pgpass": str(folder / "pgpass"),
                "authentication": {"superuser": auth, "rewind": auth,
                                   "replication": {"username": "replicator",
                                                   "password": state.replication_password}},
                "parameters": {"unix_socket_directories": str(folder / "run")},
                "pg_hba": hba,
            },
        }
        path = folder / "patroni.yml"
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
            json.dump(config, fh, indent=1)   # JSON is YAML: no YAML writer needed
        _proc.chown_tree(self.root, self.user)
        self.root.chmod(0o700)

    def _spawn(self, name: str, cmd: list[str]) -> None:
        folder = self.root / name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _proc.chown_tree(folder, self.user)
        log.info("starting the private %s", name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IOC_", "PG"))}
        if self.user is not None:
            env["HOME"] = str(folder)
        # Through sh, so the service is not our child: it outlives `ioc stack up`, and no Popen is left to reap it.
        launcher = ['/bin/sh', '-c', '"$@" </dev/null >>"$0" 2>&1 & echo $!', str(folder / f"{name}.log"), *cmd]
        done = subprocess.run(launcher, capture_output=True, text=True, env=env, cwd=folder, timeout=30, check=False,
                              start_new_session=True, user=self.user.pw_uid if self.user else None,
                              group=self.user.pw_gid if self.user else None,
                              extra_groups=[] if self.user else None)
        if done.returncode != 0 or not done.stdout.strip().isdigit():
            raise StackError(f"could not start {name}: {done.stderr.strip() or done.stdout.strip()}")
        (folder / "pid").write_text(done.stdout.strip())

    def _pid(self, name: str) -> int | None:
        try:
            return int((self.root / name / "pid").read_text())
        except (OSError, ValueError):
            return None

    def _alive(self, name: str) -> bool:
        pid = self._pid(name)
        if pid is None or not _proc.pid_alive(pid):
            return False
        try:   # a pid the kernel reused for something else is not ours
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
        return ("etcd" if name == "etcd" else "patroni") in cmdline

    def _terminate(self, name: str, timeout: float = 90) -> bool:
        if not self._alive(name):
            return False
        pid = self._pid(name)
        assert pid is not None
        os.kill(pid, signal.SIGTERM)   # Patroni stops its PostgreSQL (fast) before it exits
        deadline = time.monotonic() + timeout
        while _proc.pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _proc.pid_alive(pid):
            log.warning("%s did not stop within %.0f s: killing it", name, timeout)
            os.kill(pid, signal.SIGKILL)
        (self.root / name / "pid").unlink(missing_ok=True)
        return True

    def _sync_ready(self, state: HaState) -> bool:
        members = self.members(state)
        return any(m.get("role") == "sync_standby" and m.get("state") in ("running", "streaming") for m in members)

    def _create_database(self, state: HaState) -> None:
        create_database(state.url("postgres"), state.url(), state.database, 60, "the Patroni primary")

    def _http(self, port: int, path: str, body: dict[str, Any] | None = None,
              state: HaState | None = None, timeout: float = 5, method: str = "") -> dict[str, Any]:
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method or ("POST" if body else "GET"),
                                     data=json.dumps(body).encode() if body else None)
        if state is not None:
            token = base64.b64encode(f"{state.user}:{state.password}".encode()).decode()
            req.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                text = resp.read().decode()
        except urllib.error.HTTPError as exc:
            raise StackError(f"{path} on 127.0.0.1:{port}: {exc.code} {exc.read().decode(errors='replace')}") from None
        except OSError as exc:
            raise StackError(f"{path} on 127.0.0.1:{port}: {exc}") from None
        try:
            out = json.loads(text)
        except ValueError:
            return {"text": text}
        return out if isinstance(out, dict) else {"value": out}

    def _wait(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    return
            except StackError:
                pass
            if time.monotonic() > deadline:
                logs = "; ".join(f"{n}: {_proc.log_tail(self.root / n / f'{n}.log')}" for n in (*NODES, "etcd"))
                raise StackError(f"timed out after {timeout:.0f} s waiting for {what} ({logs})")
            time.sleep(0.5)
