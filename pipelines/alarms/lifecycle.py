"""The evaluator's side of an alarm's life: raise (or fold into the live one), hold, resolve, re-notify, close.

Each function writes the alarm, its audit row and its outbox event in the caller's transaction. The partial unique
index ``alarms_one_live`` is the last word on "one live alarm per (rule, entity)": a raise finds the live row and
folds into it (count, last_seen_at); a raise soon after a clear reopens the resolved row instead of adding one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from pipelines.alarms.policy import (
    FLAP_WINDOW,
    Labels,
    Silence,
    Verdict,
    is_flapping,
    on_other,
    on_raise,
    recent,
    renotify_due,
    silenced_by,
)
from pipelines.alarms.rules import Rule
from pipelines.alarms.sources import Obs

SYSTEM = "system"


def transition(conn: psycopg.Connection, alarm_id: int, at: datetime, actor: str, action: str,
               from_state: str | None, to_state: str, note: str | None = None) -> None:
    conn.execute("""INSERT INTO alarm_transitions (alarm_id, at, actor, action, from_state, to_state, note)
                    VALUES (%s, %s, %s, %s, %s, %s, %s)""", [alarm_id, at, actor, action, from_state, to_state, note])


def event(conn: psycopg.Connection, alarm_id: int, at: datetime, name: str, severity: str, verdict: Verdict,
          payload: Mapping[str, Any]) -> None:
    conn.execute("""INSERT INTO alarm_events (alarm_id, at, event, severity, notify, held_by, payload)
                    VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                 [alarm_id, at, name, severity, verdict.notify, verdict.held_by, Jsonb(dict(payload))])
    if verdict.notify:
        conn.execute("UPDATE alarms SET last_notified_at = %s WHERE id = %s", [at, alarm_id])


def _payload(rule: Rule, entity: str, value: float | None) -> dict[str, Any]:
    return {"rule": rule.id, "entity": entity, "name_vi": rule.name.vi, "name_en": rule.name.en, "value": value}


def raise_alarm(conn: psycopg.Connection, rule: Rule, obs: Obs, now: datetime, silences: Sequence[Silence],
                tz: ZoneInfo) -> int:
    labels = Labels(rule.id, obs.entity, rule.severity, rule.owner, obs.kind, obs.device, obs.ward)
    silence = silenced_by(silences, labels, now, tz)
    row = conn.execute("""SELECT id, state, raise_times, flapping, last_notified_at FROM alarms
                          WHERE rule_id = %s AND entity = %s AND state <> 'closed' FOR UPDATE""",
                       [rule.id, obs.entity]).fetchone()
    if row is None:
        return _open(conn, rule, obs, now, silence)
    alarm_id, state, times, was_flapping, notified = row
    raises = (*recent(times, now), now)
    flapping = is_flapping(raises)
    new_state = "open" if state == "resolved" else state
    conn.execute("""UPDATE alarms SET state = %s, count = count + 1, last_raised_at = %s, last_seen_at = %s,
                        value = %s, raise_times = %s, flapping = %s, resolved_at = NULL, severity = %s
                    WHERE id = %s""", [new_state, now, now, obs.value, list(raises), flapping, rule.severity, alarm_id])
    transition(conn, alarm_id, now, SYSTEM, "reopened" if state == "resolved" else "reraised", state, new_state)
    # Folded into what people were last told only if that was not "resolved": else they believe all is well.
    told = conn.execute("""SELECT event FROM alarm_events WHERE alarm_id = %s AND notify ORDER BY at DESC, id DESC
                           LIMIT 1""", [alarm_id]).fetchone()
    verdict = on_raise(silence=silence, was_flapping=was_flapping, flapping=flapping,
                       folded=told is None or told[0] != "resolved", last_notified_at=notified,
                       renotify_s=rule.renotify, now=now)
    name = "flapping" if flapping and not was_flapping else "reraised"
    event(conn, alarm_id, now, name, rule.severity, verdict, _payload(rule, obs.entity, obs.value) | {
        "raises_in_window": len(raises)})
    return int(alarm_id)


