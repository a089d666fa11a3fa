"""VN_AQI (Decision 1459/QĐ-TCMT) against the spec's tables and examples, hand-computed NowCasts and real data."""

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ioc.data import data_path
from layers.vn_aqi import (
    BANDS,
    BREAKPOINTS,
    POLLUTANTS,
    Band,
    band,
    daily_aqi,
    daily_aqi_series,
    hourly_aqi,
    hourly_aqi_series,
    mg_to_ug,
    nowcast,
    round_half_up,
    sub_index,
)
from layers.vn_aqi._nowcast import nowcast_array
from layers.vn_aqi._scale import sub_index_array

# The spec's table, transcribed independently of the module so that a typo in either shows up.
SPEC_I = (0, 50, 100, 150, 200, 300, 400, 500)
SPEC_BP = {
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 120, 170, 210, 400),
    "co": (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    "so2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "no2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 25, 50, 80, 150, 250, 350, 500),
}
SPEC_POINTS = [(p, bp, i) for p, bps in SPEC_BP.items() for bp, i in zip(bps, SPEC_I, strict=False)]


@pytest.mark.parametrize(("pollutant", "bp", "index"), SPEC_POINTS)
def test_every_breakpoint_maps_exactly_to_its_index(pollutant: str, bp: float, index: int) -> None:
    assert sub_index(pollutant, bp) == index


def test_module_table_has_exactly_the_spec_pollutants() -> None:
    assert set(BREAKPOINTS) == set(SPEC_BP) == set(POLLUTANTS)
    assert {p: len(BREAKPOINTS[p]) for p in SPEC_BP} == {p: len(v) for p, v in SPEC_BP.items()}


def test_spec_examples() -> None:
    pm = sub_index("pm25", 25.1)
    assert pm is not None and pm == pytest.approx(50.2)
    assert round_half_up(pm) == 50 and band(50).name_vi == "Tốt"
    no2 = sub_index("no2", 118.7)
    assert no2 is not None and no2 == pytest.approx(59.35)
    assert round_half_up(no2) == 59  # the decision's own example misprints 60


@pytest.mark.parametrize(
    ("pollutant", "c", "expected"),
    [("pm10", 100, 75), ("co", 20000, 75), ("so2", 1000, 225), ("o3_1h", 900, 350), ("pm25", 400, 1300 / 3)],
)
def test_interpolation_inside_segments(pollutant: str, c: float, expected: float) -> None:
    assert sub_index(pollutant, c) == pytest.approx(expected)


@pytest.mark.parametrize("pollutant", [p for p in SPEC_BP if p != "o3_8h"])
def test_top_and_above_top_give_500(pollutant: str) -> None:
    top = SPEC_BP[pollutant][-1]
    assert sub_index(pollutant, top) == 500
    assert sub_index(pollutant, top + 0.1) == sub_index(pollutant, 10 * top) == 500


def test_o3_8h_scale_stops_at_400() -> None:
    assert sub_index("o3_8h", 400) == 300
    assert sub_index("o3_8h", 400.01) is None
    assert sub_index("o3_8h", 5000) is None


@pytest.mark.parametrize("c", [-0.1, math.nan, math.inf])
def test_impossible_concentrations_have_no_sub_index(c: float) -> None:
    assert sub_index("pm25", c) is None


def test_unknown_pollutant_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="pm2.5"):
        sub_index("pm2.5", 10)


def test_co_from_mg() -> None:
    assert mg_to_ug(1.5) == 1500
    assert sub_index("co", mg_to_ug(10)) == 50


@pytest.mark.parametrize(("x", "expected"), [(50.5, 51), (59.35, 59), (50.49, 50), (0.5, 1), (2.5, 3), (50.2, 50)])
def test_round_half_up(x: float, expected: int) -> None:
    assert round_half_up(x) == expected


@given(st.decimals(min_value=0, max_value=1000, places=2))
def test_round_half_up_matches_decimal_arithmetic(d: Decimal) -> None:
    assert round_half_up(float(d)) == int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))


concentrations = st.floats(min_value=0, max_value=200_000, allow_nan=False)


