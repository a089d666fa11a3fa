"""The footage register on the real database: the workflow, who may do what, append-only refusals, the hash chain
and its tamper detection, overdue destructions and the counts everyone may see."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from ioc.config import Settings
from ioc.security import users
from ioc.security.retention import purge
from pipelines.footage import chain, queries, workflow
from pipelines.footage.workflow import FootageError
from smartward.cli import main
from tests.footage.support import NOW, ask, officers


def test_an_extraction_goes_through_the_workflow_and_each_step_is_a_row(db: psycopg.Connection,
                                                                          tmp_path: Path) -> None:
    officers(db)
    eid = ask(db)
    assert workflow.approve(db, eid, "binh", now=NOW + timedelta(hours=1)) == date(2026, 12, 20)
    clip = tmp_path / "cam-1.mp4"
    clip.write_bytes(b"footage" * 1000)
    [digest] = workflow.export(db, eid, "an", [clip], now=NOW + timedelta(hours=2))
    assert digest == {"name": "cam-1.mp4", "bytes": 7000, "sha256": hashlib.sha256(b"footage" * 1000).hexdigest()}
    workflow.deliver(db, eid, "an", "Lê Minh Tuấn", "Công an phường Đồng Xoài", "0912 345 678", "USB",
                     now=NOW + timedelta(hours=3))
    workflow.outcome(db, eid, "an", "criminal_case", now=NOW + timedelta(days=2))
    workflow.destroy(db, eid, "an", "BB-2026-0001/TXHA", now=NOW + timedelta(days=20))
    trail = queries.history(db, eid)
    assert [r["event"] for r in trail] == ["request", "approve", "export", "deliver", "outcome", "destroy"]
    assert [r["actor"] for r in trail] == ["an", "binh", "an", "an", "an", "an"]
    assert trail[2]["details"]["files"][0]["sha256"] == hashlib.sha256(b"footage" * 1000).hexdigest()
    assert trail[3]["contact"] == "0912 345 678" and "0912" not in str(trail[3]["details"])
    [line] = queries.extractions(db)
    assert (line["state"], line["approver"], line["outcome"], line["ward_code"]) == \
        ("destroyed", "binh", "criminal_case", "25210")
    assert chain.verify(db).ok and chain.verify(db).rows == 6


def test_the_workflow_refuses_what_its_rules_forbid(db: psycopg.Connection) -> None:
    officers(db)
    users.add(db, "lan", "operator", actor="test")
    users.add(db, "root", "admin", actor="test")
    req = workflow.Request("X", "Y", "other", "Z", ("cam-1",), NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    with pytest.raises(FootageError, match="purpose 'other' needs a reason"):
        workflow.request(db, "an", req)
    valid = replace(req, reason="tìm người đi lạc")
    for who in ("lan", "root", "nobody"):          # an operator and even an admin hold no footage right
        with pytest.raises(FootageError, match="footage officer|not an active user"):
            workflow.request(db, who, valid)
    with pytest.raises(FootageError, match="not a registered camera: cam-404"):
        ask(db, cameras=("cam-1", "cam-404"))
    eid = ask(db, "other", "tìm người đi lạc")
    with pytest.raises(FootageError, match="another footage officer must approve"):
        workflow.approve(db, eid, "an")
    with pytest.raises(FootageError, match="footage officer"):
        workflow.approve(db, eid, "root")
    with pytest.raises(FootageError, match="requested: export is not possible"):
        workflow.export(db, eid, "an", [Path(__file__)])
    workflow.refuse(db, eid, "binh", "không đủ căn cứ")
    with pytest.raises(FootageError, match="refused: approve is not possible"):
        workflow.approve(db, eid, "binh")
    users.disable(db, "binh", actor="test")
    other = ask(db)
    with pytest.raises(FootageError, match="not an active user"):
        workflow.approve(db, other, "binh")
    with pytest.raises(FootageError, match="does not exist"):
        workflow.approve(db, 9999, "an")
    assert db.execute("SELECT count(*) FROM footage_register").fetchone() == (3,)   # refusals wrote nothing
    assert chain.verify(db).ok


def test_the_database_refuses_updates_and_deletes(db: psycopg.Connection) -> None:
    officers(db)
    ask(db)
    for statement in ("UPDATE footage_register SET purpose = 'other'", "DELETE FROM footage_register",
                      "TRUNCATE footage_register CASCADE"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            db.execute(statement)
    forged = ("INSERT INTO footage_register (id, extraction_id, event, at, actor, purpose, details, prev_hash, "
              "row_hash) VALUES (7, 7, 'request', now(), 'x', 'antt', '{}', repeat('1', 64), repeat('2', 64))")
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="does not continue the chain"):
        db.execute(forged)
    assert db.execute("SELECT count(*) FROM footage_register").fetchone() == (1,)


def _tamper(db: psycopg.Connection, statement: str) -> None:
    """What only the database superuser (the table's owner) can do: switch the guard off, edit, switch it on."""
    with db.transaction():
        db.execute("ALTER TABLE footage_register DISABLE TRIGGER footage_register_append_only")
        db.execute(statement)
        db.execute("ALTER TABLE footage_register ENABLE TRIGGER footage_register_append_only")


def test_verify_names_the_first_row_changed_behind_the_triggers(db: psycopg.Connection, settings: Settings) -> None:
    officers(db)
    first, second = ask(db), ask(db, "ttatgt")
    workflow.approve(db, first, "binh")
    workflow.approve(db, second, "binh")
    base = ["--database-url", settings.database_url or "", "footage"]
    assert main([*base, "verify"]) == 0
    edit = "UPDATE footage_register SET purpose = 'other', details = details || '{\"reason\": \"x\"}' WHERE id = %s"
    _tamper(db, edit % second)
    verdict = chain.verify(db)
    assert (verdict.ok, verdict.broken_id) == (False, second) and "content" in (verdict.reason or "")
    assert main([*base, "verify"]) == 1                # what `ioc footage verify` exits with


def test_verify_notices_a_deleted_row(db: psycopg.Connection) -> None:
    officers(db)
    first, second = ask(db), ask(db)
    workflow.approve(db, first, "binh")
    _tamper(db, f"DELETE FROM footage_register WHERE id = {second}")  # noqa: S608
    assert chain.verify(db) == chain.Verdict(2, second, f"row {second} is missing (next row is {second + 1})")


def test_overdue_destructions_and_counts_per_month_ward_purpose_outcome(db: psycopg.Connection) -> None:
    officers(db)
    late, on_time = ask(db), ask(db, "ttatgt", at=NOW + timedelta(days=40), cameras=("cam-9",))
    ask(db, "other", "truy vết", at=NOW + timedelta(days=41))
    for eid, at in ((late, NOW), (on_time, NOW + timedelta(days=40))):
        workflow.approve(db, eid, "binh", now=at + timedelta(hours=1))
        workflow.export(db, eid, "an", [Path(__file__)], now=at + timedelta(hours=2))
    workflow.outcome(db, on_time, "an", "none", now=NOW + timedelta(days=41))
    workflow.outcome(db, on_time, "an", "traffic_accident", now=NOW + timedelta(days=42))   # corrected
    assert [r["id"] for r in queries.overdue(db, date(2026, 12, 21))] == [late]
    assert [r["id"] for r in queries.overdue(db, date(2027, 2, 1))] == [late, on_time]
    got = {(str(r["month"]), r["ward_code"], r["purpose"], r["outcome"]): r["n"]
           for r in queries.counts(db, "Asia/Ho_Chi_Minh")}
    assert got == {("2026-11-01", "25210", "antt", "pending"): 1,
                   ("2026-12-01", "25195", "ttatgt", "traffic_accident"): 1,
                   ("2026-12-01", "25210", "other", "pending"): 1}


def test_delivery_contacts_go_after_their_period_and_the_chain_stays_whole(db: psycopg.Connection,
                                                                            settings: Settings) -> None:
    officers(db)
    eid = ask(db)
    workflow.approve(db, eid, "binh")
    workflow.export(db, eid, "an", [Path(__file__)])
    workflow.deliver(db, eid, "an", "Lê Minh Tuấn", "CA phường", "0912345678")
    assert purge(db, settings)["footage_contacts"] == 0
    db.execute("UPDATE footage_contacts SET created_at = now() - interval '366 days'")
    assert purge(db, settings)["footage_contacts"] == 1
    assert queries.history(db, eid)[-1]["contact"] is None
    assert chain.verify(db).ok


def test_the_cli_walks_an_extraction(db: psycopg.Connection, settings: Settings, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    officers(db)
    base = ["--database-url", settings.database_url or "", "footage"]
    assert main([*base, "request", "--actor", "an", "--requester", "Trần Văn Hùng", "--unit", "CA phường",
                 "--purpose", "ttatgt", "--legal-basis", "CV 12", "--camera", "cam-1", "--from", "2026-11-19 08:00",
                 "--to", "2026-11-19 09:00"]) == 0
    assert "extraction 1: requested" in capsys.readouterr().out
    assert main([*base, "approve", "1", "--actor", "an"]) == 2          # the same officer: refused, exit 2
    assert "another footage officer" in capsys.readouterr().err
    assert main([*base, "approve", "1", "--actor", "binh", "--destroy-by", "2030-01-01"]) == 0
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"x")
    assert main([*base, "export", "1", str(clip), "--actor", "an"]) == 0
    assert "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  a.mp4" in capsys.readouterr().out
    assert main([*base, "deliver", "1", "--actor", "an", "--to", "Lê Tuấn", "--unit", "CSGT"]) == 0
    assert main([*base, "outcome", "1", "traffic_accident", "--actor", "an"]) == 0
    assert main([*base, "destroy", "1", "--actor", "an", "--record", "BB-1"]) == 0
    assert main([*base, "list"]) == 0
    out = capsys.readouterr().out
    assert "destroyed" in out and "traffic_accident" in out
    assert main([*base, "verify"]) == 0
    assert "6 rows, chain intact" in capsys.readouterr().out


def test_the_demo_register_is_plausible_and_chained(db: psycopg.Connection, settings: Settings,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from pipelines.footage.demo import COUNTS, seed

    assert main(["--database-url", settings.database_url or "", "footage", "demo"]) == 0
    assert "demo rows" in capsys.readouterr().out
    assert seed(db, NOW) == 0                        # not twice
    purposes = dict(db.execute("SELECT purpose, count(*) FROM footage_register WHERE event = 'request' "
                               "GROUP BY 1").fetchall())
    assert purposes == COUNTS
    assert chain.verify(db).ok
    states = {r["state"] for r in queries.extractions(db, 1000)}
    assert {"destroyed", "refused"} <= states
    assert queries.overdue(db, NOW.date())
