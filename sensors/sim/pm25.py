"""The real hourly PM2.5 series environment stations replay: US Embassy Hanoi (StateAir), 2016-2020, local time.

Read once at run time (never at import) from data/air_quality/ (shipped with the package, see ioc.data). A reading
that is missing, negative (-999) or whose QC is not "Valid" is a gap: the replay sends no PM2.5 for that hour rather
than inventing one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ioc.data import data_path
from ioc.errors import ImportDataError
from sensors.fleet import Station

# Shipped with the package (public US-government data; see data/README.md).
DEFAULT_CSV = "air_quality/hanoi_pm25_hourly_2016_2020.csv"
_TIME_FORMAT = "%Y-%m-%d %I:%M %p"
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Pm25Series:
    """Hourly values on a gapless grid from ``first_hour`` (naive local time); None marks a gap."""

    first_hour: datetime
    values: tuple[float | None, ...]

    def at(self, hour: datetime) -> float | None:
        """The value of the local hour starting at ``hour`` (naive), None outside the series or in a gap."""
        index = (hour - self.first_hour) // _HOUR
        return self.values[index] if 0 <= index < len(self.values) else None

    @property
    def valid_hours(self) -> int:
        return sum(v is not None for v in self.values)


def load_pm25(path: Path | None = None) -> Pm25Series:
    """The series in ``path`` [the shipped one] (columns "Date (LT)", "Raw Conc.", "QC Name"); ImportDataError if
    unusable."""
    path = path or data_path(DEFAULT_CSV)
    found: dict[datetime, float] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                hour, value = _reading(path, line, row)
                if value is not None:
                    found.setdefault(hour, value)  # a repeated hour keeps its first valid reading
    except OSError as exc:
        raise ImportDataError(f"{path}: cannot read the PM2.5 series: {exc.strerror or exc}") from None
    if not found:
        raise ImportDataError(f"{path}: no valid PM2.5 reading (QC 'Valid', 'Raw Conc.' >= 0)")
    first, last = min(found), max(found)
    count = (last - first) // _HOUR + 1
    return Pm25Series(first, tuple(found.get(first + i * _HOUR) for i in range(count)))


def _reading(path: Path, line: int, row: dict[str, str]) -> tuple[datetime, float | None]:
    try:
        hour = datetime.strptime(row["Date (LT)"].strip(), _TIME_FORMAT)
    except (KeyError, AttributeError, ValueError):
        raise ImportDataError(f"{path}:{line}: 'Date (LT)' is not a time like 2016-01-01 01:00 AM") from None
    try:
        value = float(row.get("Raw Conc.") or "nan")
    except ValueError:
        return hour, None
    valid = (row.get("QC Name") or "").strip() == "Valid" and 0 <= value <= 1000
    return hour, value if valid else None


def source_hour(station: Station, local: datetime) -> datetime:
    """The source hour (naive local) a station replays at ``local``: same calendar hour in its year, shifted."""
    hour = local.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        aligned = hour.replace(year=station.pm25_year)
    except ValueError:  # 29 February into a common year
        aligned = hour.replace(year=station.pm25_year, day=28)
    return aligned - timedelta(hours=station.pm25_shift_hours)


def replay_pm25(series: Pm25Series, station: Station, local: datetime) -> float | None:
    """The station's PM2.5 at ``local``: its scale times the source hour's value (None in a gap)."""
    value = series.at(source_hour(station, local))
    return None if value is None else round(value * station.pm25_scale, 2)
