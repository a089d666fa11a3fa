"""What the environment rule kinds look at: a station's noise over the QCVN 26 limit of its area and period
(``noise_limit``), and a gauge's warning level reached (``water_level``). Each reads the newest reading of the
rule's window per station; the station's noise area and warning levels are its registry entry's
(``devices.attrs.station``: ``noise_area``, ``water_levels_cm``, as a fleet file declares them).

``noise_limit``: the value is the dB(A) over the limit, 0 when under it (raise ``> 0``; a clear level below 0 would
never be reached). A rule of one period ("night") judges only readings of that period; once the period is over
its snapshot is complete and empty, so every station it follows clears at 06:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from layers.environment import load_noise_limits, warning_level
from pipelines.alarms.rules import Rule

# (entity, value, device, ward, kind): sources.Obs's fields, built there
Row = tuple[str, float | None, str, str | None, str]

_NEWEST = """
SELECT DISTINCT ON (s.device_id) s.device_id, d.ward_code, s.ts, s.{col}, d.attrs -> 'station'
FROM env_telemetry s JOIN devices d USING (device_id)
WHERE s.ts > %(start)s AND s.ts <= %(now)s AND s.{col} IS NOT NULL
ORDER BY s.device_id, s.ts DESC"""
NOISE_SQL = _NEWEST.format(col="laeq")
WATER_SQL = _NEWEST.format(col="water_level")


def noise_over_limit(conn: psycopg.Connection, rule: Rule, now: datetime, tz: ZoneInfo) -> tuple[list[Row], bool]:
    """(rows, complete): dB(A) over the limit of each station's area for its newest reading's period."""
    limits = load_noise_limits()
    if rule.period != "any" and limits.period(now.astimezone(tz)) != rule.period:
        return [], True
    rows = conn.execute(NOISE_SQL, {"start": now - timedelta(seconds=rule.window), "now": now}).fetchall()
    out: list[Row] = []
    for device, ward, ts, laeq, station in rows:
        local = ts.astimezone(tz)
        if rule.period != "any" and limits.period(local) != rule.period:
            continue
        area = str((station or {}).get("noise_area") or "normal")
        out.append((device, max(0.0, round(float(laeq) - limits.limit(area, local), 1)), device, ward, "env"))
    return out, False


def water_warning(conn: psycopg.Connection, rule: Rule, now: datetime) -> list[Row]:
    """The warning level (0 below I, 1, 2, 3) each gauge's newest level reaches; gauges without levels are skipped."""
    rows = conn.execute(WATER_SQL, {"start": now - timedelta(seconds=rule.window), "now": now}).fetchall()
    out: list[Row] = []
    for device, ward, _ts, level, station in rows:
        reached = warning_level(float(level), (station or {}).get("water_levels_cm") or ())
        if reached is not None:
            out.append((device, float(reached), device, ward, "env"))
    return out
