"""People's side of an incident: confirm, dismiss, merge, attach by hand, work the playbook, resolve, answer.

Every action names the incident's ``version`` it was decided on (what the operator saw); a change made since by
someone else refuses it with the reason, rather than one operator silently undoing another's work. Each action is
one transaction under the incident's row lock, bumps the version and writes the timeline. Operators and admins act;
viewers only see (the same rule as alarms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ioc.errors import IocError
from pipelines.incidents import store
from pipelines.incidents.types import incident_types, playbook

HANDLERS = ("operator", "admin")
STATUSES = ("suggested", "confirmed", "resolved", "dismissed", "merged")


class IncidentActionError(IocError):
    """The incident action is not allowed."""


class IncidentConflict(IncidentActionError):
    """The incident changed since it was looked at."""


@dataclass(frozen=True)
class Locked:
    id: int
    type: str
    status: str
    version: int
    owner: str


def check_handler(conn: psycopg.Connection, actor: str) -> None:
    row = conn.execute("SELECT role FROM users WHERE username = %s AND disabled_at IS NULL", [actor]).fetchone()
    if row is None:
        raise IncidentActionError(f"{actor!r} is not an active user (see ioc users list)")
    if row[0] not in HANDLERS:
        raise IncidentActionError(f"{actor!r} is a {row[0]}: only operators and admins handle incidents")


def lock(conn: psycopg.Connection, incident_id: int, version: int | None, states: Sequence[str]) -> Locked:
    row = conn.execute("SELECT id, type, status, version, owner FROM incidents WHERE id = %s FOR UPDATE",
                       [incident_id]).fetchone()
    if row is None:
        raise IncidentActionError(f"incident {incident_id} does not exist")
    found = Locked(*row)
    if version is not None and version != found.version:
        raise IncidentConflict(f"incident {incident_id} was changed by someone else (version {version} → "
                               f"{found.version}); look again before you act")
    if found.status not in states:
        raise IncidentActionError(f"incident {incident_id} is {found.status}; this needs it {' or '.join(states)}")
    return found


def _bump(conn: psycopg.Connection, incident_id: int, sets: str = "", params: Sequence[Any] = ()) -> None:
    """Every change bumps the version; ``sets`` is one of this module's fixed SET clauses, values bound."""
    conn.execute(sql.SQL("UPDATE incidents SET version = version + 1, updated_at = now(){} WHERE id = %s")
                 .format(sql.SQL(sets)), [*params, incident_id])


