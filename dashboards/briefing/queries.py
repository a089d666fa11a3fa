"""The briefing's own reads where no page has a week-bounded one: hourly PM2.5 of the environment stations over a
week (for days per VN_AQI band) and the registered devices silent longest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, rows, ward_codes


def pm25_hourly(pool: ConnectionPool, start: datetime, end: datetime, wards: Sequence[str] | None) -> pd.DataFrame:
    """device_id, name, ward_code, bucket (UTC hour), pm25 (the hour's mean) of every env station with a reading."""
    return frame(pool, """
        SELECT r.device_id, coalesce(d.name, r.device_id) AS name, d.ward_code, r.bucket, r.sum / nullif(r.n, 0) AS pm25
        FROM rollup_1h r JOIN devices d USING (device_id)
        WHERE d.kind = 'env' AND r.metric = 'pm25' AND r.bucket >= %(start)s AND r.bucket < %(end)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        ORDER BY r.device_id, r.bucket""", {"start": start, "end": end, "wards": ward_codes(wards)},
                 ("device_id", "name", "ward_code", "bucket", "pm25"))


def down_longest(pool: ConnectionPool, wards: Sequence[str] | None, n: int = 8) -> list[dict[str, Any]]:
    """Registered devices that are offline or stale now, silent longest first: device_id, name, kind, ward_code,
    state, last_data_at."""
    return rows(pool, """
        SELECT device_id, coalesce(name, device_id) AS name, kind, ward_code, state, last_data_at
        FROM device_state WHERE registered AND state IN ('offline', 'stale')
          AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
        ORDER BY last_data_at NULLS FIRST, device_id LIMIT %(n)s""", {"wards": ward_codes(wards), "n": n})