@given(st.sampled_from(POLLUTANTS), concentrations, concentrations)
def test_sub_index_is_monotonic_and_bounded(pollutant: str, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    s_lo, s_hi = sub_index(pollutant, lo), sub_index(pollutant, hi)
    assert s_lo is not None or pollutant == "o3_8h"
    if s_lo is not None:
        assert 0 <= s_lo <= 500
    if s_lo is not None and s_hi is not None:
        assert s_lo <= s_hi


@given(st.sampled_from(POLLUTANTS), st.lists(st.floats(min_value=-10, max_value=200_000), max_size=20))
def test_vectorised_sub_index_equals_scalar(pollutant: str, cs: list[float]) -> None:
    expected = [sub_index(pollutant, c) for c in cs]
    got = sub_index_array(pollutant, np.array(cs, dtype=float))
    assert [None if math.isnan(g) else pytest.approx(g, rel=1e-12) for g in got] == expected


# ---- NowCast ----


def test_nowcast_of_a_constant_series_is_the_constant() -> None:
    assert nowcast([20.0] * 12) == pytest.approx(20.0)


def test_nowcast_weight_above_half_is_used() -> None:
    assert nowcast([40.0, 30.0]) == pytest.approx((40 + 0.75 * 30) / 1.75)


def test_nowcast_weight_at_or_below_half_clamps_to_half() -> None:
    assert nowcast([10.0, 40.0]) == pytest.approx((10 + 0.5 * 40) / 1.5)  # w* = 0.25 would give 16


@pytest.mark.parametrize("gap", [None, math.nan])
def test_nowcast_skips_missing_hours_in_both_sums(gap: float | None) -> None:
    # present c1, c3, c5; w* = 10/30 -> 0.5; absent hours keep their place (w², w⁴) and are not zeros
    expected = (30 + 0.25 * 20 + 0.0625 * 10) / (1 + 0.25 + 0.0625)
    assert nowcast([30.0, gap, 20.0, gap, 10.0]) == pytest.approx(expected)


@pytest.mark.parametrize("hours", [[10.0, None, None, 20.0, 20.0], [None, 10.0, None, 5.0], [10.0], []])
def test_no_nowcast_with_fewer_than_two_of_the_three_latest(hours: list[float | None]) -> None:
    assert nowcast(hours) is None


def test_two_of_the_three_latest_suffice() -> None:
    assert nowcast([None, 10.0, 12.0]) == pytest.approx((10 + 10 / 12 * 12) / (1 + 10 / 12))


def test_nowcast_keeps_small_negative_means() -> None:
    assert nowcast([-2.0, 4.0]) == pytest.approx(0.0)  # w* < 0 -> 0.5: (-2 + 0.5·4) / 1.5


def test_nowcast_takes_at_most_twelve_hours() -> None:
    with pytest.raises(ValueError, match="12"):
        nowcast([1.0] * 13)


hour_lists = st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1000)), max_size=12)


@given(hour_lists)
def test_nowcast_lies_between_present_extremes_and_matches_the_vectorised_form(hours: list[float | None]) -> None:
    got = nowcast(hours)
    row = np.full((1, 12), np.nan)
    row[0, : len(hours)] = [np.nan if h is None else h for h in hours]
    vec = nowcast_array(row)[0]
    if got is None:
        assert math.isnan(vec)
        return
    present = [h for h in hours if h is not None]
    assert min(present) - 1e-9 <= got <= max(present) + 1e-9
    assert vec == pytest.approx(got, rel=1e-12)


# ---- hourly and daily index ----


def test_hourly_index_is_the_largest_sub_index_rounded() -> None:
    result = hourly_aqi(pm25_last12=[25.1] * 12, no2=118.7)
    assert result is not None
    assert (result.value, result.dominant, result.band.key) == (59, "no2", "moderate")
    assert dict(result.sub_indices) == {"pm25": pytest.approx(50.2), "no2": pytest.approx(59.35)}


def test_hourly_index_needs_a_pm_sub_index() -> None:
    assert hourly_aqi(no2=500, co=20000) is None
    assert hourly_aqi(pm25_last12=[None, None, 10.0], no2=500) is None  # no NowCast, so no PM sub-index
    pm10_only = hourly_aqi(pm10_last12=[100.0] * 3)
    assert pm10_only is not None and pm10_only.value == 75


def test_hourly_o3_uses_the_1h_scale() -> None:
    result = hourly_aqi(pm25_last12=[5.0] * 3, o3=180)
    assert result is not None and (result.value, result.dominant) == (75, "o3_1h")  # 8 h scale would give 163


def test_daily_o3_takes_the_larger_of_its_two_scales() -> None:
    result = daily_aqi(pm25_24h=10, o3_1h_max=180, o3_8h_max=150)
    assert result is not None and (result.value, result.dominant) == (130, "o3_8h")
    assert result.sub_indices["o3_1h"] == pytest.approx(75)


def test_daily_o3_8h_scale_not_used_above_400() -> None:
    result = daily_aqi(pm25_24h=10, o3_1h_max=450, o3_8h_max=410)
    assert result is not None and (result.value, result.dominant) == (213, "o3_1h")  # 212.5 rounds up
    assert "o3_8h" not in result.sub_indices
    at_top = daily_aqi(pm25_24h=10, o3_1h_max=450, o3_8h_max=400)
    assert at_top is not None and (at_top.value, at_top.dominant) == (300, "o3_8h")


