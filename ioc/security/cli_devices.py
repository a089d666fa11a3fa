"""``ioc devices credentials``: a Mosquitto password per registered device, the password file and the ACL.

The local stack's broker gets its files under the state dir and reloads them at once (SIGHUP: a rotated password
stops working immediately, live sessions included). ``--out DIR`` writes them for another broker, e.g. the docker
compose one, with the ``ingester`` and ``gateway`` accounts from IOC_MQTT_INGESTER_PASSWORD / _GATEWAY_PASSWORD:
the services' pair (``services.passwd``/``.acl``) for the internal listener and the devices' pair
(``devices.passwd``/``.acl``) for the TLS one. A device's username is its device id; it may publish on
``ioc/v1/<its registered kind>/<its id>/<channel>`` only.
"""

from __future__ import annotations

import csv
import getpass
import io
import pwd
from datetime import UTC, datetime
from pathlib import Path

import click

from ioc import db, stack
from ioc.config import Settings
from ioc.errors import ConfigError
from ioc.security import broker, credentials, mqtt_auth
from ioc.security.mqtt_auth import DeviceAccount
from ioc.stack._mosquitto import PrivateMosquitto


@click.group()
def devices() -> None:
    """Field devices' access to the MQTT broker."""


@devices.command("credentials")
@click.option("--rotate", "rotate", multiple=True, metavar="DEVICE", help="new password for this device; repeatable")
@click.option("--revoke", "revoke", multiple=True, metavar="DEVICE", help="remove this device's access; repeatable")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="write the password files and ACLs here (another broker, docker compose) instead of the local "
              "stack's")
@click.option("--owner", metavar="UID[:GID]", help="with --out: the broker's account owns the files (mode 0600); "
              "1883 in the eclipse-mosquitto image [files are mode 0644]")
@click.option("--secrets", "secrets_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="CSV of new passwords (mode 0600); '-' prints them [STATE_DIR/device-passwords-<time>.csv]")
@click.pass_obj
def credentials_cmd(settings: Settings, rotate: tuple[str, ...], revoke: tuple[str, ...], out_dir: Path | None,
                    owner: str | None, secrets_path: str | None) -> None:
    """Give every registered device a password (once), rotate or revoke some, and write the broker's files."""
    if out_dir is None and settings.mqtt_url is not None:
        raise ConfigError("IOC_MQTT_URL names a broker that is not the local stack's: give --out DIR to write its "
                          "password file and ACL")
    who = f"cli:{getpass.getuser()}"
    with db.connect(settings.database_url or stack.endpoints(settings).database_url) as conn:
        for device_id in revoke:
            credentials.revoke(conn, device_id, who)
        issued = credentials.issue_missing(conn, who)
        new = issued.new + [(d, credentials.rotate(conn, d, who)) for d in rotate]
        stored = credentials.stored(conn)
    kinds = {d.device_id: d.kind for d in stored}
    for device_id, why in issued.skipped:
        click.secho(f"skipped {device_id}: {why}", fg="yellow", err=True)
    stored = _usable(stored)
    where = _write_out(settings, out_dir, stored, _owner(owner)) if out_dir else _write_local(settings, stored)
    click.echo(f"{len(stored)} device account(s); {len(new)} new password(s); {where}")
    if new:
        click.echo(_save_secrets(settings, [(d, kinds.get(d, "?"), s) for d, s in new], secrets_path))


def _usable(stored: list[DeviceAccount]) -> list[DeviceAccount]:
    """An account issued before a rule existed (e.g. the ioc- prefix) is left out, not allowed to stop all others."""
    for dev in stored:
        if why := mqtt_auth.problem(dev):
            click.secho(f"left out of the broker's files {dev.device_id}: {why}", fg="yellow", err=True)
    return [dev for dev in stored if not mqtt_auth.problem(dev)]


def _write_local(settings: Settings, stored: list[DeviceAccount]) -> str:
    mq = PrivateMosquitto(settings.state_dir.resolve())
    broker.save_devices(mq.root, stored, owner=mq.user)
    if stack.reload_broker(settings):
        return f"the local broker reloaded {mq.root / broker.PASSWD}"
    return f"saved for the local broker's next start ({mq.root / broker.DEVICES})"


def _owner(text: str | None) -> pwd.struct_passwd | None:
    """A uid[:gid] as the record ``broker.render`` chowns to (the account need not exist in this container)."""
    if not text:
        return None
    uid, _, gid = text.partition(":")
    if not uid.isdigit() or (gid and not gid.isdigit()):
        raise click.BadParameter("expected UID or UID:GID, e.g. 1883:1883", param_hint="--owner")
    return pwd.struct_passwd(("", "", int(uid), int(gid or uid), "", "", ""))


def _write_out(settings: Settings, out_dir: Path, stored: list[DeviceAccount],
               owner: pwd.struct_passwd | None) -> str:
    services = {name: secret.get_secret_value() for name, secret in
                (("ingester", settings.mqtt_ingester_password), ("gateway", settings.mqtt_gateway_password))
                if secret is not None}
    # without an owner, 0644: the broker's container reads them as its own user (salted hashes, never a password)
    broker.render_split(out_dir, services, stored, owner=owner, mode=0o600 if owner else 0o644)
    missing = {"ingester", "gateway"} - set(services)
    note = f" (no {' or '.join(sorted(missing))} account: set IOC_MQTT_*_PASSWORD)" if missing else ""
    return f"wrote {out_dir}/{{services,devices}}.{{passwd,acl}}{note}; reload the broker (SIGHUP)"


def _save_secrets(settings: Settings, new: list[tuple[str, str, str]], path: str | None) -> str:
    """(device id, kind, password) of the new passwords; the device's MQTT client id must be its username."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["device_id", "mqtt_username", "mqtt_password", "may_publish"])
    writer.writerows([(d, d, secret, f"ioc/v1/{kind}/{d}/+") for d, kind, secret in new])
    if path == "-":
        return buf.getvalue().rstrip("\n")
    target = Path(path) if path else settings.state_dir.resolve() / \
        f"device-passwords-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    broker.write_text(target, buf.getvalue(), owner=None, mode=0o600)
    return f"new passwords (hand them to the devices, then delete the file): {target}"
