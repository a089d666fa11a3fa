"""Helpers shared by tests: a private stack of our own (for outage tests that stop services), waiting, counting."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ioc import config, stack


def service_dir(prefix: str) -> Path:
    """A fresh directory the postgres and mosquitto accounts can reach (pytest's tmp dirs are private to root)."""
    path = Path(tempfile.mkdtemp(prefix=f"ioc-test-{prefix}-"))
    path.chmod(0o755)
    return path


class StackHandle:
    """A private stack in its own state dir; a test may stop and restart its services."""

    def __init__(self, state_dir: Path, database_url: str | None = None, mqtt_url: str | None = None) -> None:
        self.settings = config.load(state_dir=state_dir, database_url=database_url, mqtt_url=mqtt_url)

    def up(self) -> stack.Endpoints:
        return stack.up(self.settings)

    def down(self) -> list[str]:
        return stack.down(self.settings)

    def stop_postgres(self) -> None:
        from ioc.stack._postgres import PrivatePostgres

        PrivatePostgres(self.settings.state_dir).stop()

    def stop_mosquitto(self) -> None:
        from ioc.stack._mosquitto import PrivateMosquitto

        PrivateMosquitto(self.settings.state_dir).stop()


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1, what: str = "") -> None:
    """Poll until predicate() is truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
