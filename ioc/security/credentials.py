"""Device MQTT passwords in the database (``mqtt_credentials``): issued once per registered device, rotated on
demand, revoked when a device leaves. Only Mosquitto-format hashes are stored; a password is returned once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg

from ioc.security import audit, mqtt_auth
from ioc.security.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Issued:
    new: list[tuple[str, str]]        # (device id, password): to hand to the devices, shown once
    skipped: list[tuple[str, str]]    # (device id, why)


def _password() -> str:
    return secrets.token_urlsafe(24)


def issue_missing(conn: psycopg.Connection, actor: str) -> Issued:
    """A password for every registered device that has none yet."""
    rows = conn.execute("""SELECT d.device_id, d.kind FROM devices d LEFT JOIN mqtt_credentials c USING (device_id)
                           WHERE d.registered AND c.device_id IS NULL ORDER BY d.device_id""").fetchall()
    new, skipped = [], []
    for device_id, kind in rows:
        try:
            mqtt_auth.check_device_id(device_id)
            mqtt_auth.check_kind(kind)
        except ValueError as exc:
            skipped.append((device_id, str(exc)))
            continue
        secret = _password()
        conn.execute("INSERT INTO mqtt_credentials (device_id, password_hash) VALUES (%s, %s)",
                     [device_id, mqtt_auth.hash_password(secret)])
        new.append((device_id, secret))
    if new:
        audit.record(conn, "mqtt_credentials_issued", actor, None, devices=len(new))
    return Issued(new, skipped)


def rotate(conn: psycopg.Connection, device_id: str, actor: str) -> str:
    """A new password for one registered device (issued if it had none); the old one stops working on reload."""
    row = conn.execute("SELECT registered FROM devices WHERE device_id = %s", [device_id]).fetchone()
    if row is None or not row[0]:
        raise NotFound(f"no registered device {device_id[:80]!r}")
    try:
        mqtt_auth.check_device_id(device_id)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    secret = _password()
    conn.execute("""INSERT INTO mqtt_credentials (device_id, password_hash) VALUES (%s, %s)
                    ON CONFLICT (device_id) DO UPDATE SET password_hash = excluded.password_hash, rotated_at = now()""",
                 [device_id, mqtt_auth.hash_password(secret)])
    audit.record(conn, "mqtt_password_rotated", actor, device_id)
    return secret


def revoke(conn: psycopg.Connection, device_id: str, actor: str) -> None:
    if conn.execute("DELETE FROM mqtt_credentials WHERE device_id = %s", [device_id]).rowcount == 0:
        raise NotFound(f"device {device_id[:80]!r} has no MQTT credentials")
    audit.record(conn, "mqtt_credentials_revoked", actor, device_id)


def stored(conn: psycopg.Connection) -> list[mqtt_auth.DeviceAccount]:
    """Every registered device with credentials, with its registered kind (the ACL's), for the broker's files."""
    rows = conn.execute("""SELECT c.device_id, d.kind, c.password_hash FROM mqtt_credentials c
                           JOIN devices d USING (device_id) WHERE d.registered ORDER BY c.device_id""").fetchall()
    return [mqtt_auth.DeviceAccount(str(i), str(k), str(h)) for i, k, h in rows]
