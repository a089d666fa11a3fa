"""Zalo: Official Account messages (to a follower's user id) and ZNS (a template message to a phone number).

A thin client of our own over the two HTTP endpoints, because no SDK has been vetted. Targets: ``user:<user id>``
(OA customer-service message, ``/v3.0/oa/message/cs``) or ``zns:<phone>`` (``/message/template`` with the approved
template ``IOC_ALARM_ZALO_ZNS_TEMPLATE``). Zalo answers HTTP 200 with ``{"error": <code>}``: 0 is success; a
negative code is a refusal (bad token, unknown user, template not approved) that retrying will not fix, except
the rate limits below.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipelines.alarms.notify.channels import DeliveryError, Message, post_json

RETRYABLE = {-32, -201}   # rate limited / server busy
PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")


class ZaloChannel:
    name = "zalo"

    def __init__(self, token: str, oa_url: str, zns_url: str, template_id: str | None = None) -> None:
        self.token, self.template_id = token, template_id
        self.oa_url, self.zns_url = oa_url.rstrip("/"), zns_url.rstrip("/")

    def send(self, target: str, message: Message) -> None:
        kind, _, to = target.partition(":")
        if kind == "user" and to:
            url, body = f"{self.oa_url}/v3.0/oa/message/cs", self._oa(to, message)
        elif kind == "zns" and to:
            url, body = f"{self.zns_url}/message/template", self._zns(to, message)
        else:
            raise DeliveryError(f"{target!r}: a Zalo target is user:<id> or zns:<phone>", transient=False)
        _, reply = post_json(url, json.dumps(body, ensure_ascii=False).encode(), {"access_token": self.token})
        code = reply.get("error") if isinstance(reply, dict) else None
        if code != 0:
            detail = reply.get("message") if isinstance(reply, dict) else reply
            raise DeliveryError(f"Zalo error {code}: {detail}"[:300], transient=code in RETRYABLE)

    def _oa(self, user_id: str, message: Message) -> dict[str, Any]:
        return {"recipient": {"user_id": user_id}, "message": {"text": f"{message.subject}\n\n{message.body}"[:2000]}}

    def _zns(self, phone: str, message: Message) -> dict[str, Any]:
        if not self.template_id:
            raise DeliveryError("IOC_ALARM_ZALO_ZNS_TEMPLATE is not set", transient=False)
        match = PHONE.match(phone.replace(" ", ""))
        if not match:
            raise DeliveryError(f"{phone!r} is not a Vietnamese phone number", transient=False)
        # ZNS template parameters are short fields an approved template fills in; the long text does not fit there
        fields = {k: str(v)[:100] for k, v in message.data.get("zns", {}).items()}
        return {"phone": "84" + match.group(1), "template_id": self.template_id, "template_data": fields}
