"""The database side of notifications: the pending outbox, group clocks, deliveries and escalations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pipelines.alarms.notify.channels import Message
from pipelines.alarms.notify.escalation import Unacked
from pipelines.alarms.notify.grouping import Event
from pipelines.alarms.notify.routes import Target

BATCH = 5000


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    channel: str
    target: str
    attempt: int
    message: Message


def pending(conn: psycopg.Connection) -> list[Event]:
    rows = conn.execute("""
        SELECT e.id, e.alarm_id, e.at, e.event, e.severity, a.rule_id, a.owner, a.entity, a.ward_code,
               coalesce(e.payload->>'name_vi', a.rule_id), coalesce(e.payload->>'name_en', a.rule_id),
               (e.payload->>'value')::float8
        FROM alarm_events e JOIN alarms a ON a.id = e.alarm_id
        WHERE e.notify AND e.delivered_at IS NULL ORDER BY e.id LIMIT %s""", [BATCH]).fetchall()
    return [Event(*row) for row in rows]


def last_sent(conn: psycopg.Connection) -> dict[str, datetime]:
    return dict(conn.execute("SELECT group_key, last_sent_at FROM alarm_notify_groups").fetchall())


def queue(conn: psycopg.Connection, key: str, event_ids: Sequence[int], alarm_ids: Sequence[int], tier: int,
          targets: Iterable[Target], message: Message, now: datetime) -> int:
    """One delivery row per (channel, target), due now; the events are handed over (``delivered_at``)."""
    distinct = list(dict.fromkeys((t.channel, t.to) for t in targets))
    with conn.cursor() as cur:
        cur.executemany("""
            INSERT INTO alarm_deliveries (group_key, event_ids, alarm_ids, tier, channel, target, severity, subject,
                                          body, data, created_at, next_try_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                        [(key, list(event_ids), list(alarm_ids), tier, channel, to, message.severity, message.subject,
                          message.body, Jsonb(dict(message.data)), now, now) for channel, to in distinct])
    return len(distinct)


def handed_over(conn: psycopg.Connection, event_ids: Sequence[int], key: str | None, now: datetime) -> None:
    conn.execute("UPDATE alarm_events SET delivered_at = %s WHERE id = ANY(%s)", [now, list(event_ids)])
    if key is not None:
        conn.execute("""INSERT INTO alarm_notify_groups (group_key, last_sent_at) VALUES (%s, %s)
                        ON CONFLICT (group_key) DO UPDATE SET last_sent_at = excluded.last_sent_at""", [key, now])


def unacknowledged(conn: psycopg.Connection, severities: Sequence[str]) -> list[Unacked]:
    """Open alarms already told to someone: a silenced or flapping alarm that nobody heard of is not escalated."""
    rows = conn.execute("""
        SELECT a.id, a.rule_id, a.owner, a.severity, a.entity, a.ward_code, r.name_vi, r.name_en, a.raised_at, a.value
        FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id
        WHERE a.state = 'open' AND a.severity = ANY(%s) AND a.last_notified_at IS NOT NULL AND NOT a.flapping""",
                        [list(severities)]).fetchall()
    return [Unacked(*row) for row in rows]


def escalated(conn: psycopg.Connection) -> set[tuple[int, int]]:
    rows = conn.execute("""SELECT e.alarm_id, e.tier FROM alarm_escalations e JOIN alarms a ON a.id = e.alarm_id
                           WHERE a.state = 'open'""").fetchall()
    return {(int(a), int(t)) for a, t in rows}


def record_escalation(conn: psycopg.Connection, alarm_id: int, tier: int, now: datetime) -> None:
    conn.execute("INSERT INTO alarm_escalations (alarm_id, tier, at) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                 [alarm_id, tier, now])


def due(conn: psycopg.Connection, now: datetime, limit: int = 100) -> list[Delivery]:
    rows = conn.execute("""
        SELECT id, channel, target, attempt, subject, body, severity, data FROM alarm_deliveries
        WHERE status IN ('pending', 'retrying') AND next_try_at <= %s ORDER BY next_try_at, id LIMIT %s""",
                        [now, limit]).fetchall()
    return [Delivery(i, c, t, a, Message(s, b, sev, d)) for i, c, t, a, s, b, sev, d in rows]


def record(conn: psycopg.Connection, delivery_id: int, status: str, attempt: int, error: str | None,
           next_try_at: datetime | None, now: datetime) -> None:
    conn.execute("""UPDATE alarm_deliveries SET status = %s, attempt = %s, error = left(%s, 2000), next_try_at = %s,
                        sent_at = CASE WHEN %s = 'sent' THEN %s END WHERE id = %s""",
                 [status, attempt, error, next_try_at, status, now, delivery_id])


def listing(conn: psycopg.Connection, status: str | None, limit: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""
            SELECT id, created_at, channel, target, tier, severity, subject, status, attempt, error, next_try_at,
                   sent_at, cardinality(event_ids) AS events
            FROM alarm_deliveries WHERE %s::text IS NULL OR status = %s ORDER BY id DESC LIMIT %s""",
                           [status, status, limit]).fetchall()
