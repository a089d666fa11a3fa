"""Socio-economic lines from PostgreSQL: load the indicator sheets, the wards, the mapping and the targets, then
:func:`pipelines.kpis.socio.lines`. For the CLI, the /adoption page and the API alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg

from layers.ward_mapping_db import load_mapping
from pipelines.kpis import source
from pipelines.kpis.periods import Period
from pipelines.kpis.socio import SocioLine, lines


def socio_lines(conn: psycopg.Connection, scope: str | None, period: Period, now: datetime, tz: ZoneInfo,
                keys: Sequence[str] | None = None) -> list[SocioLine]:
    return lines(source.indicator_values(conn), load_mapping(conn), source.current_wards(conn),
                 source.load_targets(conn), scope, period, now, tz, keys)
