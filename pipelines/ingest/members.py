"""Who the ingest workers are: stable identities, the one subscription each holds, and who is alive.

A worker's MQTT client id is ``<prefix>-<index>`` from configuration, never the hostname: a recreated container or a
restarted process resumes its own broker session instead of leaving it behind as a ghost member of the shared group.
Every id that ever ran is remembered in ``ingest_heartbeat``; the ones outside the configured set are ghosts to reclaim.

Liveness is a PostgreSQL advisory lock per member held by the running worker for its whole life (released by the
server when the process dies) plus its heartbeat: nobody connects with the id of a member that holds its lock or has
beaten recently, since connecting with a live client's id would kick it off the broker.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import psycopg

from sensors.contract import subscription

log = logging.getLogger(__name__)
DEFAULT_PREFIX = "ioc-ingest"
DEFAULT_GROUP = "ioc-ingest"
MEMBER_LOCK = 0x10C_0003   # first key of the two-key advisory lock; the second is hashtext(member id)
STALE_S = 30.0             # a heartbeat older than this is not a live worker's (it beats every 2 s)


@dataclass(frozen=True)
class Membership:
    """The configured workers: ``count`` members ``<prefix>-0 … <prefix>-<count-1>``."""

    prefix: str = DEFAULT_PREFIX
    count: int = 1
    group: str = DEFAULT_GROUP

    def ids(self) -> tuple[str, ...]:
        return tuple(member_id(self.prefix, i) for i in range(self.count))

    def subscription(self) -> str:
        """One worker subscribes plainly; several share the group."""
        return subscription(self.group if self.count > 1 else None)

    def strays(self) -> tuple[str, ...]:
        """Subscriptions a session may still hold from another configuration (it must hold only its own)."""
        every = {subscription(None), subscription(DEFAULT_GROUP), subscription(self.group)}
        return tuple(sorted(every - {self.subscription()}))

    def every_subscription(self) -> tuple[str, ...]:
        return tuple(sorted({subscription(None), subscription(DEFAULT_GROUP), subscription(self.group)}))


def member_id(prefix: str, index: int) -> str:
    return f"{prefix}-{index}"


class MemberLock:
    """The advisory lock that says "member X is running here", on its own connection (held for the process's life)."""

    def __init__(self, database_url: str, member: str) -> None:
        self.database_url, self.member = database_url, member
        self.conn: psycopg.Connection | None = None

    def try_acquire(self) -> bool | None:
        """True when held (now or already), False when another process holds it, None when the database is
        unreachable (then nobody can reclaim this member either: reclaim needs the lock)."""
        if self.conn is not None and not self.conn.closed and not self.conn.broken:
            return True
        self.release()
        try:
            conn = psycopg.connect(self.database_url, autocommit=True, connect_timeout=3)
            got = try_lock(conn, self.member)
        except psycopg.Error:
            return None
        if got:
            self.conn = conn
        else:
            conn.close()
        return got

    def acquire(self, stop: threading.Event) -> bool:
        """Wait while another process holds this member (log once why); False only when stopped meanwhile."""
        waited = False
        while (got := self.try_acquire()) is False:
            if not waited:
                log.warning("member %s is held by another process (a live worker, or a reclaim draining it): "
                            "waiting rather than kicking it off the broker", self.member)
                waited = True
            if stop.wait(1.0):
                return False
        if got is None:
            log.warning("database unreachable: starting %s without its member lock (retried every heartbeat)",
                        self.member)
        return True

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def try_lock(conn: psycopg.Connection, member: str) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [MEMBER_LOCK, member]).fetchone()
    return bool(row and row[0])


def unlock(conn: psycopg.Connection, member: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [MEMBER_LOCK, member])


def known(conn: psycopg.Connection, prefix: str) -> list[tuple[str, float, bool]]:
    """Every member id under ``prefix`` that ever reported: (id, seconds since its last beat, said it was running)."""
    rows = conn.execute(
        "SELECT worker, extract(epoch FROM now() - updated_at), coalesce((counters->>'running')::boolean, true) "
        "FROM ingest_heartbeat WHERE starts_with(worker, %s) ORDER BY worker", [f"{prefix}-"]).fetchall()
    return [(str(w), float(age), bool(running)) for w, age, running in rows]


def forget(conn: psycopg.Connection, member: str) -> None:
    conn.execute("DELETE FROM ingest_heartbeat WHERE worker = %s", [member])
