"""What the broker still holds for the ingest group: one row per member session, with its queue length.

Mosquitto lists no sessions, so the members come from configuration plus every id that ever reported in
``ingest_heartbeat``. A running member (its lock is held) reports its own queue in its heartbeat; an idle session is
peeked (connected to without acknowledging anything) to count what the broker queued for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from ioc.mqtt import MqttTarget
from pipelines.ingest import members, reclaim


@dataclass(frozen=True)
class SessionRow:
    member: str
    configured: bool
    state: str          # "running" | "idle" | "gone" (the broker holds no session for it)
    queued: int | None  # messages the broker holds for it (idle), or in the worker's own queue (running)
    capped: bool = False   # the count reached the peek's limit: there are at least this many

    @property
    def ghost(self) -> bool:
        return not self.configured and self.state != "gone"


def sessions(database_url: str, target: MqttTarget, membership: members.Membership) -> list[SessionRow]:
    with psycopg.connect(database_url, autocommit=True, connect_timeout=3) as conn:
        known = {m: (age, running) for m, age, running in members.known(conn, membership.prefix)}
        queues = _worker_queues(conn, membership.prefix)
        rows = []
        for member in sorted(set(known) | set(membership.ids()), key=_natural):
            rows.append(_row(conn, target, member, member in membership.ids(), queues.get(member)))
    return rows


def _row(conn: psycopg.Connection, target: MqttTarget, member: str, configured: bool,
         worker_queue: int | None) -> SessionRow:
    if not members.try_lock(conn, member):
        return SessionRow(member, configured, "running", worker_queue)
    try:
        present, queued = reclaim.peek(target, member)
    finally:
        members.unlock(conn, member)
    if not present:
        return SessionRow(member, configured, "gone", None)
    return SessionRow(member, configured, "idle", queued, queued >= reclaim.PEEK_RECEIVE_MAXIMUM)


def _worker_queues(conn: psycopg.Connection, prefix: str) -> dict[str, int]:
    rows = conn.execute("SELECT worker, coalesce((counters->>'queue_depth')::int, 0) FROM ingest_heartbeat "
                        "WHERE starts_with(worker, %s)", [f"{prefix}-"]).fetchall()
    return {str(w): int(q) for w, q in rows}


def _natural(member: str) -> tuple[str, int]:
    head, _, tail = member.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (member, -1)