def test_daily_uses_highest_1h_means_and_needs_pm() -> None:
    result = daily_aqi(pm10_24h=40, so2_1h_max=1000, no2_1h_max=150, co_1h_max=mg_to_ug(20))
    assert result is not None and (result.value, result.dominant, result.band.key) == (225, "so2", "very_bad")
    assert daily_aqi(so2_1h_max=1000) is None


# ---- bands ----

SPEC_RGB = [(0, 228, 0), (255, 255, 0), (255, 126, 0), (255, 0, 0), (143, 63, 151), (126, 0, 35)]


@pytest.mark.parametrize(
    ("aqi", "key"),
    [(0, "good"), (50, "good"), (51, "moderate"), (100, "moderate"), (101, "poor"), (150, "poor"), (151, "bad"),
     (200, "bad"), (201, "very_bad"), (300, "very_bad"), (301, "hazardous"), (500, "hazardous")],
)  # fmt: skip
def test_band_edges(aqi: int, key: str) -> None:
    assert band(aqi).key == key


@pytest.mark.parametrize("aqi", [-1, 501])
def test_band_outside_the_scale_is_a_value_error(aqi: int) -> None:
    with pytest.raises(ValueError):
        band(aqi)


def test_bands_follow_the_spec_table() -> None:
    assert [b.rgb for b in BANDS] == SPEC_RGB
    assert [b.hex for b in BANDS] == ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#8f3f97", "#7e0023"]
    assert [b.name_vi for b in BANDS] == ["Tốt", "Trung bình", "Kém", "Xấu", "Rất xấu", "Nguy hại"]
    assert [(b.lo, b.hi) for b in BANDS] == [(0, 50), (51, 100), (101, 150), (151, 200), (201, 300), (301, 500)]
    assert all(b.advice_vi and b.advice_en and b.name_en for b in BANDS)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("b", BANDS, ids=lambda b: b.key)
def test_text_colour_is_the_more_legible_of_black_and_white(b: Band) -> None:
    best = max(("#000000", "#ffffff"), key=lambda text: _contrast(text, b.hex))
    assert b.text_hex == best
    assert _contrast(b.text_hex, b.hex) >= 4.5  # WCAG AA for small map labels


# ---- pandas series ----

T0 = pd.Timestamp("2024-01-01 00:00", tz="Asia/Ho_Chi_Minh")


def _hours(values: dict[int, float]) -> pd.Series:
    return pd.Series(list(values.values()), index=[T0 + pd.Timedelta(hours=h) for h in values], dtype=float)


def test_hourly_series_treats_absent_and_nan_hours_as_not_present() -> None:
    absent = hourly_aqi_series(_hours({0: 40.0, 2: 20.0, 3: 30.0}))
    nan = hourly_aqi_series(_hours({0: 40.0, 1: math.nan, 2: 20.0, 3: 30.0}))
    pd.testing.assert_frame_equal(absent, nan)
    assert list(absent.index) == [T0 + pd.Timedelta(hours=h) for h in range(4)]
    assert absent["nowcast"].isna().tolist() == [True, True, False, False]
    assert absent["nowcast"].iloc[2] == pytest.approx((20 + 0.25 * 40) / 1.25)
    assert absent["nowcast"].iloc[3] == pytest.approx((30 + 0.5 * 20 + 0.125 * 40) / 1.625)
    assert absent["aqi"].tolist() == [pd.NA, pd.NA, 48, 55]
    assert absent["aqi"].dtype == "Int64"
    assert absent["band"].astype(object).tolist()[2:] == ["good", "moderate"]
    zero_filled = hourly_aqi_series(_hours({0: 40.0, 1: 0.0, 2: 20.0, 3: 30.0}))
    assert zero_filled["nowcast"].iloc[3] != pytest.approx(absent["nowcast"].iloc[3])


def test_hourly_series_rejects_naive_or_irregular_timestamps() -> None:
    with pytest.raises(ValueError, match="tz-aware"):
        hourly_aqi_series(pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="h")))
    irregular = _hours({0: 1.0, 1: 2.0})
    irregular.index = [T0, T0 + pd.Timedelta(minutes=90)]
    with pytest.raises(ValueError, match="hourly grid"):
        hourly_aqi_series(irregular)


