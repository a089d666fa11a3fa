"""Operators handle an incident: confirm (the playbook is copied on), work its steps in order (the last resolves
it), answer the attached reports through the reports workflow, merge, attach by hand; a stale version, a viewer
and a wrong move are refused and change nothing. Two suggesters at once still make one suggestion."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from ioc.config import Settings
from ioc.security import users
from pipelines.incidents import actions, handling, queries, suggest, summary
from pipelines.incidents.actions import IncidentActionError, IncidentConflict
from smartward.cli import main
from tests.incidents.support import TZ, city, offset, report

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


def flood(db: psycopg.Connection, ward: str = "22333", reports: int = 2) -> int:
    """A suggested flood made of ``reports`` reports in ``ward``; returns its id."""
    lon, lat = city(db)[ward] if not db.execute("SELECT 1 FROM wards").fetchone() else _inside(db, ward)
    for i in range(reports):
        report(db, "flooding", NOW - timedelta(minutes=30 - i), *offset(lon, lat, north_m=60 * i), f"Ngập {i}")
    before = {i for i, in db.execute("SELECT id FROM incidents")}
    suggest.cycle(db, NOW)
    (new,) = {i for i, in db.execute("SELECT id FROM incidents")} - before
    return int(new)


def _inside(db: psycopg.Connection, ward: str) -> tuple[float, float]:
    row = db.execute("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM wards WHERE code = %s) w",
                     [ward]).fetchone()
    assert row is not None
    return row[0], row[1]


@pytest.fixture
def people(db: psycopg.Connection) -> None:
    users.add(db, "lan", "operator", actor="test")
    users.add(db, "minh", "viewer", actor="test")


def test_confirm_then_the_playbook_in_order_and_the_last_step_resolves(db: psycopg.Connection, people: None) -> None:
    iid = flood(db)
    assert actions.confirm(db, iid, "lan", version=1, now=NOW) == 2
    steps = queries.steps(db, iid, NOW)
    assert [s["department"] for s in steps] == ["drainage", "ward_police", "drainage", "ward_office"]
    assert steps[0]["current"] and steps[0]["due_at"] == NOW + timedelta(minutes=30)
    assert queries.steps(db, iid, NOW + timedelta(hours=2))[0]["overdue"]
    with pytest.raises(IncidentActionError, match="finish the steps before step 2 first"):
        actions.step(db, iid, 2, "lan", done=True)
    with pytest.raises(IncidentActionError, match="has checklist items 1–2, not 3"):
        actions.step(db, iid, 1, "lan", check=[3])
    assert actions.step(db, iid, 1, "lan", check=[1, 2], done=True, note="sâu 30 cm") == "confirmed"
    for pos in (2, 3):
        actions.step(db, iid, pos, "lan", done=True)
    assert queries.one(db, iid, NOW)["current_step"] == 4
    assert actions.step(db, iid, 4, "lan", done=True) == "resolved"
    inc = queries.one(db, iid, NOW)
    assert inc["status"] == "resolved" and inc["resolved_at"] is not None and inc["current_step"] is None
    trail = [(e["actor"], e["action"]) for e in queries.timeline(db, iid)]
    assert trail[0] == ("system", "suggested") and trail[-2:] == [("lan", "step_done"), ("lan", "resolved")]


def test_a_stale_version_a_viewer_and_a_wrong_move_are_refused_and_change_nothing(db: psycopg.Connection,
                                                                                   people: None) -> None:
    iid = flood(db)
    with pytest.raises(IncidentActionError, match="'minh' is a viewer"):
        actions.confirm(db, iid, "minh")
    with pytest.raises(IncidentActionError, match="is suggested; this needs it confirmed"):
        actions.step(db, iid, 1, "lan", done=True)
    actions.confirm(db, iid, "lan", version=1)
    with pytest.raises(IncidentConflict, match=r"changed by someone else \(version 1 → 2\)"):
        actions.resolve(db, iid, "lan", "nhầm", version=1)
    with pytest.raises(IncidentActionError, match="needs a note"):
        actions.resolve(db, iid, "lan", "", version=2)
    assert queries.one(db, iid, NOW)["version"] == 2 and queries.one(db, iid, NOW)["status"] == "confirmed"


def test_answering_the_reports_goes_through_their_workflow(db: psycopg.Connection, people: None) -> None:
    iid = flood(db, reports=3)
    ids = [int(i["ref"]) for i in queries.items(db, iid)]
    db.execute("UPDATE reports SET status = 'resolved', resolved_at = now(), outcome = 'resolved' WHERE id = %s",
               [ids[2]])
    done = handling.answer(db, iid, "lan", "Đã khơi thông cống, nước đã rút lúc 10 giờ.", TZ)
    assert [(a.report_id, a.done) for a in done] == [(ids[0], True), (ids[1], True), (ids[2], False)]
    assert done[2].reason == "already resolved"
    for rid in ids[:2]:
        status, response, dept = db.execute("SELECT status, public_response, department FROM reports WHERE id = %s",
                                            [rid]).fetchone() or ("", "", "")
        assert (status, dept) == ("resolved", "drainage") and response.startswith("Đã khơi thông")
        assert [a for a, in db.execute("SELECT action FROM report_history WHERE report_id = %s ORDER BY id",
                                       [rid])] == ["receive", "assign", "start", "resolve"]
    with pytest.raises(IncidentActionError, match="needs a sentence"):
        handling.answer(db, iid, "lan", "ok", TZ)


def test_merge_moves_the_evidence_and_attach_by_hand_refuses_what_another_holds(db: psycopg.Connection,
                                                                                 people: None) -> None:
    a = flood(db, "22333")
    b = flood(db, "22366")
    actions.confirm(db, a, "lan")
    actions.merge(db, b, a, "lan", version=1)
    assert queries.one(db, b, NOW)["status"] == "merged" and queries.one(db, b, NOW)["merged_into"] == a
    assert queries.one(db, a, NOW)["items"] == 4 and queries.one(db, a, NOW)["ward_codes"] == ["22333", "22366"]
    lon, lat = _inside(db, "22390")
    lone = report(db, "drainage", NOW, lon, lat, "Cống bị tắc")
    handling.attach(db, a, "report", str(lone), "lan")
    assert queries.one(db, a, NOW)["items"] == 5
    c = flood(db, "22402")
    with pytest.raises(IncidentActionError, match=f"already belongs to incident {a}; merge the two instead"):
        handling.attach(db, c, "report", str(lone), "lan")
    with pytest.raises(IncidentActionError, match="report 999999 does not exist"):
        handling.attach(db, c, "report", "999999", "lan")


def test_two_suggesters_at_once_make_one_suggestion(db_url: str, db: psycopg.Connection) -> None:
    lon, lat = city(db)["22333"]
    for i in range(3):
        report(db, "flooding", NOW - timedelta(minutes=i), *offset(lon, lat, east_m=40 * i), f"Ngập {i}")
    go = threading.Barrier(2)

    def one() -> None:
        with psycopg.connect(db_url, autocommit=True) as conn:
            go.wait()
            suggest.cycle(conn, NOW)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert db.execute("SELECT count(*) FROM incidents").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM incident_items").fetchone() == (3,)


def test_the_week_for_the_leader_briefing(db: psycopg.Connection, people: None) -> None:
    done, open_, dismissed, elsewhere = flood(db), flood(db, "22366"), flood(db, "22390"), flood(db, "22402")
    for iid in (done, open_, elsewhere):
        actions.confirm(db, iid, "lan")
    actions.resolve(db, done, "lan", "nước đã rút", now=NOW + timedelta(hours=3))
    actions.dismiss(db, dismissed, "lan", "trùng phản ánh cũ")
    rows = summary.week(db, NOW - timedelta(days=7), NOW + timedelta(days=1), ["22333", "22366"])
    assert [(r.id, r.status, r.type_name_vi, r.url_path) for r in rows] == [
        (done, "resolved", "Ngập úng", f"/incidents/{done}"), (open_, "confirmed", "Ngập úng", f"/incidents/{open_}")]
    opened = db.execute("SELECT opened_at FROM incidents WHERE id = %s", [done]).fetchone()
    assert opened is not None and rows[0].time_to_resolve == NOW + timedelta(hours=3) - opened[0]
    assert rows[1].time_to_resolve is None and rows[0].ward_codes == ("22333",)
    assert len(summary.week(db, NOW - timedelta(days=7), NOW + timedelta(days=1), None)) == 3
    assert summary.week(db, NOW + timedelta(days=1), NOW + timedelta(days=8), None) == []


def test_the_cli_lists_shows_confirms_steps_and_answers(db: psycopg.Connection, settings: Settings, people: None,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    iid = flood(db)
    base = ["--database-url", settings.database_url or ""]
    assert main([*base, "incidents", "list"]) == 0
    assert "flooding" in capsys.readouterr().out
    assert main([*base, "incidents", "confirm", str(iid), "--actor", "lan", "--version", "1"]) == 0
    assert main([*base, "incidents", "confirm", str(iid), "--actor", "lan"]) != 0
    assert main([*base, "incidents", "step", str(iid), "1", "--actor", "lan", "--check", "1", "--done"]) == 0
    assert main([*base, "incidents", "answer", str(iid), "--actor", "lan", "--response",
                 "Đã bơm tiêu nước xong, đường đã thông."]) == 0
    assert main([*base, "incidents", "show", str(iid)]) == 0
    out = capsys.readouterr().out
    assert "confirmed" in out and "step ✓ 1. Xác minh hiện trường" in out and "answered" in out
    assert main([*base, "incidents", "run", "--once"]) == 0
