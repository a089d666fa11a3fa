"""The suggester: every few seconds, group new evidence into suggested incidents or the live incident it joins.

Idempotent and safe to run twice at once: one cycle is one transaction under a transaction-scoped advisory lock,
and an event is attached at most once (``incident_items`` is keyed by it). ``ioc incidents run`` loops it; the
demo starts that loop.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import psycopg

from pipelines.incidents import evidence, store
from pipelines.incidents.correlate import Live, plan
from pipelines.incidents.types import incident_types

log = logging.getLogger(__name__)
LOCK_ID = 0x1C1D_0210     # one suggester cycle at a time (pg_advisory_xact_lock)


@dataclass(frozen=True)
class CycleStats:
    candidates: int
    joined: int
    suggested: int


def live(conn: psycopg.Connection, since: datetime) -> list[Live]:
    out: dict[int, Live] = {}
    rows = conn.execute("""
        SELECT i.id, i.type, i.last_evidence_at, ST_X(it.geom), ST_Y(it.geom)
        FROM incidents i JOIN incident_items it ON it.incident_id = i.id
        WHERE i.status IN ('suggested', 'confirmed') AND i.last_evidence_at >= %s AND it.geom IS NOT NULL
        ORDER BY i.id""", [since]).fetchall()
    for iid, kind, last, lon, lat in rows:
        out.setdefault(iid, Live(iid, kind, last)).points.append((lon, lat))
    return list(out.values())


def cycle(conn: psycopg.Connection, now: datetime | None = None) -> CycleStats:
    types = incident_types()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        at = now or _db_now(conn)
        found = evidence.candidates(conn, types, at)
        if not found:
            return CycleStats(0, 0, 0)
        decided = plan(found, live(conn, at - evidence.lookback(types)), types)
        joined = sum(store.attach(conn, iid, [ev], "system", at) for iid, ev in decided.joins)
        for type_id, group in decided.new:
            iid = store.create(conn, types[type_id], group, "system", at)
            log.info("incidents: #%d suggested (%s, %d evidence)", iid, type_id, len(group))
    return CycleStats(len(found), joined, len(decided.new))


def _db_now(conn: psycopg.Connection) -> datetime:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def run(database_url: str, stop: threading.Event, interval: float = 5.0) -> None:
    """Until ``stop``: a cycle every ``interval`` s; a lost database is reopened with back-off."""
    backoff = 1.0
    while not stop.is_set():
        try:
            with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                backoff = 1.0
                while not stop.is_set():
                    started = time.monotonic()
                    stats = cycle(conn)
                    if stats.joined or stats.suggested:
                        log.info("incidents: %d suggested, %d evidence joined", stats.suggested, stats.joined)
                    stop.wait(max(0.0, interval - (time.monotonic() - started)))
        except psycopg.OperationalError as exc:
            log.warning("incidents: database unavailable (%s); retrying in %.0f s", str(exc).strip()[:200], backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)
