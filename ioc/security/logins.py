"""Password logins with rate limits per user name and per client address, kept in the database so every gunicorn
worker (and every machine behind a load balancer) counts the same failures.

A name or address is locked while it has ``limit`` failures in the last ``window``; a successful login clears the
name's count (not the address's). A locked attempt is refused before the password is checked and is not itself
counted, so the lock ends on time however often it is hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import psycopg

from ioc.config import Settings
from ioc.security import audit, passwords, users
from ioc.security.users import User

MAX_NAME = 64


@dataclass(frozen=True)
class Limits:
    per_user: int = 5
    per_ip: int = 30
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.login_max_failures_user, settings.login_max_failures_ip,
                   timedelta(minutes=settings.login_window_minutes))


@dataclass(frozen=True)
class LoginResult:
    outcome: Literal["ok", "failed", "rate_limited"]
    user: User | None = None
    retry_after_s: int = 0


_USER_LOCK = """
SELECT ceil(extract(epoch FROM at + %(window)s - clock_timestamp()))::int FROM security_events
WHERE action = 'login_failed' AND subject = %(name)s AND at > clock_timestamp() - %(window)s
  AND at > coalesce((SELECT max(at) FROM security_events WHERE action = 'login_ok' AND subject = %(name)s),
                    '-infinity')
ORDER BY at DESC OFFSET %(skip)s LIMIT 1"""
_IP_LOCK = """
SELECT ceil(extract(epoch FROM at + %(window)s - clock_timestamp()))::int FROM security_events
WHERE action = 'login_failed' AND ip = %(ip)s AND at > clock_timestamp() - %(window)s
ORDER BY at DESC OFFSET %(skip)s LIMIT 1"""


def locked_for(conn: psycopg.Connection, name: str, ip: str | None, limits: Limits) -> int:
    """Seconds until this name and address may try again; 0 when they may now."""
    row = conn.execute(_USER_LOCK, {"window": limits.window, "name": name, "skip": limits.per_user - 1}).fetchone()
    wait = row[0] if row else 0
    if ip:
        row = conn.execute(_IP_LOCK, {"window": limits.window, "ip": ip, "skip": limits.per_ip - 1}).fetchone()
        wait = max(wait, row[0] if row else 0)
    return max(0, int(wait))


def attempt(conn: psycopg.Connection, username: str, password: str, ip: str | None, limits: Limits) -> LoginResult:
    """Check a login and record its outcome; the caller commits (a failure must be kept, so it is not raised)."""
    name = username.strip().lower()[:MAX_NAME]
    wait = locked_for(conn, name, ip, limits)
    if wait:
        audit.record(conn, "login_refused", name or "?", name, ip, retry_after_s=wait)
        return LoginResult("rate_limited", retry_after_s=wait)
    row = conn.execute("SELECT password_hash, disabled_at FROM users WHERE username = %s", [name]).fetchone()
    if row is None:
        passwords.burn_time(password)
    if row is None or not passwords.verify(row[0], password) or row[1] is not None:
        audit.record(conn, "login_failed", name or "?", name, ip, known=row is not None)
        return LoginResult("failed")
    if passwords.needs_rehash(row[0]):
        conn.execute("UPDATE users SET password_hash = %s WHERE username = %s",
                     [passwords.hash_password(password), name])
    conn.execute("UPDATE users SET last_login_at = now() WHERE username = %s", [name])
    audit.record(conn, "login_ok", name, name, ip)
    return LoginResult("ok", users.get(conn, name))
