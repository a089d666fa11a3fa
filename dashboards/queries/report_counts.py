"""Open, overdue and paused field reports for the wall's and the ward page's tiles: the city's or some wards'."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from dashboards.queries import reports


@dataclass(frozen=True)
class ReportCounts:
    open: int
    overdue: int
    paused: int                     # waiting for the citizen: the SLA clock is stopped
    received_today: int | None      # city-wide only (None for one ward)


def counts(pool: ConnectionPool, now: datetime, tz: ZoneInfo, wards: Sequence[str] | None) -> ReportCounts:
    """Open, overdue and paused reports of ``wards``, else of the city with today's intake."""
    if wards is None:
        tiles = reports.report_tiles(pool, now, tz)
        return ReportCounts(tiles.open, tiles.overdue, tiles.paused, tiles.received_today)
    open_, overdue, paused = reports.open_counts(pool, now, list(wards))
    return ReportCounts(open_, overdue, paused, None)
