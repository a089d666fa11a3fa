"""Telegram: a bot's ``sendMessage`` (Bot API). Target: a chat id (a user, a group ``-100…``, or ``@channel``)."""

from __future__ import annotations

import json

from pipelines.alarms.notify.channels import DeliveryError, Message, post_json

LIMIT = 4096   # the Bot API refuses longer texts


class TelegramChannel:
    name = "telegram"

    def __init__(self, token: str, base_url: str = "https://api.telegram.org") -> None:
        self.url = f"{base_url.rstrip('/')}/bot{token}/sendMessage"

    def send(self, target: str, message: Message) -> None:
        text = f"{message.subject}\n\n{message.body}"
        body = json.dumps({"chat_id": target, "text": text[:LIMIT], "disable_web_page_preview": True},
                          ensure_ascii=False).encode()
        try:
            _, reply = post_json(self.url, body)
        except DeliveryError as exc:
            # the token is part of the URL: never let it reach a log or the deliveries table
            raise DeliveryError(str(exc).replace(self.url, "<telegram>"), exc.transient) from None
        if not (isinstance(reply, dict) and reply.get("ok")):
            raise DeliveryError(f"Telegram refused: {reply!r}"[:300], transient=False)
