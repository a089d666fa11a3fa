"""The demo's own mailbox: a local SMTP server (aiosmtpd) on a free loopback port, so the demo's alarm notifier
really sends e-mail, offline. Every message is kept as an ``.eml`` file in ``<state>/demo-mailbox/`` and logged by
its subject; ``/alarms`` and ``ioc alarms deliveries`` show the deliveries as sent."""

from __future__ import annotations

import logging
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from ioc.data import data_path
from ioc.stack._proc import free_port

log = logging.getLogger("ioc.demo")
ROUTES = "alarms/demo_routes.yaml"       # every alarm to the demo ward's duty desk, at this mailbox
SENDER = "ioc-demo@localhost"


class _Keep:
    def __init__(self, folder: Path) -> None:
        self.folder, self.n = folder, 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.n += 1
        (self.folder / f"{self.n:05d}.eml").write_bytes(envelope.content)
        subject = str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"] or "")))
        log.info("demo mailbox: %s → %s", subject, ", ".join(envelope.rcpt_tos))
        return "250 OK"


class Mailbox:
    """Started before the notifier, stopped after it."""

    def __init__(self, state_dir: Path) -> None:
        self.folder = state_dir / "demo-mailbox"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self._controller = Controller(_Keep(self.folder), hostname="127.0.0.1", port=self.port)

    def start(self) -> Mailbox:
        self._controller.start()
        log.info("demo mailbox: SMTP on 127.0.0.1:%d, messages kept in %s", self.port, self.folder)
        return self

    def stop(self) -> None:
        self._controller.stop()

    def notifier_env(self) -> dict[str, str]:
        """Settings of ``ioc alarms notify run`` that send to this mailbox (a local relay: no STARTTLS, no login)."""
        return {"IOC_ALARM_ROUTES": str(data_path(ROUTES)), "IOC_ALARM_SMTP_HOST": "127.0.0.1",
                "IOC_ALARM_SMTP_PORT": str(self.port), "IOC_ALARM_SMTP_STARTTLS": "false",
                "IOC_ALARM_SMTP_FROM": SENDER}
