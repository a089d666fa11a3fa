"""The evaluation loop: every ~2 s, what was stored since the watermark, each enabled rule, raise/clear decisions.

``cycle`` is one pass in the caller's connection (the ingester's leader-only maintenance thread can call it);
``run`` is the loop behind ``ioc alarms run``. Per-(rule, entity) state lives in ``alarm_rule_state``, so a restart
resumes exactly where it was: a firing alarm is neither forgotten nor raised again.

The cost is kept to what changed (bench/bench_alarm_eval.py): the new readings are read once per raw table for
every rule (``fresh``), an entity that is ok and whose value does not meet the raise condition costs one comparison,
and the device snapshots return only devices in trouble or already followed.
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
from pipelines.alarms.evaluate import OK, Decision, State, step
from pipelines.alarms.fresh import RAW_KIND, Batch, Fresh
from pipelines.alarms.policy import Silence
from pipelines.alarms.rules import Rule
from pipelines.alarms.sources import SYSTEM, Obs, health, observe, table_of

log = logging.getLogger(__name__)
LOCK_ID = 0x10C_A1A7          # one evaluator at a time across processes
# received_at is stamped by the ingester when a message arrives, before its batch commits: rows stamped before a cycle
# but committed after it are read by the next one (re-reading a newest value is harmless: evaluation is idempotent)
OVERLAP = timedelta(seconds=30)
FIRST_LOOK = timedelta(minutes=10)
DEVICE_KINDS = ("missing_data", "device_offline")
READING_KINDS = ("threshold", "rate_of_change")
# kinds whose source changes slowly and costs much to read: judged at most this often by one evaluator
# (VN_AQI: NowCast of twelve hourly rollups per station, which the rollups refresh about once a minute)
CADENCE = {"vn_aqi": timedelta(seconds=60)}


@dataclass
class CycleStats:
    rules: int = 0
    raised: int = 0
    resolved: int = 0
    renotified: int = 0
    closed: int = 0
    skipped: list[str] = field(default_factory=list)   # rules held back while the whole pipeline is stale
    failed: list[str] = field(default_factory=list)    # rules whose evaluation raised (logged with the rule id)


@dataclass
class Memory:
    """What one evaluator keeps between its cycles while it holds the lock: the readings it judged and the rules
    as parsed (validated again only when ``alarm_rules`` changed)."""

    fresh: Fresh = field(default_factory=Fresh)
    rules_version: str | None = None
    rules: list[Rule] = field(default_factory=list)
    judged_at: dict[str, datetime] = field(default_factory=dict)   # rules of a slow kind: their last evaluation

    def due(self, rule: Rule, now: datetime) -> bool:
        every, last = CADENCE.get(rule.kind), self.judged_at.get(rule.id)
        if every is None or last is None or now - last >= every or now < last:
            self.judged_at[rule.id] = now
            return True
        return False

    def current_rules(self, conn: psycopg.Connection) -> list[Rule]:
        row = conn.execute("""SELECT coalesce(md5(string_agg(id || enabled::text || updated_at::text, ',' ORDER BY id)),
                                              '') FROM alarm_rules""").fetchone()
        version = row[0] if row else ""
        if version != self.rules_version:
            self.rules, self.rules_version = store.rules(conn), version
        return self.rules


def cycle(conn: psycopg.Connection, tz: ZoneInfo, stale_ingest_s: float, now: datetime | None = None,
          memory: Memory | None = None) -> CycleStats:
    """One evaluation pass; ``conn`` must be in autocommit mode (each rule that has something to write commits on
    its own). ``memory``: what earlier cycles of the same evaluator judged (none: each device's last two minutes)."""
    clock = now or _db_now(conn)
    since = store.watermark(conn, "raw", clock - FIRST_LOOK) - OVERLAP
    silences = store.silences(conn, clock)
    stale = pipeline_stale(conn, clock, stale_ingest_s)
    stats = CycleStats()
    memory = memory or Memory()
    rules = memory.current_rules(conn)
    metrics: dict[str, set[str]] = {}
    for rule in rules:
        if rule.kind in READING_KINDS:
            metrics.setdefault(table_of(str(rule.metric)), set()).add(str(rule.metric))
    batches = memory.fresh.read(conn, metrics, since, clock)
    states = store.all_states(conn)
    for rule in rules:
        if stale and rule.kind in DEVICE_KINDS:
            # one system alarm says the pipeline is down; a thousand device alarms would only bury it
            stats.skipped.append(rule.id)
            continue
        if not memory.due(rule, clock):
            continue
        try:
            before = states.get(rule.id, {})
            changed, decisions = _plan(conn, rule, batches, clock, before, tz)
            raised = resolved = 0
            if changed or decisions:           # nothing to write: no transaction at all
                with conn.transaction():
                    raised, resolved = _apply(conn, rule, changed, decisions, clock, silences, tz)
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
    memory.fresh.done()
    return stats


def pipeline_stale(conn: psycopg.Connection, now: datetime, stale_ingest_s: float) -> bool:
    """No ingester has committed for ``stale_ingest_s`` (or none ever ran): device silence says nothing then."""
    age = health(conn, "seconds_since_commit", 0, now)
    return age is None or age > stale_ingest_s


def _readings(rule: Rule, batches: dict[str, Batch], before: dict[str, State]) -> dict[str, Obs]:
    """A threshold rule's entities worth a step: those it follows, and those whose new value meets the raise."""
    metric = str(rule.metric)
    table = table_of(metric)
    batch = batches.get(table)
    if batch is None or (rule.scope.kinds and RAW_KIND[table] not in rule.scope.kinds):
        return {}
    holds = rule.trigger.holds
    items = {}
    for r in batch.admitted(rule.scope.devices, rule.scope.wards):
        value = r.values.get(metric)
        if value is not None and (r.device in before or holds(value)):   # ok and staying ok: nothing to do
            items[r.device] = Obs(r.device, value, r.device, r.ward, r.kind)
    return items


def _placed(conn: psycopg.Connection, items: dict[str, Obs]) -> dict[str, Obs]:
    """Observations carried over from the rule's state (no news this cycle) know only their entity: a device's
    gets its device, ward and kind back from the registry, so an alarm raised when its `for` runs out in a quiet
    cycle is still placed on the map (and can join an incident)."""
    bare = [e for e, o in items.items() if o.device is None and e != SYSTEM]
    if not bare:
        return items
    found = conn.execute("SELECT device_id, ward_code, kind FROM devices WHERE device_id = ANY(%s)", [bare]).fetchall()
    for device, ward, kind in found:
        obs = items[device]
        items[device] = Obs(obs.entity, obs.value, device, ward, kind)
    return items


def _plan(conn: psycopg.Connection, rule: Rule, batches: dict[str, Batch], now: datetime,
          before: dict[str, State], tz: ZoneInfo) -> tuple[dict[str, State], list[tuple[Decision, Obs]]]:
    """The rule's new states and decisions (reads only)."""
    if rule.kind == "threshold":
        items, complete = _readings(rule, batches, before), False
    else:
        news = batches.get(table_of(str(rule.metric))) if rule.kind == "rate_of_change" else None
        fresh = [r.device for r in news.admitted(rule.scope.devices, rule.scope.wards)] if news else []
        observed = observe(conn, rule, now, list(before), fresh, tz)
        # a system measure (ingest health) applied its scope in the query; the rest is a device's or a report's
        items = {o.entity: o for o in observed.items
                 if o.entity == SYSTEM or rule.scope.admits(o.kind, o.ward, o.device)}
        complete = observed.complete
    for entity, state in before.items():
        if entity not in items and complete:
            items[entity] = Obs(entity, 0.0)           # absent from a snapshot: the condition no longer holds
        elif entity not in items and state.phase in ("pending", "clearing"):
            items[entity] = Obs(entity, state.value)   # no news: the last value stands while `for` runs out
    items = _placed(conn, items)
    changed: dict[str, State] = {}
    decisions: list[tuple[Decision, Obs]] = []
    for entity, obs in items.items():
        was = before.get(entity, OK)
        result = step(rule, was, obs.value, now)
        if result.state != was:
            changed[entity] = result.state
        if result.decision is not None:
            decisions.append((result.decision, obs))
    return changed, decisions


def _apply(conn: psycopg.Connection, rule: Rule, changed: dict[str, State], decisions: list[tuple[Decision, Obs]],
           now: datetime, silences: list[Silence], tz: ZoneInfo) -> tuple[int, int]:
    seen: dict[str, float | None] = {}
    raised = resolved = 0
    for decision, obs in decisions:
        if decision == "raise":
            lifecycle.raise_alarm(conn, rule, obs, now, silences, tz)
            raised += 1
        elif decision == "clear":
            resolved += lifecycle.resolve(conn, rule, obs.entity, obs.value, now, silences, tz) is not None
        else:
            seen[obs.entity] = obs.value
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
                memory = Memory()        # what this evaluator judged; forgotten with the lock
                while not stop.is_set():
                    started = time.monotonic()
                    stats = cycle(conn, tz, stale_ingest_s, memory=memory)
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
