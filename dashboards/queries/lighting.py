"""Street lighting (docs/lighting.md): each lamp's newest state, and per night the energy, the baseline, the outages,
the day burners and the lamps whose state differs from what was commanded.

A *night* is named by the local date of its evening: readings from local noon to the next noon belong to it, so a
day burner seen in the morning counts with the night before it. Energy is integrated from the lamps' own readings
(``active_power`` × ``interval_s``); the *baseline* is the same lamps at their rated power for every reading the
schedule had them on, undimmed — what the street used before smart control.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from psycopg import sql
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, ward_codes

LAMP_COLUMNS = ("device_id", "name", "ward_code", "lon", "lat", "street", "ts", "power_state", "commanded_power_state",
                "illuminance_level", "commanded_illuminance_level", "active_power", "lamp_failure", "supply_loss",
                "lamp_unexpected_on", "control_gear_comm_failure")
NIGHT_COLUMNS = ("night", "lamps", "kwh", "baseline_kwh", "outages", "day_burners", "mismatches")
LEVEL_TOLERANCE = 0.05   # a dimming level within 5 points of the command is as commanded
NEWEST_WITHIN = timedelta(minutes=30)   # three 10-minute reports: older than that, a lamp's state is unknown

_MISMATCH = sql.SQL("""(l.power_state IS DISTINCT FROM l.commanded_power_state
                OR (l.power_state = 'on' AND abs(coalesce(l.illuminance_level, 0)
                                                 - coalesce(l.commanded_illuminance_level, 0)) > %(tol)s))""")


def lamps_now(pool: ConnectionPool, now: datetime, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """Every lamp's newest reading of the last 30 minutes (lamps silent longer are left out: their state is unknown)."""
    return frame(pool, """
        SELECT DISTINCT ON (l.device_id) l.device_id, d.name, d.ward_code, ST_X(d.location) AS lon,
               ST_Y(d.location) AS lat, d.attrs->>'street' AS street, l.ts, l.power_state, l.commanded_power_state,
               l.illuminance_level, l.commanded_illuminance_level, l.active_power, l.lamp_failure, l.supply_loss,
               l.lamp_unexpected_on, l.control_gear_comm_failure
        FROM light_telemetry l JOIN devices d USING (device_id)
        WHERE l.device_type = 'lamp' AND l.ts > %(since)s AND l.ts <= %(now)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        ORDER BY l.device_id, l.ts DESC""",
        {"since": now - NEWEST_WITHIN, "now": now, "wards": ward_codes(wards)}, LAMP_COLUMNS)


def nights(pool: ConnectionPool, first: date, last: date, tz: ZoneInfo,
           wards: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per night from ``first`` to ``last`` (local evening dates) that has lamp readings."""
    start = datetime.combine(first, datetime.min.time(), tz) + timedelta(hours=12)
    end = datetime.combine(last, datetime.min.time(), tz) + timedelta(hours=36)
    return frame(pool, sql.SQL("""
        SELECT ((l.ts AT TIME ZONE %(tz)s) - interval '12 hours')::date AS night,
               count(DISTINCT l.device_id)::int AS lamps,
               coalesce(sum(l.active_power * l.interval_s), 0) / 3.6e6 AS kwh,
               coalesce(sum(coalesce((d.attrs->>'rated_w')::float8, 0) * l.interval_s)
                        FILTER (WHERE l.commanded_power_state = 'on'), 0) / 3.6e6 AS baseline_kwh,
               count(DISTINCT l.device_id) FILTER (WHERE l.commanded_power_state = 'on'
                                                   AND l.power_state <> 'on')::int AS outages,
               count(DISTINCT l.device_id) FILTER (WHERE l.lamp_unexpected_on)::int AS day_burners,
               count(DISTINCT l.device_id) FILTER (WHERE {mismatch})::int AS mismatches
        FROM light_telemetry l JOIN devices d USING (device_id)
        WHERE l.device_type = 'lamp' AND l.ts >= %(start)s AND l.ts < %(end)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        GROUP BY 1 ORDER BY 1""").format(mismatch=_MISMATCH),
        {"tz": str(tz), "start": start, "end": end, "wards": ward_codes(wards), "tol": LEVEL_TOLERANCE},
        NIGHT_COLUMNS)


def cabinets_now(pool: ConnectionPool, now: datetime, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """Every cabinet's newest reading of the last 30 minutes: mode, contactor, supply, door, energy today."""
    return frame(pool, """
        SELECT DISTINCT ON (l.device_id) l.device_id, d.name, d.ward_code, l.ts, l.power_state, l.working_mode,
               l.supply_loss, l.cabinet_door_open, l.energy_consumed, l.active_power, l.power_factor
        FROM light_telemetry l JOIN devices d USING (device_id)
        WHERE l.device_type = 'cabinet' AND l.ts > %(since)s AND l.ts <= %(now)s
          AND (%(wards)s::text[] IS NULL OR d.ward_code = ANY(%(wards)s))
        ORDER BY l.device_id, l.ts DESC""",
        {"since": now - NEWEST_WITHIN, "now": now, "wards": ward_codes(wards)},
        ("device_id", "name", "ward_code", "ts", "power_state", "working_mode", "supply_loss", "cabinet_door_open",
         "energy_consumed", "active_power", "power_factor"))


def places(pool: ConnectionPool) -> list[dict[str, str]]:
    """Current wards with lighting devices: code, name, province (the page's city and ward choices)."""
    found = frame(pool, """
        SELECT w.code, w.name, w.province FROM wards w
        WHERE w.valid_to IS NULL AND EXISTS (SELECT 1 FROM devices d WHERE d.kind = 'light' AND d.ward_code = w.code)
        ORDER BY w.province, w.name""", None, ("code", "name", "province"))
    return [{k: str(v) for k, v in r.items()} for r in found.to_dict("records")]
