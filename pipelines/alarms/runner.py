"""The evaluation loop: every ~2 s, what was stored since the watermark, each enabled rule, raise/clear decisions.

``cycle`` is one pass in the caller's connection (the ingester's leader-only maintenance thread can call it);
``run`` is the loop behind ``ioc alarms run``. Per-(rule, entity) state lives in ``alarm_rule_state``, so a restart
resumes exactly where it was: a firing alarm is neither forgotten nor raised again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from pipelines.alarms import lifecycle, store
from pipelines.alarms.evaluate import OK, State, step
from pipelines.alarms.policy import Silence
from pipelines.alarms.rules import Rule
from pipelines.alarms.sources import SYSTEM, Obs, health, observe

log = logging.getLogger(__name__)
LOCK_ID = 0x10C_A1A7          # one evaluator at a time across processes
# received_at is stamped by the ingester when a message arrives, before its batch commits: rows stamped before a cycle
# but committed after it are read by the next one (re-reading a newest value is harmless: evaluation is idempotent)
OVERLAP = timedelta(seconds=30)
FIRST_LOOK = timedelta(minutes=10)
DEVICE_KINDS = ("missing_data", "device_offline")


@dataclass
class CycleStats:
    rules: int = 0
    raised: int = 0
    resolved: int = 0
    renotified: int = 0
    closed: int = 0
    skipped: list[str] = field(default_factory=list)   # rules held back while the whole pipeline is stale
    failed: list[str] = field(default_factory=list)    # rules whose evaluation raised (logged with the rule id)


def cycle(conn: psycopg.Connection, tz: ZoneInfo, stale_ingest_s: float, now: datetime | None = None) -> CycleStats:
    """One evaluation pass; ``conn`` must be in autocommit mode (each rule commits on its own)."""
    clock = now or _db_now(conn)
    since = store.watermark(conn, "raw", clock - FIRST_LOOK) - OVERLAP
    silences = store.silences(conn, clock)
    stale = pipeline_stale(conn, clock, stale_ingest_s)
    stats = CycleStats()
    rules = store.rules(conn)
    for rule in rules:
        if stale and rule.kind in DEVICE_KINDS:
            # one system alarm says the pipeline is down; a thousand device alarms would only bury it
            stats.skipped.append(rule.id)
            continue
        try:
            with conn.transaction():
                raised, resolved = _evaluate(conn, rule, since, clock, silences, tz)
        except psycopg.OperationalError:
            raise                       # the connection is gone: the loop reconnects
        except Exception:               # one broken rule must not blind the others: rolled back, logged, next
            log.exception("alarm rule %r failed this cycle", rule.id)
            stats.failed.append(rule.id)
            continue
        stats.rules, stats.raised, stats.resolved = stats.rules + 1, stats.raised + raised, stats.resolved + resolved
    with conn.transaction():
        stats.renotified = lifecycle.renotify(conn, {r.id: r for r in rules}, clock, silences, tz)
        stats.closed = lifecycle.close_quiet(conn, clock)
        store.set_watermark(conn, "raw", clock)
    return stats


def pipeline_stale(conn: psycopg.Connection, now: datetime, stale_ingest_s: float) -> bool:
    """No ingester has committed for ``stale_ingest_s`` (or none ever ran): device silence says nothing then."""
    age = health(conn, "seconds_since_commit", 0, now)
    return age is None or age > stale_ingest_s


def _evaluate(conn: psycopg.Connection, rule: Rule, since: datetime, now: datetime, silences: list[Silence],
              tz: ZoneInfo) -> tuple[int, int]:
    observed = observe(conn, rule, since, now)
    before = store.states(conn, rule.id)
    # a system measure (ingest health) applied its scope in the query; everything else is a device's or a report's
    items = {o.entity: o for o in observed.items if o.entity == SYSTEM or rule.scope.admits(o.kind, o.ward, o.device)}
    for entity, state in before.items():
        if entity not in items and observed.complete:
            items[entity] = Obs(entity, 0.0)           # absent from a snapshot: the condition no longer holds
        elif entity not in items and state.phase in ("pending", "clearing"):
            items[entity] = Obs(entity, state.value)   # no news: the last value stands while `for` runs out
    changed: dict[str, State] = {}
    seen: dict[str, float | None] = {}
    raised = resolved = 0
    for entity, obs in items.items():
        was = before.get(entity, OK)
        result = step(rule, was, obs.value, now)
        if result.state != was:
            changed[entity] = result.state
        if result.decision == "raise":
            lifecycle.raise_alarm(conn, rule, obs, now, silences, tz)
            raised += 1
        elif result.decision == "clear":
            resolved += lifecycle.resolve(conn, rule, entity, obs.value, now, silences, tz) is not None
        elif result.decision == "hold":
            seen[entity] = obs.value
    lifecycle.hold(conn, rule.id, seen, now)
    store.save_states(conn, rule.id, changed)
    return raised, resolved


def _db_now(conn: psycopg.Connection) -> datetime:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def run(database_url: str, tz: ZoneInfo, stale_ingest_s: float, stop: threading.Event,
        interval: float = 2.0) -> None:
    """Until ``stop``: take the evaluator lock, run a cycle every ``interval`` s; reconnect after a database
    failure with back-off (transient), and log a broken rule without stopping the others' next cycle."""
    backoff = 1.0
    while not stop.is_set():
        try:
            with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                _hold_lock(conn, stop)
                backoff = 1.0
                while not stop.is_set():
                    started = time.monotonic()
                    stats = cycle(conn, tz, stale_ingest_s)
                    if stats.raised or stats.resolved:
                        log.info("alarms: %d raised, %d resolved", stats.raised, stats.resolved)
                    stop.wait(max(0.0, interval - (time.monotonic() - started)))
        except psycopg.OperationalError as exc:
            log.warning("alarms: database unavailable (%s); retrying in %.0f s", str(exc).strip()[:200], backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)


def _hold_lock(conn: psycopg.Connection, stop: threading.Event) -> None:
    while not stop.is_set():
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID]).fetchone()
        if row and row[0]:
            return
        stop.wait(2.0)   # another evaluator runs; stand by and take over if it goes away