def _open(conn: psycopg.Connection, rule: Rule, obs: Obs, now: datetime, silence: int | None) -> int:
    row = conn.execute("""
        INSERT INTO alarms (rule_id, entity, device_id, device_kind, ward_code, severity, owner, value, raised_at,
                            last_raised_at, last_seen_at, raise_times)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
                       [rule.id, obs.entity, obs.device, obs.kind, obs.ward, rule.severity, rule.owner, obs.value,
                        now, now, now, [now]]).fetchone()
    assert row is not None
    alarm_id = int(row[0])
    transition(conn, alarm_id, now, SYSTEM, "raised", None, "open")
    verdict = on_raise(silence=silence, was_flapping=False, flapping=False, folded=False, last_notified_at=None,
                       renotify_s=rule.renotify, now=now)
    event(conn, alarm_id, now, "raised", rule.severity, verdict, _payload(rule, obs.entity, obs.value))
    return alarm_id


def hold(conn: psycopg.Connection, rule_id: str, seen: Mapping[str, float | None], now: datetime) -> None:
    """The raise condition still holds: newest value and last_seen_at, no event (the count is of raises)."""
    if seen:
        conn.execute("""UPDATE alarms a SET last_seen_at = %s, value = coalesce(u.v, a.value)
                        FROM unnest(%s::text[], %s::float8[]) AS u(e, v)
                        WHERE a.rule_id = %s AND a.entity = u.e AND a.state IN ('open', 'acknowledged')""",
                     [now, list(seen), list(seen.values()), rule_id])


def resolve(conn: psycopg.Connection, rule: Rule, entity: str, value: float | None, now: datetime,
            silences: Sequence[Silence], tz: ZoneInfo) -> int | None:
    row = conn.execute("""SELECT id, state, flapping, device_id, device_kind, ward_code FROM alarms
                          WHERE rule_id = %s AND entity = %s AND state IN ('open', 'acknowledged') FOR UPDATE""",
                       [rule.id, entity]).fetchone()
    if row is None:
        return None
    alarm_id, state, flapping, device, kind, ward = row
    conn.execute("UPDATE alarms SET state = 'resolved', resolved_at = %s, value = coalesce(%s, value) WHERE id = %s",
                 [now, value, alarm_id])
    transition(conn, alarm_id, now, SYSTEM, "resolved", state, "resolved", "the clear condition held")
    silence = silenced_by(silences, Labels(rule.id, entity, rule.severity, rule.owner, kind, device, ward), now, tz)
    event(conn, alarm_id, now, "resolved", rule.severity, on_other(silence=silence, flapping=flapping),
          _payload(rule, entity, value))
    return int(alarm_id)


def renotify(conn: psycopg.Connection, rules: Mapping[str, Rule], now: datetime, silences: Sequence[Silence],
             tz: ZoneInfo) -> int:
    """Open (unacknowledged) alarms whose last notification is older than their rule's interval: tell again,
    unless a silence or a flapping spell holds it back (then nothing is written: no storm of held events)."""
    rows = conn.execute("""
        SELECT a.id, a.rule_id, a.entity, a.device_id, a.device_kind, a.ward_code, a.value, a.flapping,
               a.last_notified_at
        FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id
        WHERE a.state = 'open' AND a.last_notified_at IS NOT NULL
          AND a.last_notified_at <= %s - make_interval(secs => (r.definition->>'renotify')::float8)
        FOR UPDATE OF a""", [now]).fetchall()
    sent = 0
    for alarm_id, rule_id, entity, device, kind, ward, value, flapping, notified in rows:
        rule = rules.get(rule_id)
        if rule is None or not renotify_due(notified, rule.renotify, now):
            continue
        labels = Labels(rule.id, entity, rule.severity, rule.owner, kind, device, ward)
        verdict = on_other(silence=silenced_by(silences, labels, now, tz), flapping=flapping)
        if verdict.notify:
            event(conn, alarm_id, now, "renotify", rule.severity, verdict, _payload(rule, entity, value))
            sent += 1
    return sent


def close_quiet(conn: psycopg.Connection, now: datetime) -> int:
    """Resolved alarms that stayed quiet for the flapping window are closed; flapping spells end the same way."""
    conn.execute("UPDATE alarms SET flapping = false WHERE flapping AND last_raised_at < %s", [now - FLAP_WINDOW])
    rows = conn.execute("""UPDATE alarms SET state = 'closed', closed_at = %s
                           WHERE state = 'resolved' AND resolved_at < %s RETURNING id""",
                        [now, now - FLAP_WINDOW]).fetchall()
    for (alarm_id,) in rows:
        transition(conn, alarm_id, now, SYSTEM, "closed", "resolved", "closed",
                   "quiet for the flapping window after it was resolved")
    return len(rows)
