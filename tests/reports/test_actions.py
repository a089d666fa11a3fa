"""Handling actions in the database: one transaction under a row lock, every step in the history, refusals."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pandas as pd
import psycopg
import pytest

from ioc.config import Settings
from pipelines.reports import store
from pipelines.reports.actions import apply_action, clock
from pipelines.reports.model import ReportIn, ReportNotFound, TransitionRefused
from pipelines.reports.workflow import Action
from smartward.cli import main
from tests.reports.helpers import TZ, local


def _report(db: psycopg.Connection, lon: float, lat: float, submitted: datetime, category: str = "drainage") -> int:
    ref = store.reference(db)
    item = ReportIn("hotline_1022", f"T-{submitted.isoformat()}", category, submitted, "Cống bị tắc", lon, lat)
    return store.insert_reports(db, [item], ref, "test", TZ, submitted).ids[0]


def _history(db: psycopg.Connection, rid: int) -> list[tuple[object, ...]]:
    return db.execute("""SELECT actor, action, from_status, to_status, note FROM report_history
                         WHERE report_id = %s ORDER BY at, id""", [rid]).fetchall()


def test_the_path_with_a_pause_keeps_every_step(db: psycopg.Connection,
                                                wards: dict[str, tuple[float, float]]) -> None:
    rid = _report(db, *wards["22366"], local(2026, 10, 12, 9, 0))     # drainage: 3 working days
    assert db.execute("SELECT due_at FROM reports WHERE id = %s", [rid]).fetchone() == (local(2026, 10, 15, 9, 0),)
    t = local(2026, 10, 12, 10, 0)
    apply_action(db, rid, Action("assign", department="drainage"), "lan", TZ, t)
    apply_action(db, rid, Action("start"), "minh", TZ, t + timedelta(hours=1))
    apply_action(db, rid, Action("pause", note="hỏi số nhà"), "minh", TZ, local(2026, 10, 13, 12, 0))
    paused = db.execute("SELECT paused_since, due_at FROM reports WHERE id = %s", [rid]).fetchone()
    assert paused == (local(2026, 10, 13, 12, 0), local(2026, 10, 15, 9, 0))
    done = apply_action(db, rid, Action("resume"), "minh", TZ, local(2026, 10, 14, 12, 0))
    assert done.due_at == local(2026, 10, 16, 9, 0)        # 24 h of waiting moves the due time one day
    apply_action(db, rid, Action("extend", note="chờ vật tư", days=2), "lan", TZ, local(2026, 10, 19, 13, 0))
    assert db.execute("SELECT due_at, extension_days FROM reports WHERE id = %s", [rid]).fetchone() == (
        local(2026, 10, 20, 9, 0), 2)
    apply_action(db, rid, Action("resolve", response="Đã thông cống."), "minh", TZ, local(2026, 10, 19, 15, 0))
    apply_action(db, rid, Action("close"), "lan", TZ, local(2026, 10, 20, 8, 0))
    row = db.execute("SELECT status, outcome, resolved_at, closed_at, public_response, paused_since FROM reports "
                     "WHERE id = %s", [rid]).fetchone()
    assert row == ("closed", "resolved", local(2026, 10, 19, 15, 0), local(2026, 10, 20, 8, 0), "Đã thông cống.", None)
    work = "in_progress"
    assert _history(db, rid) == [
        ("test", "receive", None, "received", None), ("lan", "assign", "received", "assigned", None),
        ("minh", "start", "assigned", work, None), ("minh", "pause", work, work, "hỏi số nhà"),
        ("minh", "resume", work, work, None), ("lan", "extend", work, work, "chờ vật tư"),
        ("minh", "resolve", work, "resolved", "Đã thông cống."), ("lan", "close", "resolved", "closed", None)]
    state = clock(db, rid, TZ, local(2026, 11, 1, 0, 0))
    assert not state.overdue and state.budget_days == 5


def test_illegal_actions_are_refused_and_change_nothing(db: psycopg.Connection,
                                                        wards: dict[str, tuple[float, float]]) -> None:
    rid = _report(db, *wards["22366"], local(2026, 10, 12, 9, 0))
    before = _history(db, rid)
    with pytest.raises(TransitionRefused, match="resolve or reject it first"):
        apply_action(db, rid, Action("close"), "lan", TZ, local(2026, 10, 12, 10, 0))
    with pytest.raises(TransitionRefused, match="unknown department 'fire'"):
        apply_action(db, rid, Action("assign", department="fire"), "lan", TZ, local(2026, 10, 12, 10, 0))
    with pytest.raises(ReportNotFound):
        apply_action(db, rid + 99, Action("start"), "lan", TZ, local(2026, 10, 12, 10, 0))
    assert _history(db, rid) == before
    assert db.execute("SELECT status FROM reports WHERE id = %s", [rid]).fetchone() == ("received",)


def test_rejecting_a_paused_report_ends_the_pause(db: psycopg.Connection,
                                                  wards: dict[str, tuple[float, float]]) -> None:
    rid = _report(db, *wards["22366"], local(2026, 10, 12, 9, 0))
    apply_action(db, rid, Action("pause", note="cần ảnh"), "lan", TZ, local(2026, 10, 12, 10, 0))
    apply_action(db, rid, Action("reject", response="Không liên lạc được."), "lan", TZ, local(2026, 10, 14, 10, 0))
    assert [h[1] for h in _history(db, rid)] == ["receive", "pause", "resume", "reject"]
    row = db.execute("SELECT status, outcome, paused_since, due_at FROM reports WHERE id = %s", [rid]).fetchone()
    assert row == ("rejected", "rejected", None, local(2026, 10, 17, 9, 0) + timedelta(days=2))


def test_the_row_lock_serialises_two_staff(db_url: str, wards: dict[str, tuple[float, float]],
                                           db: psycopg.Connection) -> None:
    rid = _report(db, *wards["22366"], local(2026, 10, 12, 9, 0))
    apply_action(db, rid, Action("assign", department="drainage"), "lan", TZ, datetime.now(UTC))
    outcome: list[object] = []

    def second() -> None:
        with psycopg.connect(db_url, autocommit=True) as other:
            try:
                outcome.append(apply_action(other, rid, Action("start"), "minh", TZ, datetime.now(UTC)))
            except TransitionRefused as exc:
                outcome.append(exc)

    with psycopg.connect(db_url, autocommit=True) as first, first.transaction():
        first.execute("SELECT 1 FROM reports WHERE id = %s FOR UPDATE", [rid])
        worker = threading.Thread(target=second)
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive() and not outcome        # waiting for the lock
        apply_action(first, rid, Action("start"), "lan", TZ, datetime.now(UTC))
    worker.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], TransitionRefused)
    assert "cannot start work on a in_progress report" in str(outcome[0])


def test_cli_act_and_sla_counts(db: psycopg.Connection, wards: dict[str, tuple[float, float]],
                                settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)
    late = _report(db, *wards["22366"], now - timedelta(days=20), "flooding")
    fresh = _report(db, *wards["22333"], now - timedelta(hours=1), "construction")
    base = ["--database-url", str(settings.database_url), "reports", "act"]
    assert main([*base, str(fresh), "assign", "--actor", "lan", "--department", "urban"]) == 0
    assert f"report {fresh}: received → assigned" in capsys.readouterr().out
    assert main([*base, str(fresh), "close", "--actor", "lan"]) == 2
    assert "resolve or reject it first" in capsys.readouterr().err
    by_ward = {r["ward"]: r for r in sla_counts_frame(settings, "ward", now).to_dict("records")}
    assert (by_ward["22366"]["overdue"], by_ward["22333"]["open_in_time"]) == (1, 1)
    month = (now - timedelta(days=20)).astimezone(TZ).strftime("%Y-%m")
    assert main(["--database-url", str(settings.database_url), "reports", "sla", "--by", "category",
                 "--month", month]) == 0
    assert "flooding" in capsys.readouterr().out
    assert late != fresh


def sla_counts_frame(settings: Settings, by: str, now: datetime) -> pd.DataFrame:
    from ioc import db as iodb
    from pipelines.reports.public import sla_counts

    with iodb.pool(str(settings.database_url), max_size=1) as pool:
        return sla_counts(pool, by, now - timedelta(days=60), now + timedelta(days=1), now)
