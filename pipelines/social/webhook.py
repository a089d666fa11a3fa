"""The provider's push: ``POST /api/v1/social/mentions``, signed as the IOC signs its own alarm webhooks.

The provider sends ``X-IOC-Provider: NAME``, ``X-IOC-Timestamp: <Unix seconds>`` and
``X-IOC-Signature: sha256=<hex(hmac_sha256(secret, timestamp + "." + body))>`` with its own secret (``ioc social
providers add NAME`` prints it). A call outside the replay window (:data:`WINDOW_S` either side of our clock) is
refused, so a captured call cannot be sent again later; within the window a resent call stores nothing new (a post
is stored once per provider). The body is at most :data:`MAX_BODY` bytes of JSON: an array of mentions or
``{"mentions": [...]}``, at most :data:`MAX_ITEMS` of them, each as in an import file.

:func:`refusal` is pure; :func:`answer` turns an import summary into the response (HTTP status and body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any, Final

from pipelines.social import readers
from pipelines.social.importer import ImportSummary

WINDOW_S: Final = 300
MAX_BODY: Final = 1024 * 1024
MAX_ITEMS: Final = 1000


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def refusal(secret: str, timestamp: str | None, given: str | None, body: bytes, now: float,
            window_s: int = WINDOW_S) -> str | None:
    """Why the call is not the provider's, or not now (None: accepted)."""
    if not timestamp or not timestamp.strip().isdigit():
        return "X-IOC-Timestamp is missing or not Unix seconds"
    if not given:
        return "X-IOC-Signature is missing"
    if abs(now - int(timestamp)) > window_s:
        return f"X-IOC-Timestamp is more than {window_s} s from the server's clock (replay window); resend signed now"
    if not hmac.compare_digest(signature(secret, timestamp.strip(), body), given.strip()):
        return "X-IOC-Signature does not match the body (HMAC-SHA256 of timestamp + '.' + body with your secret)"
    return None


def items(body: bytes) -> Iterator[readers.Item]:
    """The body's mentions as numbered items (1 = first); a body that is not what we take raises ValueError."""
    try:
        found = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"the body is not UTF-8 JSON: {exc}") from exc
    if isinstance(found, dict):
        found = found.get("mentions")
    if not isinstance(found, list):
        raise ValueError("expected a JSON array of mentions or an object with a 'mentions' array")
    if len(found) > MAX_ITEMS:
        raise ValueError(f"{len(found)} mentions in one call; send at most {MAX_ITEMS}")
    for number, item in enumerate(found, start=1):
        yield number, item if isinstance(item, dict) else "not a JSON object"


def answer(summary: ImportSummary) -> tuple[int, dict[str, Any]]:
    """200 when every item was stored or already known; 422 when any was refused (the good ones are kept), with
    each refused item's number and the reason of each of its fields."""
    refused: dict[int, list[dict[str, str]]] = {}
    for p in summary.problems:
        refused.setdefault(p.line, []).append({"field": p.field, "reason": p.reason})
    body = {"received": summary.read, "stored": summary.imported, "duplicates": summary.duplicates,
            "refused": [{"item": n, "errors": errs} for n, errs in sorted(refused.items())]}
    return (422 if refused else 200), body
