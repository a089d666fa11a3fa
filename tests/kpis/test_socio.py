"""Socio-economic indicators (issue 18) on the real database: targets for any indicator, the indicator-sheet import
with bad rows by line and field, and each line's value, status and forecast against a hand computation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import psycopg
import pytest
from click.testing import CliRunner

from ioc.config import Settings
from ioc.errors import IocError
from pipelines.kpis import periods, source
from pipelines.kpis.socio_db import socio_lines
from pipelines.kpis.targets import AT_RISK, OFF_TRACK, ON_TRACK
from smartward.cli import cli
from tests.kpis.support import TZ, add_ward

NOW = datetime(2026, 8, 15, 12, 0, tzinfo=TZ)          # 2026-Q2 is over, Q3 is running


def run(settings: Settings, *args: str) -> tuple[int, str]:
    """Exit code, and the output followed by the error (an IocError reaches the caller as the exception; the
    ``ioc`` entry point prints it and exits 2)."""
    result = CliRunner().invoke(cli, ["--database-url", settings.database_url, "--state-dir",
                                      str(settings.state_dir), "kpis", *args])
    error = "" if result.exception is None or isinstance(result.exception, SystemExit) else str(result.exception)
    code = 2 if isinstance(result.exception, IocError) else result.exit_code
    return code, result.output + error


@pytest.fixture
def two_wards(db: psycopg.Connection) -> psycopg.Connection:
    add_ward(db, "25210", "Phường Đồng Xoài", "Tỉnh Đồng Nai", 106.9)
    add_ward(db, "25195", "Phường Bình Phước", "Tỉnh Đồng Nai", 106.95)
    return db


def sheet(tmp_path: Path, rows: list[str], name: str = "kt-xh.csv") -> Path:
    path = tmp_path / name
    path.write_text("chi_tieu,don_vi_tinh,pham_vi,ky,gia_tri\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_set_target_for_a_socio_economic_key_with_unit_direction_and_scope(settings: Settings,
                                                                            two_wards: psycopg.Connection) -> None:
    code, out = run(settings, "set-target", "poverty_rate", "<=", "1.2", "--year", "2026", "--scope",
                    "Tỉnh Đồng Nai", "--direction", "lower")
    assert code == 0, out
    assert "lower is better" in out
    row = two_wards.execute("SELECT op, value, unit, direction, scope FROM kpi_targets "
                            "WHERE indicator = 'poverty_rate'").fetchone()
    assert row == ("<=", 1.2, "%", "lower", "Tỉnh Đồng Nai")          # the unit comes from the definition
    # a new indicator needs its unit; then it is a card like the shipped ones
    code, out = run(settings, "set-target", "forest_cover", ">=", "45", "--year", "2026")
    assert code != 0 and "give its unit" in out
    code, out = run(settings, "set-target", "forest_cover", ">=", "45", "--year", "2026", "--unit", "%",
                    "--scope", "25210")
    assert code == 0, out
    found = {t.indicator: t for t in source.load_targets(two_wards) if t.scope != "*" or t.indicator == "x"}
    assert found["forest_cover"].unit == "%" and found["forest_cover"].higher_is_better
    assert found["poverty_rate"].as_dict()["direction"] == "lower"


@pytest.mark.parametrize(("args", "reason"), [
    (["poverty_rate", ">=", "1.2", "--direction", "lower"], "'>=' means higher is better"),
    (["poverty_rate", "<=", "120"], "between 0 and 100"),
    (["video_conference_points", ">=", "11", "--unit", "%"], "is measured in 'điểm'"),
    (["online_submission", ">=", "85"], "fraction between 0 and 1"),
    (["online_submission", ">=", "0.85", "--unit", "%"], "without --unit"),
    (["Bad Key", ">=", "1", "--unit", "%"], "lower-case letters"),
    (["poverty_rate", "<=", "1", "--scope", "Tỉnh Không Có"], "neither '*', a current ward code"),
])
def test_set_target_refuses_with_the_reason(settings: Settings, two_wards: psycopg.Connection, args: list[str],
                                            reason: str) -> None:
    code, out = run(settings, "set-target", *args, "--year", "2026")
    assert code != 0 and reason in out, out
    assert two_wards.execute("SELECT count(*) FROM kpi_targets").fetchone() == (0,)


def test_import_indicators_reports_bad_rows_by_line_and_field(settings: Settings, two_wards: psycopg.Connection,
                                                             tmp_path: Path) -> None:
    path = sheet(tmp_path, [
        "poverty_rate,%,25210,2026-Q1,1.8",
        "poverty_rate,%,25195,2026-Q1,180",                 # line 3: not a percentage
        "health_insurance_coverage,người,25210,2026-Q1,93",  # line 4: wrong unit
        "video_conference_points,,25210,2026-Q1,2.5",        # line 5: not a whole count
        "e_document_exchange_rate,,25210,2026-Q1,91.5",      # blank unit: filled in
        "school_enrollment_rate,%,25210,2026-Q9,99",         # line 7: no such quarter
    ])
    code, out = run(settings, "import-indicators", str(path))
    assert code == 2, out
    for expected in ("line 3, value: 180 is not a percentage", "line 4, unit: 'người' is not the unit",
                     "line 5, value: 2.5 is not a whole number", "line 7, period"):
        assert expected in out, out
    stored = two_wards.execute("SELECT indicator, unit, value FROM kpi_indicator_values ORDER BY 1").fetchall()
    assert stored == [("e_document_exchange_rate", "%", 91.5), ("poverty_rate", "%", 1.8)]
    # --strict stores nothing from a file with a bad row; another kind of file is refused by name
    code, out = run(settings, "import-indicators", "--strict", str(sheet(tmp_path, [
        "poverty_rate,%,25195,2026-Q2,1.1", "poverty_rate,%,25195,2026-Q3,-1"], "strict.csv")))
    assert code == 2 and "nothing stored" in out
    assert two_wards.execute("SELECT count(*) FROM kpi_indicator_values").fetchone() == (2,)
    other = tmp_path / "catalogue.csv"
    other.write_text("ma_thu_tuc,ten_thu_tuc,muc_do\n1.001,Đăng ký khai sinh,4\n", encoding="utf-8")
    code, out = run(settings, "import-indicators", str(other))
    assert code != 0 and "not an indicator sheet" in out


def _ols_end(xs: list[int], ys: list[float], at: int) -> tuple[float, float, float]:
    """The fitted value at ``at`` and its 90% prediction interval, computed independently of forecast.py."""
    x, y = np.array(xs, float), np.array(ys, float)
    design = np.column_stack([np.ones_like(x), x])
    coef = np.linalg.solve(design.T @ design, design.T @ y)
    resid = y - design @ coef
    s = np.sqrt(resid @ resid / (len(x) - 2))
    g = np.array([1.0, at])
    se = s * np.sqrt(1 + g @ np.linalg.inv(design.T @ design) @ g)
    t = {2: 2.920, 3: 2.353, 4: 2.132}[len(x) - 2]
    fit = float(g @ coef)
    return fit, fit - t * se, fit + t * se


def test_status_and_forecast_of_a_running_year_and_a_finished_quarter(settings: Settings,
                                                                       two_wards: psycopg.Connection,
                                                                       tmp_path: Path) -> None:
    health = [90.5, 91.9, 91.0, 93.2, 92.6]             # 2025-Q2 … 2026-Q2 in 25210
    quarters = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    rows = [f"health_insurance_coverage,%,25210,{q},{v}" for q, v in zip(quarters, health, strict=True)]
    rows += ["poverty_rate,%,Tỉnh Đồng Nai,2026-Q1,1.6", "poverty_rate,%,Tỉnh Đồng Nai,2026-Q2,1.4",
             "video_conference_points,điểm,25210,2026-Q2,2", "video_conference_points,điểm,25195,2026-Q2,8",
             "population,người,25210,2026-Q2,20000", "vneid_level2_accounts,người,25210,2026-Q2,15000",
             "population,người,25195,2026-Q2,30000", "vneid_level2_accounts,người,25195,2026-Q2,21000",
             "e_document_exchange_rate,%,25210,2026-Q2,88", "e_document_exchange_rate,%,25195,2026-Q2,94"]
    assert run(settings, "import-indicators", str(sheet(tmp_path, rows)))[0] == 0
    for args in (["health_insurance_coverage", ">=", "95"], ["poverty_rate", "<=", "1.5"],
                 ["video_conference_points", ">=", "11"], ["vneid_level2_rate", ">=", "80"]):
        assert run(settings, "set-target", *args, "--year", "2026", "--scope", "Tỉnh Đồng Nai")[0] == 0
    year = {ln.key: ln for ln in socio_lines(two_wards, "Tỉnh Đồng Nai", periods.parse("2026"), NOW, TZ)}

    h = year["health_insurance_coverage"]
    assert h.value == 92.6 and h.value_period == "2026-Q2"   # the newest quarter inside the year
    # each quarter sits at its last month; the year is read at December 2026 (month index 2026×12+11)
    xs = [2025 * 12 + m - 1 for m in (6, 9, 12)] + [2026 * 12 + m - 1 for m in (3, 6)]
    fit, low, high = _ols_end([x - xs[0] for x in xs], health, 2026 * 12 + 11 - xs[0])
    assert h.forecast is not None and h.forecast.months_used == 5
    assert h.forecast.value == pytest.approx(fit, abs=1e-9)
    assert (h.forecast.low, h.forecast.high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    # the interval straddles 95 → at risk; the interval decides, not today's 92.6
    assert low < 95 < high and h.status == AT_RISK

    p = year["poverty_rate"]                               # the province's own row, two quarters: no forecast
    assert p.value == 1.4 and p.forecast is None and p.status == ON_TRACK   # value so far meets it
    v = year["video_conference_points"]                    # a count: the wards' sum
    assert v.value == 10 and v.status == AT_RISK and v.target is not None and v.target.unit == "điểm"
    e = year["vneid_level2_rate"]                          # a ratio of counts: numerator and denominator known
    assert (e.numerator, e.denominator) == (36000, 50000) and e.value == pytest.approx(72.0)
    d = year["e_document_exchange_rate"]                   # population-weighted where populations are known
    assert d.value == pytest.approx((88 * 20000 + 94 * 30000) / 50000)
    assert d.target is not None and d.target.value == 90 and "90%" in d.target.source   # the shipped default

    # a finished quarter is judged on its value alone
    q2 = {ln.key: ln for ln in socio_lines(two_wards, "Tỉnh Đồng Nai", periods.parse("2026-Q2"), NOW, TZ)}
    assert q2["health_insurance_coverage"].status == OFF_TRACK and q2["health_insurance_coverage"].forecast is None
    assert q2["poverty_rate"].status == ON_TRACK
    # the ward's own view: its own rows, the province's target (the ward has none of its own)
    ward = {ln.key: ln for ln in socio_lines(two_wards, "25195", periods.parse("2026-Q2"), NOW, TZ)}
    assert ward["video_conference_points"].value == 8 and ward["video_conference_points"].status == OFF_TRACK
