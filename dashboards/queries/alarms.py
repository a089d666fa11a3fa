"""Alarms for the screens: the wall tile's summary (live alarms by severity, the newest critical one, how many are
silenced) and the /alarms page's list, detail and rules. Reads only; every change goes through
:mod:`pipelines.alarms.actions`, where the role check and the audit trail are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from psycopg_pool import ConnectionPool

from dashboards.queries._run import rows, ward_codes
from pipelines.alarms import actions, store
from pipelines.alarms.policy import Labels, silenced_by

LIVE = ("open", "acknowledged")
SEVERITY_ORDER = ("critical", "major", "minor", "warning")


@dataclass(frozen=True)
class AlarmSummary:
    by_severity: dict[str, int] = field(default_factory=dict)   # live alarms per severity
    unacknowledged: int = 0
    silenced: int = 0                                           # live alarms a silence in force matches now
    newest: list[dict[str, Any]] = field(default_factory=list)  # most severe, newest first (a few)
    critical_open: int = 0                                      # critical and nobody has acknowledged it yet

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    @property
    def critical(self) -> int:
        return self.by_severity.get("critical", 0)


# A ward's scene shows that ward's alarms and the ones that belong to no ward (the pipeline, the whole system):
# an operator watching one ward must still see that nothing is arriving at all.
_LIVE_SQL = """
    SELECT a.id, a.rule_id, r.name_vi, r.name_en, a.entity, a.device_id, a.device_kind, a.ward_code, a.severity,
           a.owner, a.state, a.value, a.last_raised_at, d.name AS device_name
    FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id LEFT JOIN devices d ON d.device_id = a.device_id
    WHERE a.state = ANY(%(states)s)
      AND (%(wards)s::text[] IS NULL OR a.ward_code IS NULL OR a.ward_code = ANY(%(wards)s))
    ORDER BY array_position(ARRAY['critical', 'major', 'minor', 'warning'], a.severity), a.last_raised_at DESC,
             a.id DESC"""


def live(pool: ConnectionPool, wards: Sequence[str] | None) -> list[dict[str, Any]]:
    return rows(pool, _LIVE_SQL, {"states": list(LIVE), "wards": ward_codes(wards)})


def located(pool: ConnectionPool, wards: Sequence[str] | None) -> list[dict[str, Any]]:
    """Live alarms of devices with a location, for the map (one row per alarm; lon/lat in EPSG:4326)."""
    return rows(pool, """
        SELECT a.id, a.rule_id, r.name_vi, r.name_en, a.severity, a.state, a.device_id, d.name AS device_name,
               ST_X(d.location) AS lon, ST_Y(d.location) AS lat
        FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id JOIN devices d ON d.device_id = a.device_id
        WHERE a.state = ANY(%(states)s) AND d.location IS NOT NULL
          AND (%(wards)s::text[] IS NULL OR a.ward_code = ANY(%(wards)s))
        ORDER BY a.id""", {"states": list(LIVE), "wards": ward_codes(wards)})


def summarise(found: Sequence[dict[str, Any]], silences: Sequence[Any], now: datetime, tz: ZoneInfo,
              keep: int = 3) -> AlarmSummary:
    """Pure: the tile's numbers from the live alarms (``found``, most severe first) and the silences in force."""
    counts = {s: 0 for s in SEVERITY_ORDER}
    silenced = 0
    for a in found:
        counts[a["severity"]] += 1
        labels = Labels(a["rule_id"], a["entity"], a["severity"], a["owner"], a["device_kind"], a["device_id"],
                        a["ward_code"])
        silenced += silenced_by(silences, labels, now, tz) is not None
    return AlarmSummary({k: v for k, v in counts.items() if v}, sum(a["state"] == "open" for a in found), silenced,
                        list(found[:keep]),
                        sum(a["state"] == "open" and a["severity"] == "critical" for a in found))


