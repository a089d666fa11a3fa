"""Socio-economic indicators for the /adoption page and the API: the same lines ``ioc kpis indicators`` prints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from pipelines.kpis.periods import Period
from pipelines.kpis.socio import SocioLine
from pipelines.kpis.socio_db import socio_lines


def lines(pool: ConnectionPool, scope: str | None, period: Period, now: datetime, tz: ZoneInfo,
          keys: Sequence[str] | None = None) -> list[SocioLine]:
    with pool.connection() as conn:
        return socio_lines(conn, scope, period, now, tz, keys)
