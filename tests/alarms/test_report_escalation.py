"""The "field report escalated" rule kind against the reports workflow's own escalate / deescalate actions."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from pipelines.reports import actions, workflow
from pipelines.reports.model import TransitionRefused
from tests.alarms.support import NOW, VN, cycle, heartbeat, rows
from tests.alarms.test_kinds import defaults


def _report(conn: psycopg.Connection) -> int:
    row = conn.execute("""INSERT INTO reports (source, category, submitted_at, sla_days, due_at, ward_code)
                          VALUES ('web', 'roads', %s, 5, %s, '26734') RETURNING id""",
                       [NOW - timedelta(hours=2), NOW + timedelta(days=3)]).fetchone()   # on time: never overdue
    assert row is not None
    return int(row[0])


def _act(conn: psycopg.Connection, rid: int, kind: str, note: str = "", response: str = "", dept: str | None = None
         ) -> None:
    actions.apply_action(conn, rid, workflow.Action(kind, dept, note, response), "lan", VN, NOW)


def _alarm(conn: psycopg.Connection, rid: int) -> list[tuple[str, int]]:
    return [(s, c) for s, c in rows(conn, "SELECT state, count FROM alarms WHERE rule_id = 'report-escalated' "
                                          "AND entity = %s", [f"report:{rid}"])]


def test_an_escalated_report_raises_and_deescalating_or_resolving_clears(db: psycopg.Connection) -> None:
    defaults(db)
    heartbeat(db, NOW)
    rid = _report(db)
    cycle(db, NOW)
    assert _alarm(db, rid) == []
    _act(db, rid, "escalate", note="người dân phản ánh lần 3, cần lãnh đạo phường xử lý")
    cycle(db, NOW + timedelta(seconds=2))
    assert _alarm(db, rid) == [("open", 1)]
    assert rows(db, "SELECT ward_code, severity FROM alarms WHERE rule_id = 'report-escalated'") == [("26734", "major")]
    _act(db, rid, "deescalate", note="đã có phương án")
    cycle(db, NOW + timedelta(seconds=4))
    assert _alarm(db, rid) == [("resolved", 1)]
    _act(db, rid, "escalate", note="lại chậm")                 # again: the resolved alarm reopens, counted
    cycle(db, NOW + timedelta(seconds=6))
    assert _alarm(db, rid) == [("open", 2)]
    _act(db, rid, "assign", dept="ward_office")
    _act(db, rid, "start")
    _act(db, rid, "resolve", response="Đã sửa mặt đường.")     # leaving work ends the escalation
    cycle(db, NOW + timedelta(seconds=8))
    assert _alarm(db, rid) == [("resolved", 2)]
    history = rows(db, "SELECT action, note FROM report_history WHERE report_id = %s ORDER BY id", [rid])
    assert [a for a, _ in history] == ["escalate", "deescalate", "escalate", "assign", "start", "deescalate",
                                       "resolve"]
    assert history[5][1] == "the escalation ends: resolve"
    assert rows(db, "SELECT escalated_at FROM reports WHERE id = %s", [rid]) == [(None,)]


def test_escalate_needs_a_reason_and_an_open_report(db: psycopg.Connection) -> None:
    rid = _report(db)
    with pytest.raises(TransitionRefused, match="escalate needs a note"):
        _act(db, rid, "escalate")
    _act(db, rid, "escalate", note="khẩn")
    with pytest.raises(TransitionRefused, match="already escalated"):
        _act(db, rid, "escalate", note="khẩn")
    _act(db, rid, "reject", response="Không thuộc thẩm quyền phường.")
    with pytest.raises(TransitionRefused, match="not escalated"):
        _act(db, rid, "deescalate")
    with pytest.raises(psycopg.errors.CheckViolation):           # the database holds the rule too
        db.execute("UPDATE reports SET escalated_at = now() WHERE id = %s", [rid])


def test_workflow_allows_escalation_only_while_open() -> None:
    assert "escalate" in workflow.allowed(workflow.State("received"))
    assert "deescalate" not in workflow.allowed(workflow.State("received"))
    assert workflow.allowed(workflow.State("assigned", escalated=True)).count("deescalate") == 1
    assert "escalate" not in workflow.allowed(workflow.State("resolved"))
    assert "escalate" not in workflow.allowed(workflow.State("in_progress", paused=True))   # resume first
