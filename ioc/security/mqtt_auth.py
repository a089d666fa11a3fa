"""Mosquitto's password file and ACL as text, pure.

Hashes are Mosquitto 2's own format (``$7$iterations$salt$hash``, PBKDF2-SHA512, what ``mosquitto_passwd``
writes), so the broker reads them unchanged. The ACL gives:

* ``ingester``: read every device topic (and the broker's uptime, for health checks), write nothing;
* ``gateway``: write every device's topics (simulators, a site gateway speaking for many devices), read nothing;
* ``ioc``: the private stack's own account (read and write ``ioc/#``) that ``stack.endpoints()`` hands to
  processes started by hand and to tests; never in docker compose;
* each device: write ``ioc/v1/+/<its id>/#`` only. No device reads anything.

Anonymous clients are refused by the broker configuration (``allow_anonymous false``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from typing import Final

ITERATIONS: Final = 1000      # about 0.5 ms per connect: affordable for 10,000 devices reconnecting at once
SALT_BYTES: Final = 12
DEVICE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")

SERVICE_ACL: Final[dict[str, tuple[str, ...]]] = {
    "ingester": ("topic read ioc/v1/#", "topic read $SYS/broker/uptime"),
    "gateway": ("topic write ioc/v1/+/+/#",),
    "ioc": ("topic readwrite ioc/#", "topic read $SYS/broker/uptime"),
}
RESERVED: Final = frozenset(SERVICE_ACL)


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    derived = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(derived).decode()}"


def verify(stored: str, password: str) -> bool:
    try:
        _, kind, iterations, salt, derived = stored.split("$")
        if kind != "7":
            return False
        mine = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(mine, base64.b64decode(derived))


def check_device_id(device_id: str) -> str:
    if not DEVICE_ID.fullmatch(device_id):
        raise ValueError(f"device id {device_id[:80]!r} is not 1-64 of A-Z a-z 0-9 _ -")
    if device_id in RESERVED:
        raise ValueError(f"device id {device_id!r} is the name of a service account; rename the device")
    return device_id


def passwd_file(services: Mapping[str, str], devices: Iterable[tuple[str, str]]) -> str:
    """``services``: account -> plain password (hashed here); ``devices``: (device id, stored hash)."""
    lines = [f"{name}:{hash_password(secret)}" for name, secret in sorted(services.items()) if name in SERVICE_ACL]
    lines += [f"{check_device_id(dev)}:{_one_line(stored)}" for dev, stored in devices]
    return "\n".join(lines) + "\n"


def acl_file(services: Iterable[str], devices: Iterable[str]) -> str:
    blocks = ["# written by `ioc devices credentials` / `ioc stack up`: edits are overwritten"]
    blocks += [f"user {name}\n" + "\n".join(SERVICE_ACL[name]) for name in sorted(services) if name in SERVICE_ACL]
    blocks += [f"user {dev}\ntopic write ioc/v1/+/{dev}/#" for dev in map(check_device_id, devices)]
    return "\n\n".join(blocks) + "\n"


def parse_passwd(text: str) -> list[tuple[str, str]]:
    """(user, hash) pairs of a password file (comments and blank lines skipped)."""
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            user, _, stored = line.partition(":")
            pairs.append((user, stored))
    return pairs


def _one_line(stored: str) -> str:
    if not stored.startswith("$7$") or any(c in stored for c in "\r\n: "):
        raise ValueError("a stored device hash is not in Mosquitto's $7$ format")
    return stored
