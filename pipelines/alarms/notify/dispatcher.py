"""The notifier's loop: outbox → groups → deliveries → channels, with back-off, plus escalation.

One cycle (1) folds due groups of pending ``alarm_events`` into one rendered message per group and route target
(``alarm_deliveries``) and marks the events handed over, (2) queues escalations of critical alarms nobody
acknowledged, (3) tries every due delivery: sent, retried with exponential back-off after a transient failure, or
failed (permanent, or out of attempts). Steps 1–2 commit before any network call, so a crash never loses an event
and never sends a message twice from the same rows; a delivery row is updated right after its own attempt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from pipelines.alarms.notify import escalation, grouping, outbox, templates
from pipelines.alarms.notify.channels import Channel, DeliveryError
from pipelines.alarms.notify.routes import Routes, Target

log = logging.getLogger(__name__)
LOCK_ID = 0x10C_A1A8          # one notifier at a time across processes (the evaluator holds ...A7)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def backoff(attempt: int) -> timedelta:
    """Wait before try ``attempt + 1``: 30 s, 1 min, 2 min, … capped at an hour."""
    return min(FIRST_RETRY * 2 ** max(attempt - 1, 0), LONGEST_RETRY)


@dataclass
class NotifyStats:
    groups: int = 0
    queued: int = 0
    unrouted: int = 0
    escalated: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class Dispatcher:
    def __init__(self, routes: Routes, channels: Mapping[str, Channel], tz: ZoneInfo) -> None:
        self.routes, self.channels, self.tz = routes, channels, tz

    def cycle(self, conn: psycopg.Connection, now: datetime | None = None) -> NotifyStats:
        """One pass; ``conn`` in autocommit mode. ``now`` lets a benchmark drive simulated time."""
        clock = now or _db_now(conn)
        stats = NotifyStats()
        with conn.transaction():
            self._group(conn, clock, stats)
        with conn.transaction():
            self._escalate(conn, clock, stats)
        self._deliver(conn, clock, stats)
        return stats

    def _group(self, conn: psycopg.Connection, now: datetime, stats: NotifyStats) -> None:
        wait, repeat = timedelta(seconds=self.routes.group_wait), timedelta(seconds=self.routes.repeat_interval)
        for group in grouping.ready(outbox.pending(conn), outbox.last_sent(conn), now, wait, repeat):
            targets = [t for r in self.routes.matching(group.owner, group.severity, group.rule, group.ward)
                       for t in r.notify]
            ids = [e.id for e in group.events]
            if targets:
                message = templates.group_message(group, self.tz, now)
                stats.queued += outbox.queue(conn, group.key, ids, group.alarm_ids, 0, targets, message, now)
                stats.groups += 1
            else:
                stats.unrouted += 1
                log.info("alarm group %s: no route matches; %d events recorded, nobody told", group.key, len(ids))
            outbox.handed_over(conn, ids, group.key if targets else None, now)

    def _escalate(self, conn: psycopg.Connection, now: datetime, stats: NotifyStats) -> None:
        if not any(r.escalate for r in self.routes.routes):
            return
        done = outbox.escalated(conn)
        for alarm in outbox.unacknowledged(conn, ("critical",)):
            tiers: dict[int, list[Target]] = {}
            for route in self.routes.matching(alarm.owner, alarm.severity, alarm.rule, alarm.ward):
                for esc in escalation.due([alarm], route.delays, done, now):
                    tiers.setdefault(esc.tier, []).extend(route.escalate[esc.tier - 1].notify)
            for tier, targets in sorted(tiers.items()):
                message = templates.escalation_message(escalation.Escalation(alarm, tier), self.tz, now)
                stats.queued += outbox.queue(conn, f"escalation:{alarm.id}:{tier}", [], [alarm.id], tier, targets,
                                             message, now)
                outbox.record_escalation(conn, alarm.id, tier, now)
                stats.escalated += 1

    def _deliver(self, conn: psycopg.Connection, now: datetime, stats: NotifyStats) -> None:
        for d in outbox.due(conn, now):
            attempt = d.attempt + 1
            try:
                channel = self.channels.get(d.channel)
                if channel is None:
                    raise DeliveryError(f"{d.channel} is not configured (see IOC_ALARM_* settings)", transient=False)
                channel.send(d.target, d.message)
            except DeliveryError as exc:
                retry = exc.transient and attempt < MAX_ATTEMPTS
                status, after = ("retrying", now + backoff(attempt)) if retry else ("failed", None)
                log.warning("alarm delivery %d %s → %s: attempt %d %s: %s", d.id, d.channel, d.target, attempt,
                            status, exc)
                outbox.record(conn, d.id, status, attempt, str(exc), after, now)
                stats.retrying, stats.failed = stats.retrying + retry, stats.failed + (not retry)
                continue
            outbox.record(conn, d.id, "sent", attempt, None, None, now)
            stats.sent += 1


def _db_now(conn: psycopg.Connection) -> datetime:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def run(database_url: str, dispatcher: Dispatcher, stop: threading.Event, interval: float = 5.0) -> None:
    """Until ``stop``: hold the notifier lock and run a cycle every ``interval`` s; reconnect with back-off."""
    wait = 1.0
    while not stop.is_set():
        try:
            with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                while not stop.is_set() and not try_lock(conn):
                    stop.wait(2.0)      # another notifier runs; stand by and take over if it goes away
                wait = 1.0
                while not stop.is_set():
                    stats = dispatcher.cycle(conn)
                    if stats.queued or stats.sent or stats.failed:
                        log.info("alarm notify: %s", stats)
                    stop.wait(interval)
        except psycopg.OperationalError as exc:
            log.warning("alarm notify: database unavailable (%s); retrying in %.0f s", str(exc).strip()[:200], wait)
            stop.wait(wait)
            wait = min(wait * 2, 30.0)


def try_lock(conn: psycopg.Connection) -> bool:
    """The notifier's session lock: two notifiers would try the same due deliveries and send them twice."""
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID]).fetchone()
    return bool(row and row[0])
