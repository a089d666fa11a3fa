"""Environment stations replay the real Hanoi PM2.5 series, shifted and scaled as each station declares."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from sensors.contract import EnvTelemetry
from sensors.fleet import Station
from sensors.sim.engine import SimConfig, Simulation
from sensors.sim.pm25 import Pm25Series, load_pm25, source_hour
from tests.sensors.helpers import parsed, small_fleet

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def source(pm25_csv: Path) -> dict[datetime, float]:
    """The valid readings, read independently of the simulator: QC 'Valid' and a concentration >= 0."""
    frame = pd.read_csv(pm25_csv)
    frame["hour"] = pd.to_datetime(frame["Date (LT)"], format="%Y-%m-%d %I:%M %p")
    valid = frame[(frame["QC Name"] == "Valid") & (frame["Raw Conc."] >= 0)].drop_duplicates("hour")
    return {ts.to_pydatetime(): float(v) for ts, v in zip(valid["hour"], valid["Raw Conc."], strict=True)}


def test_the_loader_keeps_valid_hours_and_marks_gaps(pm25: Pm25Series, source: dict[datetime, float]) -> None:
    assert pm25.first_hour == datetime(2016, 1, 1, 1)
    assert pm25.valid_hours == len(source)
    assert pm25.at(datetime(2016, 1, 1, 1)) == 94.7
    assert pm25.at(datetime(2018, 1, 4, 16)) is None  # -999, "Missing"
    assert pm25.at(datetime(2018, 1, 4, 20)) is None  # 74.0 but QC "Invalid"
    assert pm25.at(datetime(2017, 1, 12, 9)) is None  # -0.8 marked "Valid": not a concentration
    assert pm25.at(datetime(2015, 6, 1)) is None and pm25.at(datetime(2030, 6, 1)) is None


def test_source_hour_is_the_same_calendar_hour_shifted() -> None:
    station = Station(pm25_year=2018, pm25_shift_hours=-2, pm25_scale=0.5)
    assert source_hour(station, datetime(2026, 1, 4, 14, 37, tzinfo=VN)) == datetime(2018, 1, 4, 16)
    leap = Station(pm25_year=2017, pm25_shift_hours=0, pm25_scale=1.0)
    assert source_hour(leap, datetime(2028, 2, 29, 5, tzinfo=VN)) == datetime(2017, 2, 28, 5)


def test_replayed_pm25_matches_the_source_after_shift_and_scale(pm25: Pm25Series,
                                                                source: dict[datetime, float]) -> None:
    fleet = small_fleet(cameras=0, aps=0, stations=2)
    stations = {d.device_id: d.station for d in fleet.devices}
    sim = Simulation(fleet, pm25, SimConfig(seed=4))
    # The window covers a gap of 2018's series (4-5 January) for the station replaying 2018 two hours late.
    start = datetime(2026, 1, 4, 10, tzinfo=VN)
    results = parsed(sim.step(start, start + timedelta(hours=20)))
    records = [r for _, res in results for r in res.records if isinstance(r, EnvTelemetry)]
    assert len(records) == 2 * 20 * 60 and all(not res.rejections for _, res in results)
    compared = gaps = 0
    for record in records:
        station = stations[record.device_id]
        assert station is not None
        local = record.ts.astimezone(VN)
        hour = local.replace(minute=0, second=0, microsecond=0, tzinfo=None)
        src = hour.replace(year=station.pm25_year) - timedelta(hours=station.pm25_shift_hours)
        expected = source.get(src)
        if expected is None:
            assert record.pm25 is None
            gaps += 1
        else:
            assert record.pm25 == pytest.approx(expected * station.pm25_scale, abs=0.006)
            compared += 1
        assert record.temperature is not None and record.relative_humidity is not None and record.laeq is not None
    assert compared > 1500 and gaps >= 60


def test_an_unusable_series_file_is_an_import_error(tmp_path: Path) -> None:
    from ioc.errors import ImportDataError

    bad = tmp_path / "pm25.csv"
    bad.write_text("Date (LT),Raw Conc.,QC Name\nyesterday,12,Valid\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match=r"pm25.csv:2: 'Date \(LT\)'"):
        load_pm25(bad)
    bad.write_text("Date (LT),Raw Conc.,QC Name\n2016-01-01 01:00 AM,-999,Missing\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="no valid PM2.5 reading"):
        load_pm25(bad)
