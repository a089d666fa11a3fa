"""People's side of an alarm's life: acknowledge, assign, resolve and close by hand; and the listing.

Operators (and admins) handle alarms; viewers only see them. The actor is a user of ``ioc users``: the check is
made here, at the one place every front end (CLI now, pages later) goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from ioc.errors import IocError
from pipelines.alarms import store
from pipelines.alarms.lifecycle import event, transition
from pipelines.alarms.policy import Verdict
from pipelines.alarms.rules import RulesError

HANDLERS = ("operator", "admin")
STATES = ("open", "acknowledged", "resolved", "closed")
# action -> (states it may start from, state it leads to)
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": (("open",), "acknowledged"),
    "resolve": (("open", "acknowledged"), "resolved"),
    "close": (("open", "acknowledged", "resolved"), "closed"),
}


class AlarmActionError(IocError):
    """The alarm action is not allowed."""


def check_handler(conn: psycopg.Connection, actor: str) -> None:
    row = conn.execute("SELECT role FROM users WHERE username = %s AND disabled_at IS NULL", [actor]).fetchone()
    if row is None:
        raise AlarmActionError(f"{actor!r} is not an active user (see ioc users list)")
    if row[0] not in HANDLERS:
        raise AlarmActionError(f"{actor!r} is a {row[0]}: only operators and admins handle alarms")


def act(conn: psycopg.Connection, alarm_id: int, action: str, actor: str, note: str | None = None,
        now: datetime | None = None) -> str:
    """Move one alarm; returns its new state. Every move leaves an audit row and an outbox event."""
    allowed, target = MOVES[action]
    with conn.transaction():
        check_handler(conn, actor)
        row = conn.execute("SELECT state, severity, rule_id, entity, flapping FROM alarms WHERE id = %s FOR UPDATE",
                           [alarm_id]).fetchone()
        if row is None:
            raise AlarmActionError(f"alarm {alarm_id} does not exist")
        state, severity, rule_id, entity, flapping = row
        if state not in allowed:
            raise AlarmActionError(f"alarm {alarm_id} is {state}: it cannot be {target} (from {', '.join(allowed)})")
        at = now or datetime.now(UTC)
        conn.execute("""UPDATE alarms SET state = %(to)s,
                            resolved_at = CASE WHEN %(to)s = 'resolved' THEN %(at)s ELSE resolved_at END,
                            closed_at = CASE WHEN %(to)s = 'closed' THEN %(at)s ELSE closed_at END
                        WHERE id = %(id)s""", {"to": target, "at": at, "id": alarm_id})
        transition(conn, alarm_id, at, actor, action, state, target, note)
        if target in ("resolved", "closed"):
            # the evaluator starts this entity afresh: a condition that still holds raises again (after `for`)
            conn.execute("DELETE FROM alarm_rule_state WHERE rule_id = %s AND entity = %s", [rule_id, entity])
        # an acknowledgement or a hand resolution is news to the others on the alarm, never a page at night
        event(conn, alarm_id, at, target, severity, Verdict(False, "by_hand") if flapping else Verdict(True),
              {"rule": rule_id, "entity": entity, "actor": actor, "note": note})
    return target


def assign(conn: psycopg.Connection, alarm_id: int, assignee: str, actor: str, note: str | None = None) -> None:
    with conn.transaction():
        check_handler(conn, actor)
        row = conn.execute("SELECT state FROM alarms WHERE id = %s FOR UPDATE", [alarm_id]).fetchone()
        if row is None or row[0] == "closed":
            raise AlarmActionError(f"alarm {alarm_id} does not exist or is closed")
        conn.execute("UPDATE alarms SET assignee = %s WHERE id = %s", [assignee, alarm_id])
        transition(conn, alarm_id, datetime.now(UTC), actor, "assigned", row[0], row[0],
                   f"→ {assignee}" + (f": {note}" if note else ""))


def silence(conn: psycopg.Connection, alarm_id: int, actor: str, reason: str, hours: float,
            now: datetime | None = None) -> int:
    """Silence this alarm's rule on its entity for ``hours`` (the /alarms page's "silence"); returns the silence.
    Same rules as ``ioc alarms silence`` (a reason, a creator, an expiry), and the alarm's history says who did it."""
    if not 0 < hours <= 24 * 7:
        raise AlarmActionError("a silence from an alarm lasts more than 0 and at most 168 hours")
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        row = conn.execute("SELECT state, rule_id, entity FROM alarms WHERE id = %s FOR UPDATE", [alarm_id]).fetchone()
        if row is None or row[0] in ("resolved", "closed"):
            raise AlarmActionError(f"alarm {alarm_id} does not exist or is no longer live")
        state, rule_id, entity = row
        try:
            sid = store.add_silence(conn, matcher={"rule": rule_id, "entity": entity}, reason=reason,
                                    created_by=actor, expires_at=at + timedelta(hours=hours), starts_at=at)
        except RulesError as exc:
            raise AlarmActionError(str(exc)) from None
        transition(conn, alarm_id, at, actor, "silenced", state, state,
                   f"#{sid} {hours:g} h: {reason.strip()}")
    return sid


@dataclass(frozen=True)
class AlarmFilter:
    states: tuple[str, ...] = ("open", "acknowledged")
    severity: str | None = None
    rule: str | None = None
    ward: str | None = None


_COLUMNS = sql.SQL("""a.id, a.rule_id, r.name_vi, r.name_en, r.kind, a.entity, a.device_id, a.ward_code,
    a.severity, a.owner, a.state, a.assignee, a.value, a.count, a.flapping, a.raised_at, a.last_raised_at,
    a.last_seen_at, a.resolved_at, a.closed_at""")


def one(conn: psycopg.Connection, alarm_id: int) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql.SQL("SELECT {} FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id WHERE a.id = %s")
                           .format(_COLUMNS), [alarm_id]).fetchone()


def listing(conn: psycopg.Connection, where: AlarmFilter, offset: int = 0, limit: int = 100
            ) -> tuple[int, list[dict[str, Any]]]:
    """Alarms, most severe and newest first, with the rule's names for people."""
    params = {"states": list(where.states), "sev": where.severity, "rule": where.rule, "ward": where.ward,
              "offset": offset, "limit": limit}
    cond = sql.SQL("""a.state = ANY(%(states)s) AND (%(sev)s::text IS NULL OR a.severity = %(sev)s)
                      AND (%(rule)s::text IS NULL OR a.rule_id = %(rule)s)
                      AND (%(ward)s::text IS NULL OR a.ward_code = %(ward)s)""")
    with conn.cursor(row_factory=dict_row) as cur:
        total = cur.execute(sql.SQL("SELECT count(*) AS n FROM alarms a WHERE {}").format(cond), params).fetchone()
        rows = cur.execute(sql.SQL("""
            SELECT {columns} FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id WHERE {cond}
            ORDER BY array_position(ARRAY['critical', 'major', 'minor', 'warning'], a.severity),
                     a.last_raised_at DESC, a.id DESC
            OFFSET %(offset)s LIMIT %(limit)s""").format(cond=cond, columns=_COLUMNS), params).fetchall()
    return (int(total["n"]) if total else 0), rows


def history(conn: psycopg.Connection, alarm_id: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""SELECT at, actor, action, from_state, to_state, note FROM alarm_transitions
                              WHERE alarm_id = %s ORDER BY at, id""", [alarm_id]).fetchall()
