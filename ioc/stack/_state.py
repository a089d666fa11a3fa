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
class StackState:
    postgres: PgState | None = None
    mosquitto: MqttState | None = None

    @classmethod
    def load(cls, state_dir: Path) -> StackState:
        path = state_dir / "stack.json"
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        pg, mq = raw.get("postgres"), raw.get("mosquitto")
        return cls(PgState(**pg) if pg else None, MqttState(**mq) if mq else None)

    def save(self, state_dir: Path) -> None:
        path = state_dir / "stack.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
