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
class StackState:
    postgres: PgState | None = None
    mosquitto: MqttState | None = None
    redis: RedisState | None = None    # only when asked for (``ioc stack up --redis``)

    @classmethod
    def load(cls, state_dir: Path) -> StackState:
        path = state_dir / "stack.json"
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        pg, mq, rd = raw.get("postgres"), raw.get("mosquitto"), raw.get("redis")
        return cls(PgState(**pg) if pg else None, MqttState(**mq) if mq else None, RedisState(**rd) if rd else None)

    def save(self, state_dir: Path) -> None:
        """Replace the file atomically; it holds passwords, so it is 0600 from its creation (never umask's mode)."""
        path = state_dir / "stack.json"
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)   # a leftover would keep its old mode
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(json.dumps(asdict(self), indent=2))
        tmp.replace(path)
