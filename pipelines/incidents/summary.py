"""Incidents of a week for the leader briefing: what happened, how severe, how long it took to resolve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from pipelines.incidents.types import incident_types


@dataclass(frozen=True)
class IncidentWeekRow:
    id: int
    type: str
    type_name_vi: str
    type_name_en: str
    severity: str
    opened_at: datetime
    resolved_at: datetime | None
    time_to_resolve: timedelta | None     # opened (first evidence) → resolved; None while open
    ward_codes: tuple[str, ...]
    status: str
    url_path: str


def week(conn: psycopg.Connection, start: datetime, end: datetime,
         ward_codes: Sequence[str] | None) -> list[IncidentWeekRow]:
    """Incidents opened in [start, end), confirmed or beyond (suggestions not yet judged and dismissed ones are
    not incidents; merged ones live on in the incident they joined), touching any of ``ward_codes`` (None: all);
    oldest first."""
    rows = conn.execute("""
        SELECT id, type, severity, opened_at, resolved_at, ward_codes, status FROM incidents
        WHERE opened_at >= %s AND opened_at < %s AND status IN ('confirmed', 'resolved')
          AND (%s::text[] IS NULL OR ward_codes && %s::text[])
        ORDER BY opened_at, id""", [start, end, ward_codes, ward_codes]).fetchall()
    types = incident_types()
    out = []
    for iid, kind, sev, opened, resolved, wards, status in rows:
        names = types[kind].name if kind in types else None
        out.append(IncidentWeekRow(iid, kind, names.vi if names else kind, names.en if names else kind, sev, opened,
                                   resolved, resolved - opened if resolved else None, tuple(wards or ()), status,
                                   f"/incidents/{iid}"))
    return out
