"""Mosquitto's password file and ACL as text, pure.

Hashes are Mosquitto 2's own format (``$7$iterations$salt$hash``, PBKDF2-SHA512, what ``mosquitto_passwd``
writes), so the broker reads them unchanged. The ACL gives:

* ``ingester``: read every device topic and the broker's ``$SYS/broker/#`` counters (health checks, the broker stage
  of ``ioc ingest audit``), write nothing;
* ``gateway``: write every device's topics (simulators, a site gateway speaking for many devices), read nothing;
* ``ioc``: the private stack's own account (read and write ``ioc/#``) that ``stack.endpoints()`` hands to
  processes started by hand and to tests; never in docker compose;
* each device: write ``ioc/v1/<its registered kind>/<its id>/<channel>`` only. No device reads anything.

A device's username is its device id (unique across kinds); its kind comes from the registry, so the ACL names the
one kind it may publish as (an ``env`` station cannot pose as a camera). Device ids starting with ``ioc-`` are
refused: that prefix belongs to the services' client ids (the ingester's ``ioc-ingest-…``), and the compose TLS
listener makes a device's client id its username (``use_username_as_clientid``), so no device can take over a
service's session. Anonymous clients are refused by the broker configuration (``allow_anonymous false``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from typing import Final, NamedTuple

ITERATIONS: Final = 1000      # about 0.5 ms per connect: affordable for 10,000 devices reconnecting at once
SALT_BYTES: Final = 12
DEVICE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
KIND: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
SERVICE_PREFIX: Final = "ioc-"    # services' client ids (ioc-ingest-<host>-<n>); never a device's

SERVICE_ACL: Final[dict[str, tuple[str, ...]]] = {
    "ingester": ("topic read ioc/v1/#", "topic read $SYS/broker/#"),
    "gateway": ("topic write ioc/v1/+/+/#",),
    "ioc": ("topic readwrite ioc/#", "topic read $SYS/broker/#"),
}
RESERVED: Final = frozenset(SERVICE_ACL)
# A district broker's bridge to the central one (docs/scaling.md): it forwards its devices' messages, so it may write
# every device topic, like a gateway, and read nothing. One account per district, so one can be revoked alone.
BRIDGE_PREFIX: Final = "bridge-"
BRIDGE_ACL: Final = ("topic write ioc/v1/+/+/#",)


def service_acl(name: str) -> tuple[str, ...]:
    """The ACL lines of a service account (the fixed ones and each district's ``bridge-<name>``); () otherwise."""
    if name in SERVICE_ACL:
        return SERVICE_ACL[name]
    if name.startswith(BRIDGE_PREFIX) and DEVICE_ID.fullmatch(name):
        return BRIDGE_ACL
    return ()


class DeviceAccount(NamedTuple):
    """A registered device's broker account: username = device id, may publish as ``kind`` only."""

    device_id: str
    kind: str
    password_hash: str


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
    if device_id.lower().startswith((SERVICE_PREFIX, BRIDGE_PREFIX)):
        raise ValueError(f"device id {device_id!r} starts with {SERVICE_PREFIX!r} or {BRIDGE_PREFIX!r}, "
                         "kept for the services' client ids and the district bridges' accounts; "
                         "rename the device")
    return device_id


def check_kind(kind: str) -> str:
    if not KIND.fullmatch(kind):
        raise ValueError(f"device kind {kind[:40]!r} is not a lower-case word")
    return kind


def problem(dev: DeviceAccount) -> str:
    """Why this stored account cannot go into the broker's files (a name or kind that a newer rule refuses), or ''."""
    try:
        check_device_id(dev.device_id)
        check_kind(dev.kind)
        _one_line(dev.password_hash)
    except ValueError as exc:
        return str(exc)
    return ""


def passwd_file(services: Mapping[str, str], devices: Iterable[DeviceAccount]) -> str:
    """``services``: account -> plain password (hashed here); ``devices``: their stored hashes."""
    lines = [f"{name}:{hash_password(secret)}" for name, secret in sorted(services.items()) if service_acl(name)]
    lines += [f"{check_device_id(dev.device_id)}:{_one_line(dev.password_hash)}" for dev in devices]
    return "\n".join(lines) + "\n"


def acl_file(services: Iterable[str], devices: Iterable[DeviceAccount]) -> str:
    blocks = ["# written by `ioc devices credentials` / `ioc stack up`: edits are overwritten"]
    blocks += [f"user {name}\n" + "\n".join(service_acl(name)) for name in sorted(services) if service_acl(name)]
    blocks += [f"user {check_device_id(d.device_id)}\ntopic write ioc/v1/{check_kind(d.kind)}/{d.device_id}/+"
               for d in devices]
    return "\n\n".join(blocks) + "\n"


def devices_file(devices: Iterable[DeviceAccount]) -> str:
    """The device accounts as saved for the local stack's broker: ``id:kind:hash`` per line."""
    return "".join(f"{check_device_id(d.device_id)}:{check_kind(d.kind)}:{_one_line(d.password_hash)}\n"
                   for d in devices)


def parse_devices(text: str) -> list[DeviceAccount]:
    """What :func:`devices_file` wrote; lines of an older format (no kind) are skipped: issue them again."""
    found = []
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) == 3 and parts[2].startswith("$7$"):
            found.append(DeviceAccount(*parts))
    return found


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
