"""Handling actions applied to the database: the pure workflow's decision, in one transaction under a row lock.

Two staff members pressing buttons on the same report at once are serialised by ``SELECT … FOR UPDATE``; the
second sees the first one's result and is refused with a reason if its action no longer applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from pipelines.reports import sla, store, workdays, workflow
from pipelines.reports.model import ReportNotFound, TransitionRefused


@dataclass(frozen=True)
class Outcome:
    report_id: int
    before: workflow.State
    after: workflow.State
    due_at: datetime | None


def apply_action(conn: psycopg.Connection, report_id: int, action: workflow.Action, actor: str, tz: ZoneInfo,
                 now: datetime) -> Outcome:
    """Apply ``action`` by ``actor`` at ``now``; :class:`TransitionRefused` says why when it is not allowed."""
    with conn.transaction():
        row = conn.execute("""SELECT status, paused_since, department, submitted_at, sla_days, extension_days, due_at,
                                     escalated_at
                              FROM reports WHERE id = %s FOR UPDATE""", [report_id]).fetchone()
        if row is None:
            raise ReportNotFound(f"report {report_id} does not exist")
        status, paused_since, dept, submitted, budget, extended, due, escalated_at = row
        before = workflow.State(status, paused_since is not None, dept, escalated_at is not None)
        decision = workflow.decide(before, action)
        if isinstance(decision, workflow.Refusal):
            raise TransitionRefused(f"report {report_id}: {decision.reason}")
        _check_department(conn, action)
        if decision.ends_pause and action.kind != "resume":
            _history(conn, report_id, now, actor, "resume", before.status, before.status,
                     f"the pause ends: {action.kind}", {})
        if decision.ends_escalation and action.kind != "deescalate":
            _history(conn, report_id, now, actor, "deescalate", before.status, before.status,
                     f"the escalation ends: {action.kind}", {})
        _history(conn, report_id, now, actor, action.kind, before.status, decision.after.status,
                 action.note or action.response or None, _detail(action))
        extension = float(extended) + decision.extension_days
        if decision.recompute_due:
            due = _due(conn, report_id, submitted, float(budget) + extension, tz)
        _update(conn, report_id, decision, now, extension, due)
    return Outcome(report_id, before, decision.after, due)


def _check_department(conn: psycopg.Connection, action: workflow.Action) -> None:
    if action.department is None:
        return
    if conn.execute("SELECT 1 FROM report_departments WHERE code = %s", [action.department]).fetchone() is None:
        raise TransitionRefused(f"unknown department {action.department!r}")


def _detail(action: workflow.Action) -> Jsonb:
    detail: dict[str, object] = {}
    if action.department:
        detail["department"] = action.department
    if action.days:
        detail["days"] = action.days
    if action.response:
        detail["response"] = action.response
    return Jsonb(detail)


def _history(conn: psycopg.Connection, report_id: int, at: datetime, actor: str, action: str, from_status: str,
             to_status: str, note: str | None, detail: Jsonb | dict[str, object]) -> None:
    conn.execute("""INSERT INTO report_history (report_id, at, actor, action, from_status, to_status, note, detail)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                 [report_id, at, actor, action, from_status, to_status, note,
                  detail if isinstance(detail, Jsonb) else Jsonb(detail)])


def pauses(conn: psycopg.Connection, report_id: int) -> list[sla.Pause]:
    events = conn.execute("""SELECT action, at FROM report_history WHERE report_id = %s
                             AND action IN ('pause', 'resume') ORDER BY at, id""", [report_id]).fetchall()
    return sla.pauses_from_history(events)


def _due(conn: psycopg.Connection, report_id: int, submitted: datetime, budget: float,
         tz: ZoneInfo) -> datetime | None:
    closed = [p for p in pauses(conn, report_id) if p.end is not None]
    cal = store.calendar(conn, workdays.years_around(submitted.astimezone(tz).date()))
    return sla.due_at(submitted, budget, cal, tz, closed)


def _update(conn: psycopg.Connection, report_id: int, d: workflow.Change, now: datetime, extension: float,
            due: datetime | None) -> None:
    conn.execute("""
        UPDATE reports SET status = %(status)s, department = %(dept)s, extension_days = %(ext)s, due_at = %(due)s,
               paused_since = CASE WHEN %(starts)s THEN %(now)s WHEN %(ends)s THEN NULL ELSE paused_since END,
               escalated_at = CASE WHEN %(escalates)s THEN %(now)s WHEN %(deescalates)s THEN NULL
                                   ELSE escalated_at END,
               resolved_at = CASE WHEN %(leaves)s THEN %(now)s ELSE resolved_at END,
               outcome = CASE WHEN %(leaves)s THEN %(status)s ELSE outcome END,
               closed_at = CASE WHEN %(closes)s THEN %(now)s ELSE closed_at END,
               public_response = coalesce(%(response)s, public_response), updated_at = %(now)s
        WHERE id = %(id)s""",
                 {"status": d.after.status, "dept": d.after.department, "ext": extension, "due": due,
                  "starts": d.starts_pause, "ends": d.ends_pause, "escalates": d.starts_escalation,
                  "deescalates": d.ends_escalation, "leaves": d.leaves_work, "closes": d.closes,
                  "response": d.action.response.strip() or None, "now": now, "id": report_id})


def clock(conn: psycopg.Connection, report_id: int, tz: ZoneInfo, now: datetime) -> sla.Clock:
    """The report's SLA clock now: working days used of its budget, due time, overdue, paused."""
    row = conn.execute("SELECT submitted_at, sla_days + extension_days, resolved_at FROM reports WHERE id = %s",
                       [report_id]).fetchone()
    if row is None:
        raise ReportNotFound(f"report {report_id} does not exist")
    submitted, budget, finished = row
    cal = store.calendar(conn, workdays.years_around(submitted.astimezone(tz).date(), now.astimezone(tz).date()))
    return sla.clock(submitted, float(budget), cal, tz, now, pauses(conn, report_id), finished)
