"""Camera events for the feed and the API: newest first, a bounded number, with the device's place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, ward_codes

COLUMNS = ("ts", "device_id", "name", "ward_code", "type", "confidence", "snapshot_url", "note")


@dataclass(frozen=True)
class EventFilter:
    start: datetime
    end: datetime
    type: str | None = None
    device_id: str | None = None
    ward: str | None = None


def newest(pool: ConnectionPool, limit: int = 10, wards: Sequence[str] | None = None,
           since_hours: int = 24, now: datetime | None = None) -> pd.DataFrame:
    """The wall feed: newest camera events of the last day (an index scan on ts, never a chart).

    A camera whose clock runs ahead stamps its events in the future (the contract tolerates 10 minutes of skew);
    a wall must not show them later than it is. An event is dated by the device, but never after we received it,
    and nothing received after ``now`` (the wall's render time) is shown."""
    return frame(pool, """
        SELECT least(e.ts, e.received_at) AS ts, e.device_id, coalesce(d.name, e.device_id) AS name, d.ward_code,
               e.type, e.confidence, e.snapshot_url, e.note
        FROM camera_events e LEFT JOIN devices d USING (device_id)
        WHERE e.ts > coalesce(%(now)s, now()) - make_interval(hours => %(h)s)
          AND e.received_at <= coalesce(%(now)s, now())
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        ORDER BY e.ts DESC LIMIT %(limit)s""", {"h": since_hours, "wards": ward_codes(wards), "limit": limit,
                                                "now": now}, COLUMNS)


def search(pool: ConnectionPool, where: EventFilter, limit: int, offset: int = 0) -> pd.DataFrame:
    return frame(pool, """
        SELECT e.ts, e.device_id, coalesce(d.name, e.device_id) AS name, d.ward_code, e.type, e.confidence,
               e.snapshot_url, e.note
        FROM camera_events e LEFT JOIN devices d USING (device_id)
        WHERE e.ts >= %(start)s AND e.ts < %(end)s
          AND (%(type)s::text IS NULL OR e.type = %(type)s)
          AND (%(device)s::text IS NULL OR e.device_id = %(device)s)
          AND (%(ward)s::text IS NULL OR d.ward_code = %(ward)s)
        ORDER BY e.ts DESC, e.device_id OFFSET %(offset)s LIMIT %(limit)s""",
                 {"start": where.start, "end": where.end, "type": where.type, "device": where.device_id,
                  "ward": where.ward, "offset": offset, "limit": limit}, COLUMNS)
