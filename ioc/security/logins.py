"""Password logins with rate limits per user name and per client address, kept in the database so every gunicorn
worker (and every machine behind a load balancer) counts the same failures.

A name is locked for one address while it has ``per_user`` failures from that address in the last ``window``; an
address is locked for every name while it has ``per_ip`` failures. So guessing ``admin`` from one place never locks
the real admin out elsewhere, and a lock never lasts longer than the window. A successful login clears the name's
count at that address (not the address's count). A locked attempt is refused before the password is checked and is
not itself counted, so the lock ends on time however often it is hit. Each try is counted and checked against the
limits in one step (:func:`_reserve`), so parallel requests get no extra tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import psycopg
from psycopg.types.json import Jsonb

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


# The name's lock counts failures per (name, address): someone guessing a name from one address locks that pair,
# not the real user signing in elsewhere. The address's own limit (``per_ip``) bounds guesses over all names.
_USER_LOCK = """
SELECT ceil(extract(epoch FROM at + %(window)s - clock_timestamp()))::int FROM security_events
WHERE action = 'login_failed' AND subject = %(name)s AND ip IS NOT DISTINCT FROM %(ip)s
  AND at > clock_timestamp() - %(window)s
  AND at > coalesce((SELECT max(at) FROM security_events WHERE action = 'login_ok' AND subject = %(name)s
                     AND ip IS NOT DISTINCT FROM %(ip)s), '-infinity')
ORDER BY at DESC OFFSET %(skip)s LIMIT 1"""
_IP_LOCK = """
SELECT ceil(extract(epoch FROM at + %(window)s - clock_timestamp()))::int FROM security_events
WHERE action = 'login_failed' AND ip = %(ip)s AND at > clock_timestamp() - %(window)s
ORDER BY at DESC OFFSET %(skip)s LIMIT 1"""
_RESERVE = """INSERT INTO security_events (action, actor, subject, ip, detail)
VALUES ('login_failed', %s, %s, %s, '{"pending": true}') RETURNING id"""
_SETTLE = "UPDATE security_events SET action = %s, detail = %s WHERE id = %s"


def locked_for(conn: psycopg.Connection, name: str, ip: str | None, limits: Limits) -> int:
    """Seconds until this name and address may try again; 0 when they may now."""
    row = conn.execute(_USER_LOCK, {"window": limits.window, "name": name, "ip": ip,
                                    "skip": limits.per_user - 1}).fetchone()
    wait = row[0] if row else 0
    if ip:
        row = conn.execute(_IP_LOCK, {"window": limits.window, "ip": ip, "skip": limits.per_ip - 1}).fetchone()
        wait = max(wait, row[0] if row else 0)
    return max(0, int(wait))


def _reserve(conn: psycopg.Connection, name: str, ip: str | None, limits: Limits) -> int | LoginResult:
    """Check the limits and count this try as a failure in one step, before the (slow) password check.

    Parallel tries from one address queue on a transaction lock for the moment of the check, so each sees the
    others' tries; a try that turns out right is settled as a success afterwards."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('ioc-login:' || %s, 0))", [ip or f"name:{name}"])
        wait = locked_for(conn, name, ip, limits)
        if wait:
            audit.record(conn, "login_refused", name or "?", name, ip, retry_after_s=wait)
            return LoginResult("rate_limited", retry_after_s=wait)
        row = conn.execute(_RESERVE, [name or "?", name, ip]).fetchone()
    assert row is not None
    return int(row[0])


def attempt(conn: psycopg.Connection, username: str, password: str, ip: str | None, limits: Limits) -> LoginResult:
    """Check a login and record its outcome. The try is counted (committed) before the password is checked; the
    caller commits the outcome (a failure must be kept, so it is not raised)."""
    name = username.strip().lower()[:MAX_NAME]
    reserved = _reserve(conn, name, ip, limits)
    if isinstance(reserved, LoginResult):
        return reserved
    row = conn.execute("SELECT password_hash, disabled_at FROM users WHERE username = %s", [name]).fetchone()
    if row is None:
        passwords.burn_time(password)
    if row is None or not passwords.verify(row[0], password) or row[1] is not None:
        conn.execute(_SETTLE, ["login_failed", Jsonb({"known": row is not None}), reserved])
        return LoginResult("failed")
    if passwords.needs_rehash(row[0]):
        conn.execute("UPDATE users SET password_hash = %s WHERE username = %s",
                     [passwords.hash_password(password), name])
    conn.execute("UPDATE users SET last_login_at = now() WHERE username = %s", [name])
    conn.execute(_SETTLE, ["login_ok", Jsonb({}), reserved])
    return LoginResult("ok", users.get(conn, name))
