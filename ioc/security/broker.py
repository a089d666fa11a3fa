"""Mosquitto's password file and ACL on disk: written atomically, readable by the broker's account only.

For the private stack the device part is kept apart (``devices.passwd``), so ``ioc stack up`` can write the
files again (fresh service-account hashes) without the database: the broker starts before any migration.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping
from pathlib import Path

from ioc.security import mqtt_auth

PASSWD, ACL, DEVICES = "passwd", "acl", "devices.passwd"


def write_text(path: Path, text: str, owner: pwd.struct_passwd | None = None, mode: int = 0o600) -> None:
    """Replace ``path`` atomically; the broker never reads half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, mode)
    if owner is not None:
        os.chown(tmp, owner.pw_uid, owner.pw_gid)
    tmp.replace(path)


def render(directory: Path, services: Mapping[str, str], devices: list[tuple[str, str]],
           owner: pwd.struct_passwd | None = None, mode: int = 0o600) -> None:
    """Write ``passwd`` and ``acl`` for these service accounts (plain passwords) and devices (stored hashes)."""
    directory.mkdir(parents=True, exist_ok=True)
    write_text(directory / PASSWD, mqtt_auth.passwd_file(services, devices), owner, mode)
    write_text(directory / ACL, mqtt_auth.acl_file(services, [d for d, _ in devices]), owner, mode)


def save_devices(directory: Path, devices: list[tuple[str, str]], owner: pwd.struct_passwd | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_text(directory / DEVICES, mqtt_auth.passwd_file({}, devices), owner)


def load_devices(directory: Path) -> list[tuple[str, str]]:
    path = directory / DEVICES
    return mqtt_auth.parse_passwd(path.read_text(encoding="utf-8")) if path.exists() else []


def auth_conf(directory: Path) -> str:
    """The broker configuration lines that switch authentication on with these files."""
    return (f"allow_anonymous false\npassword_file {directory / PASSWD}\nacl_file {directory / ACL}\n")
