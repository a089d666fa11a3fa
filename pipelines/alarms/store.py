"""The database side of rules, evaluation state, watermarks and silences."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pipelines.alarms.evaluate import State
from pipelines.alarms.policy import MATCH_KEYS, Silence, parse_window
from pipelines.alarms.rules import Rule, RulesError

log = logging.getLogger(__name__)


def save_rules(conn: psycopg.Connection, rules: Sequence[Rule], source: str, prune: bool = False) -> dict[str, int]:
    """Upsert the rules; with ``prune``, rules missing from the file are disabled (their alarms keep history)."""
    with conn.transaction():
        for rule in rules:
            conn.execute("""
                INSERT INTO alarm_rules (id, kind, severity, name_vi, name_en, owner, enabled, definition, source)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, severity = excluded.severity,
                    name_vi = excluded.name_vi, name_en = excluded.name_en, owner = excluded.owner,
                    enabled = excluded.enabled, definition = excluded.definition, source = excluded.source,
                    updated_at = now()""",
                         [rule.id, rule.kind, rule.severity, rule.name.vi, rule.name.en, rule.owner, rule.enabled,
                          Jsonb(rule.as_json()), source])
        disabled = 0
        if prune:
            disabled = conn.execute("UPDATE alarm_rules SET enabled = false, updated_at = now() "
                                    "WHERE enabled AND NOT id = ANY(%s)", [[r.id for r in rules]]).rowcount
    return {"loaded": len(rules), "disabled": disabled}


def rules(conn: psycopg.Connection, enabled_only: bool = True) -> list[Rule]:
    rows = conn.execute("SELECT id, definition FROM alarm_rules WHERE enabled OR NOT %s ORDER BY id",
                        [enabled_only]).fetchall()
    out = []
    for rule_id, definition in rows:
        try:
            out.append(Rule.model_validate(definition))
        except ValueError as exc:  # a hand-edited row: say which, never stop every other rule
            log.error("alarm rule %r skipped: its row in alarm_rules no longer validates: %s", rule_id,
                      str(exc).replace("\n", "; ")[:500])
    return out


def states(conn: psycopg.Connection, rule_id: str) -> dict[str, State]:
    rows = conn.execute("SELECT entity, phase, since, value FROM alarm_rule_state WHERE rule_id = %s", [rule_id])
    return {e: State(p, s, v) for e, p, s, v in rows}


def all_states(conn: psycopg.Connection) -> dict[str, dict[str, State]]:
    """Every rule's entities that are not ok (the table holds nothing else): one read per cycle."""
    out: dict[str, dict[str, State]] = {}
    for rule_id, e, p, s, v in conn.execute("SELECT rule_id, entity, phase, since, value FROM alarm_rule_state"):
        out.setdefault(rule_id, {})[e] = State(p, s, v)
    return out


def save_states(conn: psycopg.Connection, rule_id: str, changed: Mapping[str, State]) -> None:
    gone = [e for e, s in changed.items() if s.phase == "ok"]
    kept = [(e, s) for e, s in changed.items() if s.phase != "ok"]
    if gone:
        conn.execute("DELETE FROM alarm_rule_state WHERE rule_id = %s AND entity = ANY(%s)", [rule_id, gone])
    if kept:
        conn.execute("""
            INSERT INTO alarm_rule_state (rule_id, entity, phase, since, value)
            SELECT %s, * FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::float8[])
            ON CONFLICT (rule_id, entity) DO UPDATE SET phase = excluded.phase, since = excluded.since,
                value = excluded.value, updated_at = now()""",
                     [rule_id, [e for e, _ in kept], [s.phase for _, s in kept], [s.since for _, s in kept],
                      [s.value for _, s in kept]])


def watermark(conn: psycopg.Connection, source: str, default: datetime) -> datetime:
    row = conn.execute("SELECT watermark FROM alarm_watermarks WHERE source = %s", [source]).fetchone()
    return row[0] if row else default


def set_watermark(conn: psycopg.Connection, source: str, value: datetime) -> None:
    conn.execute("""INSERT INTO alarm_watermarks (source, watermark) VALUES (%s, %s)
                    ON CONFLICT (source) DO UPDATE SET watermark = excluded.watermark, updated_at = now()""",
                 [source, value])


def add_silence(conn: psycopg.Connection, *, matcher: Mapping[str, Any], reason: str, created_by: str,
                expires_at: datetime, starts_at: datetime, windows: Iterable[str] = (),
                weekdays: Iterable[int] = ()) -> int:
    """A silence; every field is mandatory and checked here with a reason a person can act on."""
    unknown = sorted(set(matcher) - set(MATCH_KEYS))
    if not matcher or unknown:
        raise RulesError(f"matcher: use one or more of {', '.join(MATCH_KEYS)}" +
                         (f"; unknown: {', '.join(unknown)}" if unknown else ""))
    if len(reason.strip()) < 3 or not created_by.strip():
        raise RulesError("a silence needs a reason (3 characters or more) and its creator")
    if expires_at <= starts_at:
        raise RulesError("expires: the silence must end after it starts")
    spans, days = list(windows), sorted(set(weekdays))
    try:
        for w in spans:
            parse_window(w)
    except ValueError as exc:
        raise RulesError(f"window: {exc}") from None
    if any(d < 1 or d > 7 for d in days):
        raise RulesError("weekday: 1 (Monday) … 7 (Sunday)")
    if days and not spans:
        raise RulesError("weekday: only a recurring silence (with --window) has weekdays")
    row = conn.execute("""
        INSERT INTO alarm_silences (matcher, reason, created_by, starts_at, expires_at, windows, weekdays)
        VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id""",
                       [Jsonb(dict(matcher)), reason.strip(), created_by, starts_at, expires_at,
                        Jsonb([{"start": w.split("-")[0].strip(), "end": w.split("-")[1].strip()} for w in spans])
                        if spans else None, days or None]).fetchone()
    assert row is not None
    return int(row[0])


def silences(conn: psycopg.Connection, now: datetime) -> list[Silence]:
    rows = conn.execute("""SELECT id, matcher, starts_at, expires_at, windows, weekdays FROM alarm_silences
                           WHERE revoked_at IS NULL AND expires_at > %s ORDER BY id""", [now]).fetchall()
    return [Silence(sid, matcher, start, end,
                    tuple(parse_window(f"{w['start']}-{w['end']}") for w in windows or ()),
                    frozenset(days or ())) for sid, matcher, start, end, windows, days in rows]


def silence_rows(conn: psycopg.Connection) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""SELECT id, matcher, windows, weekdays, starts_at, expires_at, created_by, reason
                              FROM alarm_silences WHERE revoked_at IS NULL AND expires_at > now()
                              ORDER BY expires_at""").fetchall()


def revoke_silence(conn: psycopg.Connection, silence_id: int, actor: str) -> None:
    """Ended, not deleted: who silenced what, and who ended it, stays on record."""
    done = conn.execute("""UPDATE alarm_silences SET revoked_at = now(), reason = reason || ' [ended by ' || %s || ']'
                           WHERE id = %s AND revoked_at IS NULL""", [actor, silence_id]).rowcount
    if not done:
        raise RulesError(f"silence {silence_id} does not exist or has already ended")
