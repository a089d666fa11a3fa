"""Mosquitto's password file and ACL on disk: written atomically, readable by the broker's account only.

For the private stack (one loopback listener) ``passwd`` and ``acl`` hold every account; the device part is also
kept apart (``devices.saved``: id, kind, hash), so ``ioc stack up`` can write the files again (fresh service-account
hashes) without the database: the broker starts before any migration.

For docker compose (``--out``) the accounts are split by listener (``per_listener_settings true``): the services'
files (``services.passwd``/``.acl``) serve the internal 1883 listener only, the devices' (``devices.passwd``/``.acl``)
the internet-facing 8883 one, so a service password is worthless from outside.
"""

from __future__ import annotations

import logging
import os
import pwd
from collections.abc import Mapping
from pathlib import Path

from ioc.security import mqtt_auth
from ioc.security.mqtt_auth import DeviceAccount

PASSWD, ACL, DEVICES = "passwd", "acl", "devices.saved"
SERVICES_PASSWD, SERVICES_ACL = "services.passwd", "services.acl"
DEVICES_PASSWD, DEVICES_ACL = "devices.passwd", "devices.acl"
_OLD_DEVICES = "devices.passwd"   # the private stack's saved devices before kinds (no kind: cannot be used)

log = logging.getLogger(__name__)


def write_text(path: Path, text: str, owner: pwd.struct_passwd | None = None, mode: int = 0o600) -> None:
    """Replace ``path`` atomically; the broker never reads half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)   # a leftover keeps its old mode: O_CREAT's mode applies to new files only
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, mode)
    if owner is not None:
        os.chown(tmp, owner.pw_uid, owner.pw_gid)
    tmp.replace(path)


def render(directory: Path, services: Mapping[str, str], devices: list[DeviceAccount],
           owner: pwd.struct_passwd | None = None, mode: int = 0o600) -> None:
    """Write ``passwd`` and ``acl`` for these service accounts (plain passwords) and devices (stored hashes)."""
    _pair(directory, PASSWD, ACL, services, devices, owner, mode)


def render_split(directory: Path, services: Mapping[str, str], devices: list[DeviceAccount],
                 owner: pwd.struct_passwd | None = None, mode: int = 0o600) -> None:
    """The compose broker's files: services and devices apart, one pair per listener."""
    _pair(directory, SERVICES_PASSWD, SERVICES_ACL, services, [], owner, mode)
    _pair(directory, DEVICES_PASSWD, DEVICES_ACL, {}, devices, owner, mode)


def _pair(directory: Path, passwd: str, acl: str, services: Mapping[str, str], devices: list[DeviceAccount],
          owner: pwd.struct_passwd | None, mode: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_text(directory / passwd, mqtt_auth.passwd_file(services, devices), owner, mode)
    write_text(directory / acl, mqtt_auth.acl_file(services, devices), owner, mode)


def save_devices(directory: Path, devices: list[DeviceAccount], owner: pwd.struct_passwd | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_text(directory / DEVICES, mqtt_auth.devices_file(devices), owner)


def load_devices(directory: Path) -> list[DeviceAccount]:
    path = directory / DEVICES
    if not path.exists() and (directory / _OLD_DEVICES).exists():
        log.warning("%s holds device accounts without their kinds and is no longer used: run `ioc devices "
                    "credentials` to give the broker the registered devices again", directory / _OLD_DEVICES)
    return mqtt_auth.parse_devices(path.read_text(encoding="utf-8")) if path.exists() else []


def auth_conf(directory: Path) -> str:
    """The broker configuration lines that switch authentication on with these files."""
    return (f"allow_anonymous false\npassword_file {directory / PASSWD}\nacl_file {directory / ACL}\n")
