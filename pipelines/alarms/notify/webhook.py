"""Webhook: the message as JSON, POSTed to the target URL and signed with HMAC-SHA256.

The receiver recomputes ``hex(hmac_sha256(key, timestamp + "." + body))`` and compares it with
``X-IOC-Signature: sha256=<hex>``; the timestamp (``X-IOC-Timestamp``, Unix seconds) lets it refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from pipelines.alarms.notify.channels import DeliveryError, Message, post_json


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookChannel:
    name = "webhook"

    def __init__(self, key: str) -> None:
        if not key:
            raise DeliveryError("IOC_ALARM_WEBHOOK_KEY is not set: webhooks are never sent unsigned", transient=False)
        self.key = key.encode()

    def send(self, target: str, message: Message) -> None:
        if not target.startswith(("https://", "http://")):
            raise DeliveryError(f"{target!r} is not an http(s) URL", transient=False)
        body = json.dumps({"subject": message.subject, "severity": message.severity, "text": message.body,
                           **message.data}, ensure_ascii=False, default=str).encode()
        stamp = str(int(time.time()))
        post_json(target, body, {"X-IOC-Timestamp": stamp, "X-IOC-Signature": signature(self.key, stamp, body)})
