"""Signed, time-limited tokens for the residents' anonymous comment forms (a CSRF-like guard without a session).

The page puts ``issued.signature`` in the form; the POST is accepted only with a token this deployment signed for
the same document, less than :data:`MAX_AGE` old and at least :data:`MIN_AGE` old (a person reads before writing;
a script posting the instant it fetched is refused). The key is the database's (``public_form_key``, migration
0200), so every worker checks what any worker signed. Pure apart from :func:`key`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Final, Literal

import psycopg

MAX_AGE: Final = timedelta(hours=2)
MIN_AGE: Final = timedelta(seconds=2)
Verdict = Literal["ok", "expired", "too_fast", "forged"]


def key(conn: psycopg.Connection) -> bytes:
    row = conn.execute("SELECT key FROM public_form_key").fetchone()
    if row is None:
        raise LookupError("public_form_key is empty: run `ioc migrate`")
    return str(row[0]).encode()


def _sign(secret: bytes, document: int, issued: int) -> str:
    return hmac.new(secret, f"comment:{document}:{issued}".encode(), hashlib.sha256).hexdigest()[:32]


def issue(secret: bytes, document: int, now: datetime) -> str:
    issued = int(now.timestamp())
    return f"{issued}.{_sign(secret, document, issued)}"


def check(secret: bytes, document: int, token: str, now: datetime) -> Verdict:
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12:
        return "forged"
    issued = int(issued_text)
    if not hmac.compare_digest(signature, _sign(secret, document, issued)):
        return "forged"
    age = now.timestamp() - issued
    if age > MAX_AGE.total_seconds():
        return "expired"
    if age < MIN_AGE.total_seconds():
        return "too_fast"
    return "ok"
