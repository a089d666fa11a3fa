"""Which ward a device (or any point) is in, on a date. Boundary and outside points are listed, never dropped.

A point strictly inside one ward valid on the date is ``inside``. A point on a ward's edge, or in an overlap of two
polygons, is ``boundary``: it is still given a ward (the one containing it strictly, else the lowest code: the
rule of the SQL function ``ioc_ward_at``) so it is counted once, and it is listed for a person to check. A point
in no ward is ``outside`` and its ``ward_code`` is cleared. A device without a location is ``unlocated``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg

# Ward validity dates are Vietnamese calendar dates.
WARD_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_PLACE = """
WITH c AS (
    SELECT d.device_id, w.code, ST_Contains(w.geom, d.location) AS inside
    FROM devices d
    LEFT JOIN ioc_wards_at(%(on_date)s) w ON ST_Covers(w.geom, d.location)
    WHERE d.location IS NOT NULL
)
SELECT device_id,
       coalesce(array_agg(code ORDER BY inside DESC, code) FILTER (WHERE code IS NOT NULL), '{}') AS codes,
       coalesce(bool_or(inside), false) AS strictly_inside
FROM c GROUP BY device_id ORDER BY device_id
"""
_SET = """
UPDATE devices d SET ward_code = v.code
FROM (SELECT unnest(%s::text[]) AS device_id, unnest(%s::text[]) AS code) v
WHERE d.device_id = v.device_id AND d.ward_code IS DISTINCT FROM v.code
"""


@dataclass(frozen=True)
class AssignmentReport:
    """Device ids by placement on ``on_date``; ``candidates`` gives the wards each boundary device touches."""

    on_date: date
    inside: tuple[str, ...] = ()
    boundary: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    unlocated: tuple[str, ...] = ()
    changed: int = 0
    candidates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def summary(self) -> str:
        """One log line: counts, with the ids a person should look at."""
        def ids(group: tuple[str, ...]) -> str:
            return f" ({', '.join(group[:10])}{' …' if len(group) > 10 else ''})" if group else ""
        return (f"{self.on_date}: {len(self.inside)} inside, {len(self.boundary)} on a boundary{ids(self.boundary)}, "
                f"{len(self.outside)} outside every ward{ids(self.outside)}, {len(self.unlocated)} without a location"
                f"{ids(self.unlocated)}")


def today() -> date:
    return datetime.now(WARD_TZ).date()


def assign_devices(conn: psycopg.Connection, on_date: date | None = None) -> AssignmentReport:
    """Set ``devices.ward_code`` from the wards valid on ``on_date`` (default: today in Vietnam)."""
    day = on_date or today()
    inside: list[str] = []
    boundary: list[str] = []
    outside: list[str] = []
    candidates: dict[str, tuple[str, ...]] = {}
    chosen: dict[str, str | None] = {}
    with conn.transaction():
        for device_id, codes, strictly in conn.execute(_PLACE, {"on_date": day}).fetchall():
            chosen[device_id] = codes[0] if codes else None
            if not codes:
                outside.append(device_id)
            elif len(codes) == 1 and strictly:
                inside.append(device_id)
            else:
                boundary.append(device_id)
                candidates[device_id] = tuple(codes)
        cur = conn.execute(_SET, [list(chosen), list(chosen.values())])
        changed = cur.rowcount
        unlocated = [r[0] for r in conn.execute(
            "SELECT device_id FROM devices WHERE location IS NULL ORDER BY device_id").fetchall()]
    return AssignmentReport(day, tuple(inside), tuple(boundary), tuple(outside), tuple(unlocated), changed,
                            candidates)


def ward_at(conn: psycopg.Connection, lon: float, lat: float, on_date: date | None = None) -> str | None:
    """The code of the ward valid on ``on_date`` (default today in Vietnam) holding (lon, lat) in EPSG:4326."""
    row = conn.execute("SELECT ioc_ward_at(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s)",
                       [lon, lat, on_date or today()]).fetchone()
    return row[0] if row else None
