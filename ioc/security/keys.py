"""API keys (scoped: ``read``, ``reports:submit``) and kiosk tokens (the wall only), hashed at rest, revocable.

A key is shown once when it is made. Lists show its first characters, its name and scopes, never the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from ioc.security import audit, roles, tokens
from ioc.security.errors import InvalidInput, NotFound
from ioc.security.principal import Principal

USE_EVERY = timedelta(seconds=60)   # last_used_at is written at most this often per key


@dataclass(frozen=True)
class Key:
    id: int
    kind: str
    name: str
    shown: str
    scopes: list[str]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def add(conn: psycopg.Connection, name: str, actor: str, scopes: tuple[str, ...] = (), *, kiosk: bool = False,
        expires_in: timedelta | None = None) -> tuple[Key, str]:
    """A new key and its secret (shown once): an API key with ``scopes``, or a kiosk token."""
    if not name.strip() or len(name) > 200:
        raise InvalidInput("a key needs a name of 1-200 characters (who uses it, e.g. 'zalo-bot')")
    if kiosk:
        kind, granted = "kiosk", [roles.WALL]
    else:
        try:
            kind, granted = "api", list(roles.check_scopes(scopes))
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    secret = tokens.new_token(tokens.KIOSK_TAG if kiosk else tokens.API_KEY_TAG)
    row = conn.execute(
        """INSERT INTO api_keys (kind, name, shown, secret_hash, scopes, created_by, expires_at)
           VALUES (%s, %s, %s, %s, %s, %s, now() + %s) RETURNING id""",
        [kind, name.strip(), tokens.shown_part(secret), tokens.digest(secret), granted, actor, expires_in]).fetchone()
    assert row is not None
    audit.record(conn, "key_added", actor, f"key:{row[0]}", kind=kind, name=name.strip(), scopes=granted)
    return get(conn, int(row[0])), secret


def get(conn: psycopg.Connection, key_id: int) -> Key:
    row = conn.execute("""SELECT id, kind, name, shown, scopes, created_by, created_at, expires_at, last_used_at,
                                 revoked_at FROM api_keys WHERE id = %s""", [key_id]).fetchone()
    if row is None:
        raise NotFound(f"no key with id {key_id}")
    return Key(*row)


def listing(conn: psycopg.Connection, include_revoked: bool = False) -> list[Key]:
    rows = conn.execute("""SELECT id, kind, name, shown, scopes, created_by, created_at, expires_at, last_used_at,
                                  revoked_at FROM api_keys WHERE %s OR revoked_at IS NULL ORDER BY id""",
                        [include_revoked]).fetchall()
    return [Key(*r) for r in rows]


def revoke(conn: psycopg.Connection, key_id: int, actor: str) -> Key:
    """Revoke a key now; a kiosk's open sessions end with it."""
    key = get(conn, key_id)
    conn.execute("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = %s", [key_id])
    conn.execute("UPDATE auth_sessions SET revoked_at = now() WHERE key_id = %s AND revoked_at IS NULL", [key_id])
    audit.record(conn, "key_revoked", actor, f"key:{key_id}", name=key.name)
    return get(conn, key_id)


def authenticate(conn: psycopg.Connection, secret: str | None, kind: str = "api") -> tuple[Principal, Key] | None:
    """The caller a key stands for, or None (unknown, revoked, expired, or of the other kind)."""
    if not tokens.plausible(secret):
        return None
    row = conn.execute("""SELECT id, kind, name, shown, scopes, created_by, created_at, expires_at, last_used_at,
                                 revoked_at FROM api_keys
                          WHERE secret_hash = %s AND kind = %s AND revoked_at IS NULL
                            AND coalesce(expires_at > now(), true)""",
                       [tokens.digest(secret or ""), kind]).fetchone()
    if row is None:
        return None
    key = Key(*row)
    conn.execute("""UPDATE api_keys SET last_used_at = now()
                    WHERE id = %s AND coalesce(last_used_at < now() - %s, true)""", [key.id, USE_EVERY])
    perms = roles.KIOSK if kind == "kiosk" else frozenset(key.scopes)
    who = Principal("kiosk" if kind == "kiosk" else "api_key", key.name, "kiosk" if kind == "kiosk" else "api", perms,
                    key_id=key.id)
    return who, key