def summary(pool: ConnectionPool, now: datetime, tz: ZoneInfo, wards: Sequence[str] | None) -> AlarmSummary:
    found = live(pool, wards)
    if not found:
        return AlarmSummary()
    with pool.connection() as conn:
        silences = store.silences(conn, now)
    return summarise(found, silences, now, tz)


def listing(pool: ConnectionPool, where: actions.AlarmFilter, offset: int, limit: int
            ) -> tuple[int, list[dict[str, Any]]]:
    """A page of :func:`pipelines.alarms.actions.listing` with the device's and the ward's names for people."""
    with pool.connection() as conn:
        total, found = actions.listing(conn, where, offset, limit)
    return total, with_names(pool, found)


def page_of(pool: ConnectionPool, where: actions.AlarmFilter, page: int, size: int
            ) -> tuple[int, int, list[dict[str, Any]]]:
    """(page shown, total, rows): the page asked for, or the last one when the list shrank under it."""
    total, found = listing(pool, where, page * size, size)
    last = max(0, -(-total // size) - 1)
    if page > last:
        page = last
        total, found = listing(pool, where, page * size, size)
    return page, total, found


def with_names(pool: ConnectionPool, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not found:
        return found
    named = rows(pool, """SELECT 'd' AS k, device_id AS id, name, name AS name_en FROM devices
                          WHERE device_id = ANY(%(d)s)
                          UNION ALL SELECT 'w', code, name, name FROM wards WHERE code = ANY(%(w)s) AND valid_to IS NULL
                          UNION ALL SELECT 'o', code, name_vi, name_en FROM report_departments
                          WHERE code = ANY(%(o)s)""",
                 {"d": [a["device_id"] for a in found if a["device_id"]],
                  "w": [a["ward_code"] for a in found if a["ward_code"]],
                  "o": [a["owner"] for a in found if a.get("owner")]})
    names = {(n["k"], n["id"]): n for n in named}

    def name(kind: str, key: Any, column: str = "name") -> Any:
        hit = names.get((kind, key))
        return hit[column] if hit else None

    return [a | {"device_name": name("d", a["device_id"]), "ward_name": name("w", a["ward_code"]),
                 "owner_vi": name("o", a.get("owner")), "owner_en": name("o", a.get("owner"), "name_en")}
            for a in found]


def detail(pool: ConnectionPool, alarm_id: int) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The alarm and its transitions (who, when, what, note), oldest first."""
    with pool.connection() as conn:
        found = actions.one(conn, alarm_id)
        history = actions.history(conn, alarm_id) if found else []
    return (with_names(pool, [found])[0] if found else None), history


def deliveries(pool: ConnectionPool, alarm_id: int, limit: int = 8) -> list[dict[str, Any]]:
    """The messages that told people about the alarm (grouped ones included), newest first."""
    return rows(pool, """SELECT created_at, sent_at, channel, target, tier, status, attempt, error
                         FROM alarm_deliveries WHERE %s = ANY(alarm_ids) ORDER BY created_at DESC, id DESC
                         LIMIT %s""", [alarm_id, limit])


def rules(pool: ConnectionPool) -> list[dict[str, Any]]:
    return rows(pool, """SELECT r.id, r.name_vi, r.name_en, r.kind, r.severity, r.owner, d.name_vi AS owner_vi,
                                d.name_en AS owner_en, r.enabled, r.source, r.updated_at
                         FROM alarm_rules r LEFT JOIN report_departments d ON d.code = r.owner ORDER BY r.enabled DESC,
                              array_position(ARRAY['critical', 'major', 'minor', 'warning'], severity), id""")


def wards(pool: ConnectionPool) -> list[dict[str, Any]]:
    """Wards that have had an alarm, for the filter."""
    return rows(pool, """SELECT DISTINCT a.ward_code AS code, coalesce(w.name, a.ward_code) AS name
                         FROM alarms a LEFT JOIN wards w ON w.code = a.ward_code AND w.valid_to IS NULL
                         WHERE a.ward_code IS NOT NULL ORDER BY 2""")
