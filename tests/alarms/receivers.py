"""Real local receivers for the notification tests: an SMTP server (aiosmtpd) and one HTTP server that is a
webhook endpoint, a stand-in of the Telegram Bot API and of the Zalo OA / ZNS endpoints (same paths and answers)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as Mail
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

TOKEN = "123456:test-bot-token"
ZALO_TOKEN = "zalo-access-token"


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Http:
    url: str
    requests: list[Request] = field(default_factory=list)
    failures: list[tuple[int, bytes]] = field(default_factory=list)   # answered first, one per request


class _Mailbox:
    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[Mail]]]:
    box = _Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box.mails
    finally:
        controller.stop()


def _answer(path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
    """What the real services answer, for the shapes the channels use."""
    if path.startswith("/bot") and path.endswith("/sendMessage"):
        if path != f"/bot{TOKEN}/sendMessage":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        sent = json.loads(body)
        if not sent.get("chat_id") or not sent.get("text"):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        return 200, {"ok": True, "result": {"message_id": 1, "chat": {"id": sent["chat_id"]}, "text": sent["text"]}}
    if path in ("/v3.0/oa/message/cs", "/message/template"):
        if headers.get("access_token") != ZALO_TOKEN:
            return 200, {"error": -124, "message": "Access token is invalid"}
        return 200, {"error": 0, "message": "Success", "data": {"msg_id": "abc"}}
    return 200, {"received": True}        # a webhook endpoint


@contextmanager
def http_server() -> Iterator[Http]:
    state = Http("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append(Request(self.path, headers, body))
            if state.failures:
                code, raw = state.failures.pop(0)
            else:
                code, answer = _answer(self.path, headers, body)
                raw = json.dumps(answer).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
