"""Noise against QCVN 26:2010/BTNMT (limits as data, energy means for Ld/Ln) and water against warning levels."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from ioc.errors import ImportDataError
from layers.environment import day_night_levels, energy_mean, load_noise_limits, warning_level
from layers.environment._noise import parse_noise_limits

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_shipped_limits_are_qcvn_26_table_1() -> None:
    limits = load_noise_limits()
    assert "QCVN 26:2010/BTNMT" in limits.source
    assert {a: dict(v) for a, v in limits.limits.items()} == {"normal": {"day": 70, "night": 55},
                                                               "special": {"day": 55, "night": 45}}
    day = datetime(2026, 12, 5, 6, 0, tzinfo=VN)
    assert limits.limit("normal", day) == 70 and limits.limit("special", day) == 55
    assert limits.limit("normal", day.replace(hour=5, minute=59)) == 55          # 21h–6h is night
    assert limits.limit("normal", day.replace(hour=21)) == 55
    assert limits.limit("normal", day.replace(hour=20, minute=59)) == 70
    assert limits.limit("unknown-area", day.replace(hour=23)) == 55               # judged as a normal area


def test_a_broken_limits_file_names_the_area(tmp_path: Path) -> None:
    doc = {"day": {"from": "06:00", "to": "21:00"}, "areas": {"normal": {"day": 70, "name_vi": "x", "name_en": "y"}}}
    with pytest.raises(ImportDataError, match=r"areas\.normal: needs numbers 'day' and 'night'"):
        parse_noise_limits(doc, tmp_path / "n.yaml")
    with pytest.raises(ImportDataError, match="'day.from'"):
        parse_noise_limits({"day": {"from": "6 am", "to": "21:00"}, "areas": {"normal": {
            "day": 70, "night": 55, "name_vi": "x", "name_en": "y"}}}, tmp_path / "n.yaml")


def test_levels_average_on_energy() -> None:
    assert energy_mean([60.0, 70.0]) == pytest.approx(67.40, abs=0.01)
    assert energy_mean([55.0, 55.0, 55.0]) == pytest.approx(55.0)
    assert energy_mean([]) is None


def test_day_and_night_levels_split_at_6_and_21() -> None:
    index = pd.DatetimeIndex([datetime(2026, 12, 5, h, tzinfo=VN) for h in (5, 6, 20, 21)])
    levels = day_night_levels(pd.Series([50.0, 70.0, 60.0, 56.0], index=index), load_noise_limits())
    assert levels["day"] == pytest.approx(energy_mean([70.0, 60.0]))
    assert levels["night"] == pytest.approx(energy_mean([50.0, 56.0]))


@pytest.mark.parametrize(("level", "expected"), [(39.9, 0), (40.0, 1), (59.9, 1), (60.0, 2), (80.0, 3), (None, None)])
def test_warning_level(level: float | None, expected: int | None) -> None:
    assert warning_level(level, (40.0, 60.0, 80.0)) == expected


def test_no_warning_level_without_three_levels() -> None:
    assert warning_level(100.0, ()) is None
