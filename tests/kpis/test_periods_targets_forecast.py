"""Periods in local time, target look-up and status, and the forecast on known series."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from pipelines.kpis import periods
from pipelines.kpis.compute import KpiInputs, compute
from pipelines.kpis.forecast import MonthCounts, month_index, period_end
from pipelines.kpis.targets import AT_RISK, DEFAULTS, OFF_TRACK, ON_TRACK, Target, find, merged, status
from tests.kpis.support import TZ, dossier, frame, local


def test_a_dossier_received_at_1730_utc_on_31_january_is_a_february_dossier() -> None:
    ts = pd.Series(pd.to_datetime(["2025-01-31T17:30:00Z", "2025-01-31T16:59:59Z"], utc=True))
    assert periods.local_month(ts, TZ).tolist() == [date(2025, 2, 1), date(2025, 1, 1)]
    rows = frame([dossier(dossier_id="late-night", received_at=datetime(2025, 1, 31, 17, 30, tzinfo=UTC),
                          due_at=local("2025-02-05 17:00"), resolved_at=local("2025-02-03 09:00"))])
    inputs = KpiInputs(rows, pd.DataFrame(columns=["unit", "ward_code", "old_city", "old_ward", "month"]),
                       pd.DataFrame(), pd.DataFrame(), pd.DataFrame(columns=["old_city", "old_ward", "new_ward_code",
                                                                             "weight"]),
                       pd.DataFrame({"code": ["25210"], "name": ["Phường Đồng Xoài"], "province": ["Tỉnh Đồng Nai"]}))
    now = local("2025-06-01 00:00")
    assert compute(inputs, periods.parse("2025-02"), now, TZ).by_ward["received"].sum() == 1
    assert compute(inputs, periods.parse("2025-01"), now, TZ).by_ward["received"].sum() == 0


def test_periods_are_bounded_at_local_midnight() -> None:
    year = periods.parse("2025")
    start, end = year.bounds(TZ)
    assert start.astimezone(UTC) == datetime(2024, 12, 31, 17, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert periods.parse("2025-Q2").months() == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    assert periods.parse("2025-12").end == date(2026, 1, 1)
    with pytest.raises(periods.PeriodError):
        periods.parse("2025-13")


def test_months_ahead_counts_the_rest_of_the_current_month() -> None:
    ahead = periods.months_ahead(periods.parse("2025"), local("2025-11-16 00:00"), TZ)
    assert [m for m, _ in ahead] == [date(2025, 11, 1), date(2025, 12, 1)]
    assert ahead[0][1] == pytest.approx(15 / 30) and ahead[1][1] == 1.0


def test_target_lookup_goes_ward_then_province_then_everywhere_and_back_in_years() -> None:
    targets = merged([Target("online_submission", 2026, ">=", 0.9, "Tỉnh Đồng Nai"),
                      Target("online_submission", 2025, ">=", 0.95, "25210")])
    assert find(targets, "online_submission", 2026, ["25210", "Tỉnh Đồng Nai", "*"]).value == 0.95   # 2025 ward
    assert find(targets, "online_submission", 2026, ["25195", "Tỉnh Đồng Nai", "*"]).value == 0.9
    assert find(targets, "online_submission", 2026, ["*"]).value == 0.8          # the Bình Dương default
    assert find(targets, "online_submission", 2024, ["*"]) is None               # no target before 2025
    assert {t.indicator: (t.op, t.value) for t in DEFAULTS} == {
        "online_submission": (">=", 0.8), "end_to_end_online": (">", 0.5), "online_payment": (">=", 0.8),
        "output_digitization": (">", 0.9), "input_digitization": (">", 0.6)}


@pytest.mark.parametrize(("target", "value", "over", "low", "high", "expected"), [
    (Target("x", 2025, ">=", 0.8), 0.80, True, None, None, ON_TRACK),         # ≥ meets at equality
    (Target("x", 2025, ">", 0.5), 0.50, True, None, None, OFF_TRACK),         # > does not
    (Target("x", 2025, ">=", 0.8), 0.75, False, 0.81, 0.86, ON_TRACK),        # even the low end meets it
    (Target("x", 2025, ">=", 0.8), 0.75, False, 0.78, 0.83, AT_RISK),
    (Target("x", 2025, ">=", 0.8), 0.90, False, 0.70, 0.79, OFF_TRACK),       # the forecast rules, not today
    (Target("x", 2025, "<=", 0.05), 0.04, False, 0.03, 0.06, AT_RISK),        # lower is better: high is worst
    (Target("x", 2025, "<=", 0.05), 0.04, False, 0.03, 0.045, ON_TRACK),
    (Target("x", 2025, ">=", 0.8), 0.70, False, None, None, AT_RISK),         # no trend: never called lost
    (Target("x", 2025, ">=", 0.8), 0.85, False, None, None, ON_TRACK),
    (None, 0.85, False, None, None, None),
])
def test_status_rule(target: Target | None, value: float, over: bool, low: float | None, high: float | None,
                     expected: str | None) -> None:
    assert status(target, value, over=over, low=low, high=high) == expected


def _months(rates: list[float], den: float = 100, first: int = 1) -> list[MonthCounts]:
    return [MonthCounts(month_index(2025, first + i), r * den, den) for i, r in enumerate(rates)]


def test_forecast_of_a_straight_line_is_exact() -> None:
    history = _months([0.50, 0.52, 0.54, 0.56, 0.58, 0.60])
    ahead = [(month_index(2025, m), 1.0) for m in range(7, 13)]
    f = period_end(history, (330.0, 600.0), ahead)
    assert f is not None
    assert f.value == pytest.approx((330 + 0.67 * 600) / 1200)     # Q = mean(0.62 … 0.72) = 0.67
    assert f.low == pytest.approx(f.value) and f.high == pytest.approx(f.value)
    assert f.slope == pytest.approx(0.02)


def test_forecast_interval_worked_by_hand() -> None:
    # y = 0.5, 0.7, 0.6: slope 0.05, s² = 0.015 with 1 dof, t = 6.314; one month ahead at x − x̄ = 2:
    # se = s·√(1 + 1/3 + 4/2) = 0.2236, so Q = 0.70 ± 1.412, clipped to [0, 1]; R = (180 + 100·Q) / 400
    f = period_end(_months([0.5, 0.7, 0.6]), (180.0, 300.0), [(month_index(2025, 4), 1.0)])
    assert f is not None
    assert (f.value, f.low, f.high) == pytest.approx((0.625, 0.45, 0.70))


def test_forecast_needs_three_months_and_something_ahead() -> None:
    assert period_end(_months([0.5, 0.6]), (110.0, 200.0), [(month_index(2025, 3), 1.0)]) is None
    assert period_end(_months([0.5, 0.6, 0.7]), (180.0, 300.0), []) is None


def test_noisier_history_gives_a_wider_band() -> None:
    ahead = [(month_index(2025, m), 1.0) for m in (10, 11, 12)]
    calm = period_end(_months([0.700, 0.712, 0.719, 0.731, 0.740, 0.749, 0.761, 0.769, 0.780]), (670, 900), ahead)
    rough = period_end(_months([0.70, 0.76, 0.66, 0.78, 0.70, 0.80, 0.72, 0.82, 0.74]), (670, 900), ahead)
    assert calm is not None and rough is not None
    assert 0 < calm.high - calm.low and rough.high - rough.low > 3 * (calm.high - calm.low)
    assert calm.low <= calm.value <= calm.high