def test_daily_series_buckets_at_local_midnight() -> None:
    utc = pd.to_datetime(["2024-01-01 16:30", "2024-01-01 17:30", "2024-01-01 23:30", "2024-01-02 01:30"], utc=True)
    daily = daily_aqi_series(pd.Series([10.0, 40.0, math.nan, 20.0], index=utc))
    assert [d.isoformat() for d in daily.index] == ["2024-01-01T00:00:00+07:00", "2024-01-02T00:00:00+07:00"]
    assert daily["pm25_24h"].tolist() == [10.0, 30.0]  # 23:30 UTC is 06:30 on the next local day; NaN not counted
    assert daily["hours"].tolist() == [1, 2]
    assert daily["aqi"].tolist() == [20, 60]
    assert daily["band"].astype(object).tolist() == ["good", "moderate"]


# ---- real data: the US Embassy Hanoi monitor's own NowCast (AirNow, same weighting rule) ----

HANOI = "air_quality/hanoi_pm25_hourly_2016_2020.csv"


@pytest.fixture(scope="module")
def hanoi() -> pd.DataFrame:
    """Raw hourly PM2.5 (present = a value with QC Valid or Suspect) and the file's NowCast, on local time."""
    raw = pd.read_csv(data_path(HANOI), usecols=["Date (LT)", "NowCast Conc.", "Raw Conc.", "QC Name"])
    stamps = pd.to_datetime(raw["Date (LT)"], format="%Y-%m-%d %I:%M %p")
    # The files were stamped on a US daylight-saving clock: on US spring-forward days 02:00 is missing and 03:00
    # appears twice, in time order. The first "03:00" is 02:00.
    stamps = stamps.mask(stamps.duplicated(keep="last"), stamps - pd.Timedelta(hours=1))
    present = raw["Raw Conc."].ne(-999) & raw["QC Name"].isin(["Valid", "Suspect"])
    frame = pd.DataFrame(
        {"raw": raw["Raw Conc."].where(present), "file": raw["NowCast Conc."].where(raw["NowCast Conc."] != -999)}
    )
    frame.index = pd.DatetimeIndex(stamps).tz_localize("Asia/Ho_Chi_Minh")
    assert frame.index.is_unique and frame.index.is_monotonic_increasing
    return frame


@pytest.fixture(scope="module")
def compared(hanoi: pd.DataFrame) -> pd.DataFrame:
    ours = hourly_aqi_series(hanoi["raw"])
    # The first 11 hours' windows reach into 2015, which the file does not hold.
    file = pd.DataFrame({"file": hanoi["file"], "file_before": hanoi["file"].shift()})
    return ours.join(file, how="inner").iloc[11:]


def test_vectorised_series_equals_scalar_functions_on_real_data(hanoi: pd.DataFrame) -> None:
    ours = hourly_aqi_series(hanoi["raw"])
    values = ours["pm25"].tolist()
    for t in range(len(values)):
        window = [None if math.isnan(v) else v for v in values[max(0, t - 11) : t + 1][::-1]]
        expected = nowcast(window)
        got = ours["nowcast"].iloc[t]
        assert (math.isnan(got) and expected is None) or got == pytest.approx(expected, rel=1e-12), ours.index[t]
        aqi = ours["aqi"].iloc[t]
        s = sub_index("pm25", expected) if expected is not None else None
        assert (aqi is pd.NA and s is None) or aqi == round_half_up(s or 0.0), ours.index[t]


def test_nowcast_agrees_with_the_monitors_own(compared: pd.DataFrame) -> None:
    both = compared.dropna(subset=["nowcast", "file"])
    diff = (both["nowcast"] - both["file"]).abs()
    assert len(both) > 31_900
    assert (diff <= 0.1 + 1e-9).mean() >= 0.999  # the file publishes one decimal of unrounded inputs
    assert diff.max() < 0.15
    # From July 2018 the file truncates to one decimal, its inputs are integers and match ours: exact agreement.
    late = both.loc["2018-07-01":]
    assert len(late) > 10_000
    assert np.allclose(np.floor(late["nowcast"] * 10 + 1e-6) / 10, late["file"], rtol=0, atol=1e-9)


def test_nowcast_presence_follows_the_two_of_three_rule(compared: pd.DataFrame) -> None:
    ours, file = compared["nowcast"].notna(), compared["file"].notna()
    assert not (ours & ~file).any()
    # Where the file publishes and we do not, it repeats its previous hour's value for up to 3 hours (AirNow
    # carries a stale NowCast forward); the spec says there is no NowCast.
    stale = file & ~ours
    assert 0 < stale.sum() < 0.005 * file.sum()
    assert (compared["file"][stale] == compared["file_before"][stale]).all()
    runs = stale.groupby((~stale).cumsum()).sum()
    assert runs.max() == 3
