"""Browser sessions in the database, so every gunicorn worker knows them and a restart keeps them.

The cookie carries a random token; the table keeps its SHA-256, the session's CSRF token and its expiry. A user's
session ends after ``idle`` unused or ``lifetime`` after login, and at once when the user is disabled or changes
password. A kiosk's session lasts as long as its token: revoking the token ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from ioc.security import roles, tokens
from ioc.security.principal import Principal

KIOSK_LIFETIME = timedelta(days=365)
TOUCH_EVERY = timedelta(seconds=60)   # last_seen_at is written at most this often per session


@dataclass(frozen=True)
class NewSession:
    token: str        # for the cookie; never stored
    csrf_token: str
    id: int


_LOOKUP = """
SELECT s.id, s.csrf_token, s.last_seen_at, now() - s.last_seen_at,
       u.id, u.username, u.role, u.must_change_password, u.disabled_at IS NULL,
       k.id, k.name, k.revoked_at IS NULL AND coalesce(k.expires_at > now(), true)
FROM auth_sessions s
LEFT JOIN users u ON u.id = s.user_id
LEFT JOIN api_keys k ON k.id = s.key_id AND k.kind = 'kiosk'
WHERE s.token_hash = %s AND s.revoked_at IS NULL AND s.expires_at > now()"""


def _create(conn: psycopg.Connection, user_id: int | None, key_id: int | None, lifetime: timedelta | None,
            expires_at: datetime | None, ip: str | None, user_agent: str | None) -> NewSession:
    token, csrf = tokens.new_token(), tokens.new_token()
    row = conn.execute(
        """INSERT INTO auth_sessions (token_hash, user_id, key_id, csrf_token, expires_at, ip, user_agent)
           VALUES (%s, %s, %s, %s, coalesce(%s, now() + %s), %s, left(%s, 400)) RETURNING id""",
        [tokens.digest(token), user_id, key_id, csrf, expires_at, lifetime, ip, user_agent]).fetchone()
    assert row is not None
    return NewSession(token, csrf, int(row[0]))


def for_user(conn: psycopg.Connection, user_id: int, lifetime: timedelta, ip: str | None = None,
             user_agent: str | None = None) -> NewSession:
    return _create(conn, user_id, None, lifetime, None, ip, user_agent)


def for_kiosk(conn: psycopg.Connection, key_id: int, expires_at: datetime | None, ip: str | None = None,
              user_agent: str | None = None) -> NewSession:
    return _create(conn, None, key_id, KIOSK_LIFETIME, expires_at, ip, user_agent)


def lookup(conn: psycopg.Connection, token: str | None, idle: timedelta) -> Principal | None:
    """The caller a session cookie stands for, or None (unknown, expired, idle, revoked, user disabled)."""
    if not tokens.plausible(token):
        return None
    row = conn.execute(_LOOKUP, [tokens.digest(token or "")]).fetchone()
    if row is None:
        return None
    sid, csrf, _seen, unused, uid, uname, role, must_change, active, kid, kname, key_valid = row
    if uid is not None and (not active or unused > idle):
        return None
    if uid is None and not key_valid:
        return None
    if unused > TOUCH_EVERY:
        conn.execute("UPDATE auth_sessions SET last_seen_at = now() WHERE id = %s", [sid])
    if uid is not None:
        return Principal("user", uname, role, roles.permissions_of(role), must_change, user_id=uid,
                         session_id=sid, csrf_token=csrf)
    return Principal("kiosk", kname, "kiosk", roles.KIOSK, key_id=kid, session_id=sid, csrf_token=csrf)


def end(conn: psycopg.Connection, session_id: int) -> None:
    conn.execute("UPDATE auth_sessions SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL", [session_id])

