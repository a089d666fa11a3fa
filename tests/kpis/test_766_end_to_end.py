"""Decision 766 end to end on the real database: dossiers imported with ``ioc kpis import``, figures with
``ioc kpis import-figures`` (a bad row reported with line and field, the others stored), field reports in the
reports tables, to the /kpis page's view model; the page shows what ``ioc kpis score-766 --json`` prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.queries import kpis as q
from dashboards.views import kpi_766, kpi_page
from ioc.config import Settings
from pipelines.kpis import periods
from pipelines.kpis.importer import import_file
from pipelines.kpis.summary_db import computed
from smartward.cli import cli
from tests.kpis.support import TZ, add_procedure, add_ward, csv_text, dossier, local

NOW = local("2025-04-15 10:00")
FIGURES = (
    "unit,ward_code,month,indicator,numerator,denominator,denominator_2\n"
    "UBND phường,25210,2025-01,1.1,3,4,\n"
    "UBND phường,25210,2025-01,3.1,200,250,\n"
    "UBND phường,99999,2025-01,3.1,1,2,\n"
)  # line 4: not a known ward


def _report(conn: psycopg.Connection, ward: str, submitted: str, resolved: str | None) -> int:
    row = conn.execute(
        """INSERT INTO reports (source, category, ward_code, submitted_at, sla_days, status,
                                               resolved_at, outcome)
                          VALUES ('hotline_1022', 'lighting', %s, %s, 3, %s, %s, %s) RETURNING id""",
        [
            ward,
            local(submitted),
            "resolved" if resolved else "in_progress",
            local(resolved) if resolved else None,
            "resolved" if resolved else None,
        ],
    ).fetchone()
    assert row
    return int(row[0])


@pytest.fixture
def loaded(db: psycopg.Connection, db_url: str, tmp_path: Path) -> str:
    add_ward(db)
    add_ward(db, "25195", "Phường Bình Phước", lon=107.2)
    add_procedure(db)
    rows = [
        dossier(dossier_id="D1"),  # on time
        dossier(dossier_id="D2", resolved_at=local("2025-01-12 10:00")),  # late
        dossier(dossier_id="D3", channel="online", paper_result=True, e_result=True),  # online, e-result
        dossier(dossier_id="D4", rated_unsatisfied=True),
    ]  # unsatisfied
    (tmp_path / "d.csv").write_text(csv_text(rows), encoding="utf-8")
    assert not import_file(db, tmp_path / "d.csv", TZ).errors
    (tmp_path / "f.csv").write_text(FIGURES, encoding="utf-8")
    out = CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "import-figures", str(tmp_path / "f.csv")])
    assert out.exit_code != 0 and "f.csv: line 4, ward_code: 99999 is not a known ward" in out.output
    assert "3 rows: 2 new, 0 updated, 1 bad" in out.output
    r1 = _report(db, "25210", "2025-01-06 09:00", "2025-01-09 09:00")  # on time, but rated unsatisfied
    _report(db, "25210", "2025-01-06 09:00", "2025-02-20 09:00")  # past 15 working days (Tết between)
    _report(db, "25195", "2025-01-06 09:00", None)  # another ward: not in 25210's score
    rate = ["--database-url", db_url, "kpis", "rate-feedback", str(r1)]
    assert CliRunner().invoke(cli, [*rate, "--complaint"]).exit_code == 0
    assert CliRunner().invoke(cli, [*rate, "--unsatisfied"]).exit_code == 0  # re-rating replaces the verdict
    assert db.execute("SELECT unsatisfied, complaint FROM report_feedback_ratings").fetchall() == [(True, False)]
    assert CliRunner().invoke(cli, ["--database-url", db_url, "kpis", "rate-feedback", "999999"]).exit_code != 0
    return db_url


def _json(url: str, *args: str) -> dict[str, Any]:
    out = CliRunner().invoke(
        cli, ["--database-url", url, "kpis", "score-766", "--json", "--now", NOW.isoformat(), *args]
    )
    assert out.exit_code == 0, out.output
    return dict(json.loads(out.output))


def test_from_imports_to_the_pages_view_model(loaded: str, settings: Settings, pool: ConnectionPool) -> None:
    comp = computed_q1(pool)
    score = q.score_766(pool, comp, "25210")
    rows = {r.id: r for r in kpi_766.rows(score, "vi")}
    assert (rows["2.1"].numerator, rows["2.1"].denominator, rows["2.1"].points) == (3, 4, pytest.approx(15))
    assert rows["3.3"].points == pytest.approx(6 * 0.25 / 0.5)  # min(6, 6r/0.5)
    assert rows["4.1"].points == pytest.approx(6) and rows["4.2"].points == 0.0  # 0 is a value here: 0 of 4
    assert rows["5.4"].points == pytest.approx(6 * 0.5 / 0.9)  # 4 − late − unsatisfied
    assert rows["1.1"].points == pytest.approx(4.5)
    assert rows["1.1"].missing == ["thiếu tháng 02/2025, 03/2025"]  # flow: the months not sent
    assert rows["3.1"].points == pytest.approx(2.0) and not rows["3.1"].missing  # snapshot: January stands
    assert (rows["5.2"].numerator, rows["5.2"].denominator, rows["5.2"].points) == (1, 2, pytest.approx(3))
    assert (rows["5.3"].numerator, rows["5.3"].points) == (0, 0.0)  # unsatisfied; late
    # no data: neither 0 nor full, and each says what it misses
    for missing in ("1.2", "1.3", "1.4", "3.2", "3.5a", "3.5b", "3.6", "4.4", "4.5a", "4.5b", "4.6"):
        assert rows[missing].points is None and rows[missing].missing and rows[missing].points_text == "chưa có dữ liệu"
    assert score.covered == 64 and score.grade is None
    assert score.total == pytest.approx(4.5 + 2 + 15 + 3 + 6 + 0 + 0 + 6 * 0.5 / 0.9 + 3 + 0)
    # the report of the other ward counts for every ward, not for 25210
    assert q.score_766(pool, comp, None).line("5.2").denominator == 3
    # a province: every ward below it; the ward that sent no figure is named, not scored as 0
    province = q.score_766(pool, comp, "Tỉnh Đồng Nai")
    assert province.line("5.2").denominator == 3 and province.line("2.1").denominator == 4
    assert province.line("3.1").points == pytest.approx(2.0)
    assert [m("en") for m in province.line("3.1").missing] == ["no figure from 1 of 2 wards: Phường Bình Phước"]


def computed_q1(pool: ConnectionPool) -> Any:
    with pool.connection() as conn:
        return computed(conn, periods.parse("2025-Q1"), NOW, TZ)


def test_the_page_shows_what_the_cli_prints(loaded: str, settings: Settings, pool: ConnectionPool) -> None:
    want = _json(loaded, "--period", "2025-Q1", "--ward", "25210")
    ctx = context.IocContext(settings, given=pool)
    section = kpi_page.render(ctx, kpi_page.ViewState("2025-Q1", "25210", "on_time_766", "vi"), NOW).decision766
    text = json.dumps(section.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert f'"data-total": "{want["total"]!r}"' in text and f'"data-covered": "{want["covered"]!r}"' in text
    assert "Chưa xếp loại: mới có dữ liệu cho 64/100 điểm" in text and "64 / 100 điểm có dữ liệu" in text
    for ind in want["indicators"]:
        if ind["points"] is not None and ind["max"]:
            assert f'"data-points": "{ind["points"]!r}"' in text
    assert "Mức 4" in text and "Toàn trình" in text  # the level mix chart


def test_the_empty_feedback_rule_gives_full_points_only_when_there_is_no_feedback(
    db: psycopg.Connection, db_url: str
) -> None:
    add_ward(db)
    got = {i["id"]: i for i in _json(db_url, "--period", "2025-Q1", "--ward", "25210")["indicators"]}
    assert (got["5.2"]["points"], got["5.2"]["by_rule"]) == (6.0, "empty_full")
    assert got["2.1"]["points"] is None and got["5.4"]["points"] is None  # nothing imported: no data, not 0
    assert got["2.1"]["missing"] == ["chưa có hồ sơ nào được nhập cho phạm vi này (ioc kpis import)"]


def test_2_2_per_procedure_and_5_1_per_group_from_the_database(
    db: psycopg.Connection, db_url: str, tmp_path: Path
) -> None:
    """2.2: the top procedures by finished dossiers with their average days (unfinished and other wards' dossiers
    left out); 5.1: field reports as urban / procedures / officials by the mapping file, "other" named unmapped."""
    add_ward(db)
    add_ward(db, "25195", "Phường Bình Phước", lon=107.2)
    add_procedure(db)
    add_procedure(db, "P2")
    rows = [
        dossier(dossier_id="A1"),  # P1: 3 days 2 h
        dossier(dossier_id="A2", resolved_at=local("2025-01-12 10:00")),  # P1: 7 days 2 h
        dossier(dossier_id="B1", procedure_code="P2", resolved_at=local("2025-01-06 08:00")),  # P2: 1 day
        dossier(dossier_id="B2", procedure_code="P2", resolved_at=None, status="in_progress"),  # not finished
        dossier(dossier_id="C1", procedure_code="P2", ward_code="25195"),  # another ward
    ]
    (tmp_path / "d.csv").write_text(csv_text(rows), encoding="utf-8")
    assert not import_file(db, tmp_path / "d.csv", TZ).errors
    for category in ("lighting", "traffic", "other"):
        db.execute(
            """INSERT INTO reports (source, category, ward_code, submitted_at, sla_days, status)
               VALUES ('hotline_1022', %s, '25210', %s, 3, 'in_progress')""",
            [category, local("2025-01-06 09:00")],
        )
    got = {i["id"]: i for i in _json(db_url, "--period", "2025-Q1", "--ward", "25210")["indicators"]}
    parts = got["2.2"]["parts"]
    assert [(p["label"], p["count"]) for p in parts] == [("Thủ tục P1 (P1)", 2), ("Thủ tục P2 (P2)", 1)]
    assert parts[0]["value"] == pytest.approx((3 + 2 / 24 + 7 + 2 / 24) / 2) and parts[1]["value"] == pytest.approx(1)
    groups = {p["label"]: p for p in got["5.1"]["parts"]}
    assert [(k, p["count"]) for k, p in groups.items()] == [
        ("Đô thị", 2),
        ("Thủ tục hành chính", 0),
        ("Cán bộ, công chức", 0),
        ("Chưa phân nhóm", 1),
    ]
    assert "Chiếu sáng công cộng" in groups["Đô thị"]["note"] and groups["Chưa phân nhóm"]["note"] == "Khác"
    assert groups["Cán bộ, công chức"]["note"] == "không có lĩnh vực phản ánh nào thuộc nhóm này"
    # every ward: the other ward's P2 dossier counts too
    every = {i["id"]: i for i in _json(db_url, "--period", "2025-Q1")["indicators"]}
    assert [(p["label"], p["count"]) for p in every["2.2"]["parts"]] == [("Thủ tục P1 (P1)", 2), ("Thủ tục P2 (P2)", 2)]
    # the page shows the same breakdown under each row
    text = (
        CliRunner()
        .invoke(
            cli,
            [
                "--database-url",
                db_url,
                "kpis",
                "score-766",
                "--period",
                "2025-Q1",
                "--ward",
                "25210",
                "--now",
                NOW.isoformat(),
            ],
        )
        .output
    )
    assert "2.2  Thủ tục P1 (P1): 2 · 5.1 ngày" in text and "5.1  Chưa phân nhóm: 1 (Khác)" in text


def test_the_page_shows_the_breakdowns(loaded: str, settings: Settings, pool: ConnectionPool) -> None:
    ctx = context.IocContext(settings, given=pool)
    section = kpi_page.render(ctx, kpi_page.ViewState("2025-Q1", "25210", "on_time_766", "vi"), NOW).decision766
    text = json.dumps(section.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert text.count('"className": "k766-parts"') == 2 and "Thủ tục P1 (P1)" in text and "Hồ sơ đã giải quyết" in text
    assert "Thủ tục hành chính" in text and "Lĩnh vực được tính" in text
