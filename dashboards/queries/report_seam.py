"""The seam to field reports (``dashboards.queries.reports``, another feature): the wall and ward pages use it when
it is installed and say "not yet available" when it is not, instead of showing a zero that reads as "no problems".
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from zoneinfo import ZoneInfo

import geopandas as gpd
from psycopg_pool import ConnectionPool

MODULE = "dashboards.queries.reports"


@dataclass(frozen=True)
class ReportCounts:
    open: int
    overdue: int
    paused: int                     # waiting for the citizen: the SLA clock is stopped
    received_today: int | None      # city-wide only (None for one ward)


def module() -> ModuleType | None:
    """The field reports' queries, or None while that feature is not installed."""
    try:
        return importlib.import_module(MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != MODULE:
            raise   # the module is there but something it needs is not: a bug, not an absence
        return None


def open_reports(pool: ConnectionPool, ward: str | None, now: datetime) -> gpd.GeoDataFrame | None:
    """Open reports with a location (for ``layers.build.report_layer``); None when reports are not installed."""
    found = module()
    return None if found is None else found.open_reports(pool, ward_code=ward, now=now)


def counts(pool: ConnectionPool, now: datetime, tz: ZoneInfo, wards: Sequence[str] | None) -> ReportCounts | None:
    """Open, overdue and paused reports (of ``wards``, else the city, with today's intake); None: not installed."""
    found = module()
    if found is None:
        return None
    if wards is None:
        tiles = found.report_tiles(pool, now, tz)
        return ReportCounts(tiles.open, tiles.overdue, tiles.paused, tiles.received_today)
    open_, overdue, paused = found.open_counts(pool, now, list(wards))
    return ReportCounts(open_, overdue, paused, None)
