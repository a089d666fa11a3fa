"""Data completeness (issue 16): periodic readings stored ÷ readings expected, per device, kind, ward and network.

Stored comes from ``ingest_accounting.periodic`` (written with the data); expected from the registry: the window's
seconds since the device was registered (or the window's start) ÷ its interval. A silent hour has no accounting row
and so counts as missing. Windows are whole UTC hours back from now ("24h": since the hour 24 h ago began).

:func:`by_device` takes a plain connection: the entry point for alarm rules ("completeness under a threshold") and
for the dashboards' readers (dashboards/queries/completeness.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row

FLAG_BELOW = 0.90                       # a device under this over 24 h is flagged on /devices and in the API
SPANS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
Group = Literal["device", "kind", "ward", "network"]


@dataclass(frozen=True)
class Completeness:
    key: str                    # the device id, kind, ward code ('' when none) or 'network'
    stored: int
    expected: float

    @property
    def ratio(self) -> float | None:
        """stored ÷ expected, at most 1 (a device that sends faster than its interval is complete, not 120 %)."""
        return min(1.0, self.stored / self.expected) if self.expected > 0 else None

    @property
    def flagged(self) -> bool:
        return self.ratio is not None and self.ratio < FLAG_BELOW


_BY_DEVICE = """
WITH w AS (SELECT time_bucket('1 hour', now() - %(span)s::interval) AS start, now() AS stop),
     acc AS (SELECT a.device_id, sum(a.periodic)::bigint AS stored
             FROM ingest_accounting a, w WHERE a.hour >= w.start GROUP BY a.device_id)
SELECT s.device_id, s.kind, coalesce(s.ward_code, '') AS ward_code, coalesce(acc.stored, 0)::bigint AS stored,
       greatest(0, extract(epoch FROM w.stop - greatest(w.start, coalesce(s.registered_at, w.start)))
                   / s.interval_s)::float8 AS expected
FROM device_state s CROSS JOIN w LEFT JOIN acc USING (device_id)
WHERE s.registered
  AND (%(device)s::text IS NULL OR s.device_id = %(device)s)
  AND (%(kind)s::text IS NULL OR s.kind = %(kind)s)
  AND (%(ward)s::text IS NULL OR s.ward_code = %(ward)s)
  AND (%(ids)s::text[] IS NULL OR s.device_id = ANY(%(ids)s))
ORDER BY s.device_id
"""


def by_device(conn: psycopg.Connection, span: timedelta, *, device: str | None = None, kind: str | None = None,
              ward: str | None = None, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Registered devices' completeness over ``span``: device_id, kind, ward_code, stored, expected, ratio, flagged.

    Filters combine; ``ids`` limits to those devices (a page of /devices)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(_BY_DEVICE, {"span": span, "device": device, "kind": kind, "ward": ward,
                                 "ids": None if ids is None else list(ids)})
        found = cur.fetchall()
    for row in found:
        c = Completeness(str(row["device_id"]), int(row["stored"]), float(row["expected"]))
        row |= {"ratio": c.ratio, "flagged": c.flagged}
    return found


def grouped(rows: Iterable[dict[str, Any]], by: Group) -> list[Completeness]:
    """Per-device rows summed per kind, ward or the whole network (pure)."""
    if by == "device":
        return [Completeness(str(r["device_id"]), int(r["stored"]), float(r["expected"]))
                for r in rows]
    sums: dict[str, tuple[int, float]] = {}
    for r in rows:
        key = "network" if by == "network" else str(r["ward_code" if by == "ward" else "kind"])
        stored, expected = sums.get(key, (0, 0.0))
        sums[key] = (stored + int(r["stored"]), expected + float(r["expected"]))
    return [Completeness(k, s, e) for k, (s, e) in sorted(sums.items())]
