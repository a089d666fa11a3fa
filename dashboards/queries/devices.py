"""Devices: states per kind, one page of the health table, one device, its dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from psycopg import sql
from psycopg_pool import ConnectionPool

from dashboards.queries._run import frame, like_pattern, one, rows, ward_codes

# Columns the health table may sort on: each is a column of the device_state view (no per-row aggregates, so
# sorting 10,000 devices stays one indexed scan).
SORTABLE = ("device_id", "kind", "name", "ward_code", "state", "last_seen_at", "data_age_s", "battery")
STATES = ("online", "stale", "offline", "unregistered")


@dataclass(frozen=True)
class DeviceFilter:
    search: str = ""
    kind: str | None = None
    ward: str | None = None
    state: str | None = None

    def params(self) -> dict[str, Any]:
        text = self.search.strip()
        return {"q": text or None, "pat": like_pattern(text), "kind": self.kind or None,
                "ward": self.ward or None, "state": self.state or None}


@dataclass(frozen=True)
class DevicePage:
    total: int
    rows: pd.DataFrame


_WHERE = sql.SQL("""
    (%(q)s::text IS NULL OR device_id ILIKE %(pat)s OR name ILIKE %(pat)s OR ward_code ILIKE %(pat)s
     OR ward_code IN (SELECT code FROM wards WHERE name ILIKE %(pat)s))
    AND (%(kind)s::text IS NULL OR kind = %(kind)s)
    AND (%(ward)s::text IS NULL OR ward_code = %(ward)s)
    AND (%(state)s::text IS NULL OR state = %(state)s)""")


def state_counts(pool: ConnectionPool, wards: Sequence[str] | None = None) -> pd.DataFrame:
    """kind, state, n for every kind present (registered or not), in the given wards (None: everywhere)."""
    return frame(pool, """
        SELECT kind, state, count(*)::int AS n FROM device_state
        WHERE (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
        GROUP BY kind, state ORDER BY kind, state""", {"wards": ward_codes(wards)}, ("kind", "state", "n"))


def page(pool: ConnectionPool, where: DeviceFilter, sort: str = "device_id", descending: bool = False,
         offset: int = 0, limit: int = 25) -> DevicePage:
    """One page of the health table with the total matching; the ward's name, message rate and dead letters for that
    page only."""
    if sort not in SORTABLE:
        raise ValueError(f"cannot sort on {sort!r}; expected one of {', '.join(SORTABLE)}")
    params = where.params() | {"offset": max(0, offset), "limit": max(1, min(limit, 500))}
    total = one(pool, sql.SQL("SELECT count(*)::int AS n FROM device_state WHERE {}").format(_WHERE), params)
    query = sql.SQL("""
        WITH p AS (
            SELECT device_id, kind, name, ward_code, state, registered, last_seen_at, last_data_at, data_age_s,
                   interval_s, battery, rssi, firmware, online
            FROM device_state WHERE {where}
            ORDER BY {col} {dir} NULLS LAST, device_id
            OFFSET %(offset)s LIMIT %(limit)s)
        SELECT p.*,
               (SELECT w.name FROM wards w WHERE w.code = p.ward_code
                 ORDER BY w.valid_to IS NULL DESC, w.valid_from DESC LIMIT 1) AS ward_name,
               (SELECT sum(n)::float / 15 FROM rollup_1m r WHERE r.device_id = p.device_id
                  AND r.metric = 'messages' AND r.bucket > now() - interval '15 minutes') AS msg_per_min,
               (SELECT count(*)::int FROM dead_letters d WHERE d.device_id = p.device_id
                  AND d.received_at > now() - interval '24 hours') AS dead_letters_24h
        FROM p ORDER BY {col} {dir} NULLS LAST, device_id""").format(
        where=_WHERE, col=sql.Identifier(sort), dir=sql.SQL("DESC" if descending else "ASC"))
    return DevicePage(int(total["n"]) if total else 0, frame(pool, query, params))


def device(pool: ConnectionPool, device_id: str) -> dict[str, Any] | None:
    return one(pool, """
        SELECT device_id, kind, name, ward_code, state, registered, online, last_seen_at, last_data_at,
               data_age_s, interval_s, battery, rssi, firmware, ST_X(location) AS lon, ST_Y(location) AS lat,
               location_mismatch, registered_at
        FROM device_state WHERE device_id = %s""", [device_id])


def dead_letters(pool: ConnectionPool, device_id: str, limit: int = 20) -> pd.DataFrame:
    """The newest rejected messages of a device with the reason an installer can act on."""
    return frame(pool, """
        SELECT received_at, topic, reason, code, field, element_index,
               encode(substring(payload FROM 1 FOR 300), 'escape') AS payload
        FROM dead_letters WHERE device_id = %s ORDER BY received_at DESC LIMIT %s""",
                 [device_id, limit], ("received_at", "topic", "reason", "code", "field", "element_index", "payload"))


def state_changes(pool: ConnectionPool, limit: int = 10, wards: Sequence[str] | None = None,
                  now: datetime | None = None) -> pd.DataFrame:
    """Devices whose online flag changed most recently: the state half of the wall's event feed. The change is
    dated by the device's own clock; one running ahead is left out until ``now`` (the wall's time) reaches it."""
    return frame(pool, """
        SELECT device_id, kind, coalesce(name, device_id) AS name, ward_code, online, online_changed_at AS ts
        FROM devices
        WHERE online_changed_at IS NOT NULL AND online_changed_at <= coalesce(%(now)s, now())
          AND (%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))
        ORDER BY online_changed_at DESC LIMIT %(limit)s""", {"wards": ward_codes(wards), "limit": limit, "now": now},
                 ("device_id", "kind", "name", "ward_code", "online", "ts"))


def kinds(pool: ConnectionPool) -> pd.DataFrame:
    return frame(pool, "SELECT kind, name_vi, name_en, expected_interval_s FROM device_kinds ORDER BY kind",
                 columns=("kind", "name_vi", "name_en", "expected_interval_s"))


def listing(pool: ConnectionPool, where: DeviceFilter, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The API's device list: total and one page in device_id order."""
    params = where.params() | {"offset": offset, "limit": limit}
    total = one(pool, sql.SQL("SELECT count(*)::int AS n FROM device_state WHERE {}").format(_WHERE), params)
    found = rows(pool, sql.SQL("""
        SELECT device_id, kind, name, ward_code, state, registered, last_seen_at, last_data_at, data_age_s, battery,
               ST_X(location) AS lon, ST_Y(location) AS lat
        FROM device_state WHERE {} ORDER BY device_id OFFSET %(offset)s LIMIT %(limit)s""").format(_WHERE), params)
    return (int(total["n"]) if total else 0), found


