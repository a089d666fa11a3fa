"""The readings a cycle judges: each device's newest values, read only for devices that stored something new.

The ingester stamps ``devices.last_seen_at`` (newest message) and ``last_data_at`` (newest reading ts) in the data's own
transaction, so the registry is a change feed whose size is the number of devices, not the message rate. One cycle,
per raw table that a rule reads, runs one statement: the devices of the table's kind seen since the watermark whose
newest reading is newer than what this evaluator already judged, and for each of them (an index probe on
``(device_id, ts)``) the newest non-null value of each metric among its rows after the one judged last. A process
remembers what it judged (:class:`Fresh`); a new one (or a test's single cycle) looks at each device's last two
minutes of readings. Readings older than ``MAX_READING_AGE`` (a replayed spool) are never judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from pipelines.rollup import as_float

MAX_READING_AGE = timedelta(hours=1)   # a replayed spool of last week's readings does not raise alarms today
FIRST_LOOK = timedelta(minutes=2)      # a device this process never judged: its readings of this long before its newest
RAW_KIND = {"env_telemetry": "env", "camera_telemetry": "camera", "wifi_telemetry": "wifi", "light_telemetry": "light"}


@dataclass(frozen=True, slots=True)
class Reading:
    device: str
    kind: str
    ward: str | None
    ts: datetime
    values: dict[str, float | None]


@dataclass
class Batch:
    """One table's new readings in one cycle, indexed for the rules' scopes."""

    readings: dict[str, Reading] = field(default_factory=dict)
    by_ward: dict[str | None, list[Reading]] = field(default_factory=dict)

    def add(self, r: Reading) -> None:
        self.readings[r.device] = r
        self.by_ward.setdefault(r.ward, []).append(r)

    def admitted(self, devices: Iterable[str], wards: Iterable[str]) -> Iterable[Reading]:
        """Readings a scope's device and ward lists admit (empty lists admit everything; kinds are the table's)."""
        devices, wards = tuple(devices), tuple(wards)
        if devices:
            found = (self.readings.get(d) for d in devices)
            return [r for r in found if r is not None and (not wards or r.ward in wards)]
        if wards:
            return [r for w in wards for r in self.by_ward.get(w, ())]
        return self.readings.values()


class Fresh:
    """What one evaluator has judged: per (table, device), the newest reading ts. Kept while it holds the lock."""

    def __init__(self) -> None:
        self.judged: dict[tuple[str, str], datetime] = {}
        self._pending: dict[tuple[str, str], datetime] = {}

    def read(self, conn: psycopg.Connection, metrics: dict[str, set[str]], since: datetime, now: datetime
             ) -> dict[str, Batch]:
        """``metrics``: per raw table, the columns the rules read. Call :meth:`done` once they were judged."""
        out: dict[str, Batch] = {}
        for table, wanted in metrics.items():
            out[table] = batch = Batch()
            cols, kind = sorted(wanted), RAW_KIND[table]
            known = {dev: ts for (t, dev), ts in self.judged.items() if t == table}
            for dev, ward, ts, *values in conn.execute(_query(table, cols), {
                    "kind": kind, "since": since, "oldest": now - MAX_READING_AGE, "first": FIRST_LOOK,
                    "ids": list(known), "after": list(known.values())}):
                batch.add(Reading(dev, kind, ward, ts, dict(zip(cols, values, strict=True))))
                self._pending[(table, dev)] = ts
        return out

    def done(self) -> None:
        self.judged.update(self._pending)
        self._pending.clear()


def _query(table: str, cols: list[str]) -> sql.Composed:
    newest = sql.SQL(", ").join(
        sql.SQL("(array_agg({f} ORDER BY s.ts DESC) FILTER (WHERE s.{c} IS NOT NULL))[1] AS {v}").format(
            f=as_float(c), c=sql.Identifier(c), v=sql.Identifier(f"v{i}")) for i, c in enumerate(cols))
    values = sql.SQL(", ").join(sql.SQL("r.{}").format(sql.Identifier(f"v{i}")) for i in range(len(cols)))
    return sql.SQL("""
        SELECT d.device_id, d.ward_code, r.ts, {values}
        FROM devices d
        LEFT JOIN unnest(%(ids)s::text[], %(after)s::timestamptz[]) AS j(id, after) ON j.id = d.device_id
        CROSS JOIN LATERAL (
            SELECT max(s.ts) AS ts, {newest} FROM {t} s
            WHERE s.device_id = d.device_id
              AND s.ts > greatest(%(oldest)s, coalesce(j.after, d.last_data_at - %(first)s))) r
        WHERE d.kind = %(kind)s AND d.last_seen_at > %(since)s
          AND d.last_data_at > greatest(%(oldest)s, j.after) AND r.ts IS NOT NULL""").format(
        newest=newest, values=values, t=sql.Identifier(table))
