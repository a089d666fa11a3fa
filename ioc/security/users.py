"""Users in the database: add, list, disable, change role, reset and change passwords. Every change is audited.

Functions take an open connection and leave the commit to the caller (the CLI's ``with`` block, a request's pool
connection), so a change and its audit row land together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import psycopg

from ioc.security import audit, passwords, roles
from ioc.security.errors import AuthenticationFailed, InvalidInput, NotFound

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_GET = """SELECT id, username, display_name, role, must_change_password, disabled_at, created_at, last_login_at
          FROM users WHERE username = %s"""
_LIST = """SELECT id, username, display_name, role, must_change_password, disabled_at, created_at, last_login_at
           FROM users ORDER BY username"""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str | None
    role: str
    must_change_password: bool
    disabled_at: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def check_username(name: str) -> str:
    norm = name.strip().lower()
    if not USERNAME.fullmatch(norm):
        raise InvalidInput(f"user name {name[:80]!r}: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit")
    return norm


def _role(role: str) -> str:
    try:
        return roles.check_role(role)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def add(conn: psycopg.Connection, username: str, role: str, actor: str, display_name: str | None = None) -> str:
    """Create a user with a one-time password, returned once; they must change it at first login."""
    name, role = check_username(username), _role(role)
    if display_name is not None and len(display_name) > 200:
        raise InvalidInput("a display name has at most 200 characters")
    if conn.execute("SELECT 1 FROM users WHERE username = %s", [name]).fetchone():
        raise InvalidInput(f"user {name!r} exists already")
    secret = passwords.one_time_password()
    conn.execute("INSERT INTO users (username, display_name, role, password_hash) VALUES (%s, %s, %s, %s)",
                 [name, display_name, role, passwords.hash_password(secret)])
    audit.record(conn, "user_added", actor, name, role=role)
    return secret


def get(conn: psycopg.Connection, username: str) -> User:
    row = conn.execute(_GET, [username.strip().lower()]).fetchone()
    if row is None:
        raise NotFound(f"no user {username[:80]!r}")
    return User(*row)


def listing(conn: psycopg.Connection) -> list[User]:
    return [User(*r) for r in conn.execute(_LIST).fetchall()]


def set_role(conn: psycopg.Connection, username: str, role: str, actor: str) -> User:
    user, role = get(conn, username), _role(role)
    conn.execute("UPDATE users SET role = %s WHERE id = %s", [role, user.id])
    audit.record(conn, "user_role_set", actor, user.username, role=role, was=user.role)
    return get(conn, username)


def disable(conn: psycopg.Connection, username: str, actor: str) -> User:
    """Disable a user and end their sessions at once."""
    user = get(conn, username)
    conn.execute("UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE id = %s", [user.id])
    end_sessions(conn, user.id)
    audit.record(conn, "user_disabled", actor, user.username)
    return get(conn, username)


def enable(conn: psycopg.Connection, username: str, actor: str) -> User:
    user = get(conn, username)
    conn.execute("UPDATE users SET disabled_at = NULL WHERE id = %s", [user.id])
    audit.record(conn, "user_enabled", actor, user.username)
    return get(conn, username)


def reset_password(conn: psycopg.Connection, username: str, actor: str) -> str:
    """A new one-time password, returned once; the user's sessions end."""
    user, secret = get(conn, username), passwords.one_time_password()
    conn.execute("""UPDATE users SET password_hash = %s, must_change_password = true, password_changed_at = now()
                    WHERE id = %s""", [passwords.hash_password(secret), user.id])
    end_sessions(conn, user.id)
    audit.record(conn, "user_password_reset", actor, user.username)
    return secret


def change_password(conn: psycopg.Connection, user_id: int, current: str, new: str,
                    keep_session: int | None = None) -> None:
    """The user's own change: the current password is checked; every other session of theirs ends."""
    row = conn.execute("SELECT username, password_hash FROM users WHERE id = %s AND disabled_at IS NULL",
                       [user_id]).fetchone()
    if row is None or not passwords.verify(row[1], current):
        raise AuthenticationFailed("the current password is wrong")
    passwords.check_new(new, row[0])
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    conn.execute("""UPDATE users SET password_hash = %s, must_change_password = false, password_changed_at = now()
                    WHERE id = %s""", [passwords.hash_password(new), user_id])
    end_sessions(conn, user_id, keep=keep_session)
    audit.record(conn, "password_changed", row[0], row[0])


def end_sessions(conn: psycopg.Connection, user_id: int, keep: int | None = None) -> int:
    cur = conn.execute("""UPDATE auth_sessions SET revoked_at = now()
                          WHERE user_id = %s AND revoked_at IS NULL AND id IS DISTINCT FROM %s""", [user_id, keep])
    return cur.rowcount


def ensure_admin(conn: psycopg.Connection, username: str = "admin") -> str | None:
    """The demo's first admin: its one-time password when created now, None when an admin exists already."""
    if conn.execute("SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL").fetchone():
        return None
    return add(conn, username, "admin", actor="demo", display_name="Administrator")