# A device's own readings for its page: the kind's telemetry table and the columns shown, in the contract's order.
READINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "env": ("env_telemetry", ("pm25", "pm10", "no2", "o3", "co", "so2", "temperature", "relative_humidity", "laeq",
                              "precipitation", "water_level")),
    "camera": ("camera_telemetry", ("vehicles", "people", "avg_speed_kmh")),
    "wifi": ("wifi_telemetry", ("clients", "new_sessions", "bytes_up", "bytes_down")),
    "light": ("light_telemetry", ("power_state", "commanded_power_state", "illuminance_level",
                                  "commanded_illuminance_level", "active_power", "energy_consumed", "lamp_failure",
                                  "supply_loss", "lamp_unexpected_on", "cabinet_door_open")),
}


def last_readings(pool: ConnectionPool, device_id: str, kind: str, limit: int = 10) -> pd.DataFrame:
    """The device's newest stored readings (ts, received_at and its kind's columns); empty for a kind without any."""
    if kind not in READINGS:
        return pd.DataFrame(columns=["ts", "received_at"])
    table, cols = READINGS[kind]
    query = sql.SQL("SELECT ts, received_at, {} FROM {} WHERE device_id = %s ORDER BY ts DESC LIMIT %s").format(
        sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(table))
    return frame(pool, query, [device_id, limit], ("ts", "received_at", *cols))
