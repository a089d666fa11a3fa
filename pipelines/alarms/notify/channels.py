"""What every channel implements, the message it sends, and how a failure is classified.

A channel either returns (delivered) or raises :class:`DeliveryError` saying whether trying again may help
(transient: a timeout, a 5xx, a rate limit) or not (permanent: a bad address, a revoked token). The dispatcher
turns that into back-off or a failed delivery; channels never retry by themselves.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ioc.errors import IocError

CHANNELS = ("email", "webhook", "telegram", "zalo")
TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str                                   # plain text, Vietnamese first, English after
    severity: str
    data: Mapping[str, Any] = field(default_factory=dict)   # the structured form (webhook JSON, ZNS fields)


class DeliveryError(IocError):
    """The message was not delivered."""

    def __init__(self, reason: str, transient: bool) -> None:
        super().__init__(reason)
        self.transient = transient


class Channel(Protocol):
    name: str

    def send(self, target: str, message: Message) -> None:
        """Deliver or raise :class:`DeliveryError`."""


def post_json(url: str, body: bytes, headers: Mapping[str, str] | None = None) -> tuple[int, Any]:
    """POST a JSON body; (status, decoded JSON or None). Network failures and 5xx/429 are transient, other 4xx
    permanent: the one HTTP edge of the Telegram, Zalo and webhook channels."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as resp:  # noqa: S310 (URL comes from settings)
            return resp.status, _decode(resp.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise DeliveryError(f"HTTP {exc.code}: {detail}", transient=exc.code >= 500 or exc.code == 429) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"unreachable: {reason}", transient=True) from None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