def confirm(conn: psycopg.Connection, incident_id: int, actor: str, version: int | None = None,
            note: str | None = None, now: datetime | None = None) -> int:
    """Suggested → confirmed: the type's playbook is copied onto it, each step due counted from now."""
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        inc = lock(conn, incident_id, version, ("suggested",))
        for pos, step in enumerate(playbook(inc.type), start=1):
            conn.execute("""INSERT INTO incident_steps (incident_id, position, title_vi, title_en, department,
                                                        due_at, checklist) VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                         [incident_id, pos, step.title.vi, step.title.en, step.department,
                          at + timedelta(seconds=step.within),
                          Jsonb([{"vi": c.vi, "en": c.en, "done": False} for c in step.checklist])])
        _bump(conn, incident_id, ", status = 'confirmed', confirmed_at = %s, confirmed_by = %s", [at, actor])
        store.timeline(conn, incident_id, at, actor, "confirmed", note)
    return inc.version + 1


def dismiss(conn: psycopg.Connection, incident_id: int, actor: str, note: str, version: int | None = None,
            now: datetime | None = None) -> int:
    """A suggestion that is not an incident. Its evidence stays with it, so it is not suggested again."""
    if len(note.strip()) < 3:
        raise IncidentActionError("dismiss needs a note saying why (3 characters or more)")
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        inc = lock(conn, incident_id, version, ("suggested",))
        _bump(conn, incident_id, ", status = 'dismissed', resolved_at = %s", [at])
        store.timeline(conn, incident_id, at, actor, "dismissed", note.strip())
    return inc.version + 1


def merge(conn: psycopg.Connection, incident_id: int, into: int, actor: str, version: int | None = None,
          now: datetime | None = None) -> int:
    """Move every piece of evidence of ``incident_id`` into ``into`` (one event, one incident); the first is kept
    as ``merged`` with a pointer, its open steps dropped (the surviving incident's playbook rules)."""
    if incident_id == into:
        raise IncidentActionError("an incident cannot be merged into itself")
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        first, second = sorted((incident_id, into))   # one lock order: two opposite merges cannot deadlock
        got = {first: lock(conn, first, version if first == incident_id else None, store.LIVE),
               second: lock(conn, second, version if second == incident_id else None, store.LIVE)}
        moved = conn.execute("UPDATE incident_items SET incident_id = %s WHERE incident_id = %s",
                             [into, incident_id]).rowcount
        conn.execute("DELETE FROM incident_steps WHERE incident_id = %s AND done_at IS NULL", [incident_id])
        _bump(conn, incident_id, ", status = 'merged', merged_into = %s, resolved_at = %s", [into, at])
        _bump(conn, into)
        store.reshape(conn, into)
        store.timeline(conn, incident_id, at, actor, "merged", f"→ #{into}", {"into": into, "items": moved})
        store.timeline(conn, into, at, actor, "merged_in", f"← #{incident_id} ({moved})",
                       {"from": incident_id, "items": moved})
    return got[incident_id].version + 1


def step(conn: psycopg.Connection, incident_id: int, position: int, actor: str, *, check: Sequence[int] = (),
         done: bool = False, note: str | None = None, version: int | None = None,
         now: datetime | None = None) -> str:
    """Tick checklist items (1-based) of a step and/or finish it; steps finish in order, and finishing the last
    resolves the incident. Returns the incident's status after."""
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        lock(conn, incident_id, version, ("confirmed",))
        rows = conn.execute("""SELECT position, checklist, done_at FROM incident_steps WHERE incident_id = %s
                               ORDER BY position""", [incident_id]).fetchall()
        found = next((r for r in rows if r[0] == position), None)
        if found is None:
            raise IncidentActionError(f"incident {incident_id} has no step {position} (1–{len(rows)})")
        _, checklist, done_at = found
        if done_at is not None:
            raise IncidentActionError(f"step {position} was already done")
        bad = [c for c in check if not 1 <= c <= len(checklist)]
        if bad:
            raise IncidentActionError(f"step {position} has checklist items 1–{len(checklist)}, not {bad[0]}")
        if done and any(r[2] is None for r in rows if r[0] < position):
            raise IncidentActionError(f"finish the steps before step {position} first")
        for c in check:
            checklist[c - 1]["done"] = True
        conn.execute("""UPDATE incident_steps SET checklist = %s, done_at = CASE WHEN %s THEN %s END,
                            done_by = CASE WHEN %s THEN %s END WHERE incident_id = %s AND position = %s""",
                     [Jsonb(checklist), done, at, done, actor, incident_id, position])
        _bump(conn, incident_id)
        store.timeline(conn, incident_id, at, actor, "step_done" if done else "step_checked", note,
                       {"step": position, "checked": list(check)})
        if done and all(r[2] is not None for r in rows if r[0] != position):
            _bump(conn, incident_id, ", status = 'resolved', resolved_at = %s", [at])
            store.timeline(conn, incident_id, at, actor, "resolved", None, {"by": "playbook"})
            return "resolved"
    return "confirmed"


def resolve(conn: psycopg.Connection, incident_id: int, actor: str, note: str, version: int | None = None,
            now: datetime | None = None) -> int:
    """Resolve by hand before the playbook is through (a false alarm found on site): a note says why."""
    if len(note.strip()) < 3:
        raise IncidentActionError("resolving by hand needs a note saying why (3 characters or more)")
    at = now or datetime.now(UTC)
    with conn.transaction():
        check_handler(conn, actor)
        inc = lock(conn, incident_id, version, ("confirmed",))
        _bump(conn, incident_id, ", status = 'resolved', resolved_at = %s", [at])
        store.timeline(conn, incident_id, at, actor, "resolved", note.strip())
    return inc.version + 1


def known_type(type_id: str) -> str:
    if type_id not in incident_types():
        raise IncidentActionError(f"unknown incident type {type_id!r}; one of {', '.join(incident_types())}")
    return type_id
