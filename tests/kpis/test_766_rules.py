"""Decision 766's score rules, pure: each rule at its edges, the table's sums and grades, missing data never scored
as 0 or full (except the two explicit rules), figures summed (flow) or taken at the latest month (snapshot), and the
15-working-day clock of field reports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import yaml

from ioc.errors import ImportDataError
from pipelines.kpis.decision766 import feedback as fb
from pipelines.kpis.decision766 import figures, table
from pipelines.kpis.decision766.rules import Rule, score
from pipelines.kpis.decision766.score import Sources, compute, empty_feedback
from pipelines.reports import sla
from pipelines.reports.workdays import vietnam

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T = table.default()


@pytest.mark.parametrize(
    ("rule", "rate", "points"),
    [
        (Rule("linear"), 0.0, 0.0),
        (Rule("linear"), 0.5, 3.0),
        (Rule("linear"), 1.0, 6.0),
        (Rule("full_at", 0.8), 0.0, 0.0),
        (Rule("full_at", 0.8), 0.4, 1.0),
        (Rule("full_at", 0.8), 0.8, 2.0),
        (Rule("full_at", 0.8), 0.79, 2 * 0.79 / 0.8),
        (Rule("full_at", 0.8), 1.0, 2.0),
        (Rule("slope", 2.5), 0.0, 0.0),
        (Rule("slope", 2.5), 0.4, 1.0),
        (Rule("slope", 2.5), 0.8, 2.0),
        (Rule("slope", 2.5), 0.79, 1.975),
        (Rule("slope", 2.5), 1.0, 2.0),
        (Rule("full_at", 0.5), 0.5, 6.0),
        (Rule("full_at", 0.5), 0.25, 3.0),  # 3.3
        (Rule("full_at", 0.9), 0.9, 6.0),
        (Rule("full_at", 0.9), 0.45, 3.0),  # 5.4
    ],
)
def test_each_rule_at_its_edges(rule: Rule, rate: float, points: float) -> None:
    most = 6.0 if rule.param in (1.0, 0.5, 0.9) else 2.0
    assert rule.points(most, rate) == pytest.approx(points)


def test_rates_outside_0_1_and_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        Rule("linear").points(6, 1.01)
    with pytest.raises(ValueError):
        score(Rule("linear"), 6, 5, 4)
    with pytest.raises(ValueError):
        Rule.parse({"half_at": 0.5})


def test_empty_denominator_is_no_data_unless_the_rule_says_so() -> None:
    assert score(Rule("linear"), 6, 0, 0).points is None  # not 0, not full
    assert score(Rule("linear"), 6, 0, 0, "full").points == 6.0  # 5.2, 5.3: no feedback → full
    assert score(Rule("full_at", 0.9), 6, 0, 0, "zero").points == 0.0  # 5.4: none received → 0
    assert score(Rule("linear"), 6, None, None, "full").points is None  # no source: never full
    assert score(Rule("monitor"), 0, 3, 4).points == 0.0


def test_the_table_adds_up_to_100_by_group() -> None:
    assert {g.key: g.points for g in T.groups} == {
        "publicity": 18,
        "progress": 20,
        "online_services": 12,
        "online_payment": 10,
        "digitization": 22,
        "satisfaction": 18,
    }
    assert len(T.indicators) == 23 and sum(i.points for i in T.indicators) == 100
    assert T.by_id("3.5a").rule == Rule("slope", 2.5) and T.by_id("4.2").alternative == Rule("full_at", 0.8)
    assert [i.id for i in T.indicators if i.monitor] == ["2.2", "5.1"]
    assert (T.by_id("5.2").empty, T.by_id("5.3").empty, T.by_id("5.4").empty) == ("full", "full", "zero")


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "excellent"), (90, "excellent"), (89.99, "good"), (50, "average"), (49.99, "weak"), (0, "weak")],
)
def test_grades(total: float, grade: str) -> None:
    assert T.grade(total).key == grade


def test_grade_cut_offs_are_configuration_but_the_fixed_ones_are_checked(tmp_path: Path) -> None:
    raw = yaml.safe_load((Path(table.__file__).parents[3] / "data" / "kpis" / "decision766.yaml").read_text("utf-8"))
    raw["grades"][1]["min"] = 75  # "good" from 75: allowed
    assert table.parse(raw).grade(76).key == "good"
    raw["grades"][0]["min"] = 85  # excellent is ≥ 90 by the Decision
    with pytest.raises(ValueError, match="90"):
        table.parse(raw)
    raw = yaml.safe_load((Path(table.__file__).parents[3] / "data" / "kpis" / "decision766.yaml").read_text("utf-8"))
    raw["indicators"][0]["points"] = 5  # publicity would carry 17
    with pytest.raises(ValueError, match="publicity"):
        table.parse(raw)


JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
WARDS = {"25210": "Phường Đồng Xoài", "25195": "Phường Bình Phước"}


def fig(
    ward: str, month: date, ind: str, num: float, den: float, den2: float | None = None, unit: str = "UBND"
) -> dict[str, object]:
    return {
        "unit": unit,
        "ward_code": ward,
        "month": month,
        "indicator": ind,
        "numerator": num,
        "denominator": den,
        "denominator_2": den2,
    }


def sources(
    figs: list[dict[str, object]] | None = None,
    counts: dict[str, float] | None = None,
    known: bool = True,
    feedback: dict[str, float] | None = None,
) -> Sources:
    return Sources(
        dossier_counts=counts or {},
        dossiers_known=known,
        figures=pd.DataFrame(
            figs or [], columns=["unit", "ward_code", "month", "indicator", "numerator", "denominator", "denominator_2"]
        ),
        wards=WARDS,
        months=[JAN, FEB, MAR],
        feedback=feedback or empty_feedback(),
    )


def test_missing_data_is_not_zero_and_the_total_says_what_is_covered() -> None:
    s = compute(T, sources(known=False))
    assert s.covered == 12 and s.total == 12  # only 5.2 and 5.3 (no field report: full by their rule)
    assert s.grade is None  # a partial total gets no grade
    for i in ("1.1", "2.1", "3.3", "4.6"):
        line = s.line(i)
        assert line.points is None and line.missing  # no points, and it says what it misses
    assert "import-figures" in s.line("1.1").missing[0]("en")
    assert "no dossiers imported" in s.line("2.1").missing[0]("en")
    assert s.line("5.4").points is None  # "none received → 0" needs to know nothing was received


def test_none_received_is_zero_only_when_the_scope_has_dossier_data() -> None:
    s = compute(T, sources(counts={"received": 0.0}, known=True))
    assert s.line("5.4").points == 0.0 and s.line("5.4").by_rule == "empty_zero"
    assert s.line("2.1").points is None and "denominator is 0" in s.line("2.1").missing[0]("en")


def test_flow_figures_sum_the_months_and_say_which_are_missing() -> None:
    s = compute(
        T, sources([fig("25210", JAN, "1.1", 3, 4), fig("25210", FEB, "1.1", 1, 1), fig("25195", JAN, "1.1", 0, 0)])
    )
    line = s.line("1.1")
    assert (line.numerator, line.denominator, line.points) == (4, 5, pytest.approx(6 * 4 / 5))
    assert [m("en") for m in line.missing] == ["months missing: 03/2025"]


def test_snapshot_figures_take_each_units_latest_month_and_name_silent_wards() -> None:
    s = compute(
        T,
        sources(
            [
                fig("25210", JAN, "3.1", 100, 300),
                fig("25210", MAR, "3.1", 240, 300),
                fig("25210", FEB, "3.1", 150, 300, unit="Chi nhánh"),
            ]
        ),
    )
    line = s.line("3.1")
    assert (line.numerator, line.denominator) == (390, 600)  # Mar of UBND + Feb of the branch
    assert line.points == pytest.approx(min(2, 2 * 0.65 / 0.8))
    assert [m("en") for m in line.missing] == ["no figure from 1 of 2 wards: Phường Bình Phước"]


def test_1_4_divides_by_the_larger_of_the_two_counts() -> None:
    s = compute(T, sources([fig("25210", JAN, "1.4", 90, 100, 120), fig("25210", FEB, "1.4", 50, 60, None)]))
    assert (s.line("1.4").numerator, s.line("1.4").denominator) == (140, 180)


def test_4_2_is_scored_as_the_portal_does_and_shows_the_appendix() -> None:
    s = compute(T, sources(counts={"received": 10.0, "digitized_766": 8.0}))
    assert s.line("4.2").points == pytest.approx(3.2)  # linear (portal)
    assert s.line("4.2").alternative_points == pytest.approx(4.0)  # full at ≥ 80% (appendix)


def test_groups_and_a_full_total_get_a_grade() -> None:
    figs = [fig(w, m, i, 10, 10) for w in WARDS for m in (JAN, FEB, MAR) for i in T.figure_ids()]
    counts = {
        c: 10.0
        for c in (
            "received",
            "on_time_766",
            "online_766",
            "paid_online",
            "fee_due",
            "e_result_paper",
            "paper_result",
            "digitized_766",
            "reused",
            "satisfied_766",
        )
    }
    s = compute(T, sources(figs, counts))
    assert s.covered == 100 and s.total == pytest.approx(100) and s.grade and s.grade.key == "excellent"
    s = compute(T, sources(figs, counts | {"on_time_766": 0.0}))
    assert {g.group.key: g.points for g in s.groups}["progress"] == 0.0 and s.grade and s.grade.key == "good"


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def reports(*rows: tuple[int, str, str | None, bool, bool]) -> pd.DataFrame:
    out = pd.DataFrame(
        [
            {
                "id": i,
                "ward_code": "25210",
                "category": "lighting",
                "submitted_at": local(s),
                "resolved_at": local(r) if r else None,
                "unsatisfied": u,
                "complaint": c,
            }
            for i, s, r, u, c in rows
        ],
        columns=fb.REPORT_COLUMNS,
    )
    for col in ("submitted_at", "resolved_at"):
        out[col] = pd.to_datetime(out[col], utc=True)
    return out


def test_feedback_on_time_is_15_working_days_with_holidays_and_pauses() -> None:
    cal = vietnam([2025])
    # Mon 2025-04-14 09:00: 15 working days skip 30/4, 1/5, 2/5 (holidays) and weekends → due Wed 2025-05-07 09:00
    due = sla.due_at(local("2025-04-14 09:00"), 15, cal, TZ)
    assert due == local("2025-05-07 09:00")
    r = reports(
        (1, "2025-04-14 09:00", "2025-05-07 09:00", False, False),  # on the deadline: on time
        (2, "2025-04-14 09:00", "2025-05-07 09:01", False, False),  # a minute late
        (3, "2025-04-14 09:00", None, False, False),  # open, judged at 05-07 09:00
        (4, "2025-04-14 09:00", "2025-05-09 09:00", True, False),  # paused 2 working days: on time
        (5, "2025-04-14 09:00", "2025-05-30 09:00", False, True),
    )  # resolved after as_of: in progress
    pauses = {4: [sla.Pause(local("2025-04-15 00:00"), local("2025-04-17 00:00"))]}
    judged = fb.judge(r, pauses, cal, TZ, local("2025-05-07 09:00")).set_index("id")
    assert judged["on_time"].to_dict() == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}  # 2 was not finished at as_of yet
    judged = fb.judge(r, pauses, cal, TZ, local("2025-05-20 00:00")).set_index("id")
    assert judged["on_time"].to_dict() == {1: 1, 2: 0, 3: 0, 4: 1, 5: 0}
    assert judged["late"].to_dict() == {1: 0, 2: 1, 3: 0, 4: 0, 5: 0}  # 3, 5 are open: not "handled late"
    assert judged["satisfied"].to_dict() == {1: 1, 2: 0, 3: 1, 4: 0, 5: 0}  # late, unsatisfied, complaint
    assert fb.totals(judged, ["25210"])["feedback"] == 5 and fb.totals(judged, ["99999"])["feedback"] == 0


def test_figures_sheet_rows_are_checked_with_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "Đơn vị;Mã phường;Tháng;Chỉ tiêu;Tử số;Mẫu số;Mẫu số 2\n"
        "UBND;25210;01/2025;1.1;3;4;\n"
        "UBND;25210;2025-13;1.2;3;4;\n"  # line 3: month
        "UBND;25210;2025-01;9.9;3;4;\n"  # line 4: indicator
        "UBND;25210;2025-01;1.3;5;4;\n"  # line 5: numerator > denominator
        "UBND;25210;2025-01;1.3;-1;4;\n"  # line 6: numerator
        "UBND;25210;2025-01;1.2;1;4;9\n"  # line 7: second denominator is for 1.4 only
        "UBND;25210;2025-01;1.4;110;100;120\n"
        "UBND;25210;2025-01;1.1;1;1;\n",
        encoding="utf-8",
    )  # line 9: repeats line 2
    parsed = figures.read(path, T.figure_ids())
    assert [(e.line, e.field) for e in parsed.errors] == [
        (3, "month"),
        (4, "indicator"),
        (5, "numerator"),
        (6, "numerator"),
        (7, "denominator_2"),
        (9, "indicator"),
    ]
    assert [(r.line, r.indicator, r.month) for r in parsed.rows] == [(2, "1.1", JAN), (8, "1.4", JAN)]
    (tmp_path / "g.csv").write_text("unit,month,indicator,numerator\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="ward_code, denominator"):
        figures.read(tmp_path / "g.csv", T.figure_ids())


def test_the_shipped_feedback_groups_map_every_urban_category_and_nothing_to_procedures_or_officials() -> None:
    groups = fb.load_groups()
    assert list(groups.names) == ["urban", "procedures", "officials"]
    assert set(groups.category_group.values()) == {"urban"}
    assert "other" not in groups.category_group  # "Khác" may be about anything: never guessed
    mix = {"lighting": 3, "noise": 1, "other": 2}
    assert fb.by_group(mix, groups, {"lighting": "infrastructure"}) == {
        "urban": 4,
        "procedures": 0,
        "officials": 0,
        "unmapped": 2,
    }
    assert "unmapped" not in fb.by_group({"noise": 1}, groups, {})  # no unmapped report: no unmapped count


def test_a_feedback_group_mapping_counts_children_by_their_parent_and_refuses_a_category_twice(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {"key": "urban", "vi": "Đô thị", "en": "Urban", "categories": ["infrastructure"]},
                    {"key": "procedures", "vi": "TTHC", "en": "Procedures", "categories": ["thu_tuc"]},
                    {"key": "officials", "vi": "Cán bộ", "en": "Officials", "categories": ["can_bo"]},
                ],
                "unmapped": {"vi": "Chưa phân nhóm", "en": "Not mapped"},
            }
        ),
        encoding="utf-8",
    )
    groups = fb.load_groups(path)
    parents = {"roads": "infrastructure", "thu_tuc": None}
    got = fb.by_group({"roads": 2, "thu_tuc": 1, "can_bo": 4, "noise": 1}, groups, parents)
    assert got == {"urban": 2, "procedures": 1, "officials": 4, "unmapped": 1}
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["groups"][2]["categories"].append("thu_tuc")
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="'thu_tuc' is in 'procedures' and 'officials'"):
        fb.load_groups(path)


def test_the_breakdowns_ride_on_the_monitoring_lines_and_in_the_json() -> None:
    from dataclasses import replace

    from pipelines.kpis.decision766.score import Part

    per_procedure = (Part(table.Text("Thủ tục A", "Procedure A"), 5, 2.5),)
    per_group = (Part(table.Text("Đô thị", "Urban"), 3, note=table.Text("Giao thông", "Traffic")),)
    s = compute(
        T,
        replace(sources(), handling=(12.5, 5, 1), handling_by_procedure=per_procedure, feedback_groups=per_group),
    )
    assert s.line("2.2").parts == per_procedure and s.line("5.1").parts == per_group
    assert s.line("2.1").parts == ()
    got = {i["id"]: i for i in s.as_dict("en")["indicators"]}
    assert got["2.2"]["parts"] == [{"label": "Procedure A", "count": 5, "value": 2.5, "note": None}]
    assert got["5.1"]["parts"] == [{"label": "Urban", "count": 3, "value": None, "note": "Traffic"}]
    assert s.line("2.2").points is None and s.total == compute(T, sources()).total  # monitoring: no points
