"""Secrets handed out once and kept only as digests: session tokens, API keys, kiosk tokens, CSRF tokens.

A token carries 256 random bits, so one SHA-256 is enough at rest (a slow password hash buys nothing against
guessing 2^256 values) and lets a request find its row by an index on the digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_KEY_TAG = "ioc_"
KIOSK_TAG = "kiosk_"
SHOWN = 12          # characters of a key kept in clear to recognise it in lists
MAX_TOKEN = 200     # anything longer is not one of ours: refused before hashing


def new_token(tag: str = "") -> str:
    return tag + secrets.token_urlsafe(32)


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def shown_part(token: str) -> str:
    return token[:SHOWN]


def plausible(token: str | None) -> bool:
    """False for what cannot be a token of ours (empty, too long): no database lookup for those."""
    return bool(token) and len(token or "") <= MAX_TOKEN


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison; False when either is missing."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
