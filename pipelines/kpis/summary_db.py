"""Load, compute, summarize: the one path from the database to a :class:`Summary`, for the CLI and the dashboard."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg

from pipelines.kpis import source
from pipelines.kpis.compute import Computed, compute
from pipelines.kpis.periods import Period
from pipelines.kpis.summary import Summary, summarize


def computed(conn: psycopg.Connection, period: Period, now: datetime, tz: ZoneInfo) -> Computed:
    return compute(source.load(conn, period, now, tz), period, now, tz)


def summary(conn: psycopg.Connection, period: Period, scope: str | None, now: datetime, tz: ZoneInfo) -> Summary:
    return summarize(computed(conn, period, now, tz), scope)
