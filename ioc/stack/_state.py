"""The stack's state file: ports and generated passwords of the private services (mode 0600)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class PgState:
    port: int
    password: str
    user: str = "ioc"
    database: str = "ioc"

    def url(self, database: str | None = None) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database or self.database}"


@dataclass
class MqttState:
    port: int
    accounts: dict[str, str] = field(default_factory=dict)   # username -> password (ingester, simulator, …)

    def url(self, account: str | None = None) -> str:
        if account and account in self.accounts:
            return f"mqtt://{account}:{self.accounts[account]}@127.0.0.1:{self.port}"
        return f"mqtt://127.0.0.1:{self.port}"


@dataclass
class RedisState:
    port: int
    password: str

    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"


@dataclass
class HaNode:
    name: str
    port: int        # PostgreSQL
    rest_port: int   # Patroni's REST API


@dataclass
class HaState:
    """The private Patroni pair (``ioc stack up --ha``): etcd, two nodes, the superuser's and replicator's passwords."""

    scope: str
    etcd_port: int
    etcd_peer_port: int
    nodes: list[HaNode]
    password: str
    replication_password: str
    user: str = "ioc"
    database: str = "ioc"

    def hosts(self) -> str:
        return ",".join(f"127.0.0.1:{n.port}" for n in self.nodes)

    def url(self, database: str | None = None, attrs: str = "read-write") -> str:
        """The multi-host libpq URL: libpq tries each node and keeps the first with the wanted role."""
        return (f"postgresql://{self.user}:{self.password}@{self.hosts()}/{database or self.database}"
                f"?target_session_attrs={attrs}")

    def read_url(self) -> str:
        return self.url(attrs="prefer-standby")


@dataclass
class StackState:
    postgres: PgState | None = None
    mosquitto: MqttState | None = None
    redis: RedisState | None = None    # only when asked for (``ioc stack up --redis``)
    ha: HaState | None = None

    @classmethod
    def load(cls, state_dir: Path) -> StackState:
        path = state_dir / "stack.json"
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        pg, mq, rd, ha = raw.get("postgres"), raw.get("mosquitto"), raw.get("redis"), raw.get("ha")
        if ha:
            ha = HaState(**{**ha, "nodes": [HaNode(**n) for n in ha["nodes"]]})
        return cls(PgState(**pg) if pg else None, MqttState(**mq) if mq else None, RedisState(**rd) if rd else None,
                   ha or None)

    def save(self, state_dir: Path) -> None:
        """Replace the file atomically; it holds passwords, so it is 0600 from its creation (never umask's mode)."""
        path = state_dir / "stack.json"
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)   # a leftover would keep its old mode
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(json.dumps(asdict(self), indent=2))
        tmp.replace(path)
