"""Writing incidents: new suggestions, evidence attached, the shape and wards recomputed, the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pipelines.incidents.correlate import Evidence
from pipelines.incidents.types import SEVERITY_ORDER, IncidentType

LIVE = ("suggested", "confirmed")
AREA_BUFFER_M = 50     # an area drawn around three or more pieces of evidence, so a street is not a hair-line


def timeline(conn: psycopg.Connection, incident_id: int, at: datetime, actor: str, action: str,
             note: str | None = None, detail: dict[str, Any] | None = None) -> None:
    conn.execute("""INSERT INTO incident_timeline (incident_id, at, actor, action, note, detail)
                    VALUES (%s, %s, %s, %s, %s, %s)""", [incident_id, at, actor, action, note, Jsonb(detail or {})])


def create(conn: psycopg.Connection, kind: IncidentType, evidence: Sequence[Evidence], actor: str,
           now: datetime) -> int:
    severity = _worst([kind.severity, *(e.severity for e in evidence if e.severity)])
    first = min(e.at for e in evidence)
    row = conn.execute("""INSERT INTO incidents (type, severity, owner, opened_at, last_evidence_at)
                          VALUES (%s, %s, %s, %s, %s) RETURNING id""",
                       [kind.id, severity, kind.owner, first, max(e.at for e in evidence)]).fetchone()
    assert row is not None
    incident_id = int(row[0])
    timeline(conn, incident_id, now, actor, "suggested" if actor == "system" else "opened", None,
             {"type": kind.id, "items": len(evidence)})
    attach(conn, incident_id, evidence, actor, now)
    return incident_id


def attach(conn: psycopg.Connection, incident_id: int, evidence: Sequence[Evidence], actor: str,
           now: datetime) -> int:
    """Attach what no incident holds yet; returns how many were attached. The (source, ref) key makes a second
    attachment of one event a no-op, whoever tries it."""
    added = 0
    for e in evidence:
        done = conn.execute("""
            INSERT INTO incident_items (incident_id, source, ref, at, geom, ward_code, kind, label, attached_by)
            VALUES (%s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s, %s, %s)
            ON CONFLICT (source, ref) DO NOTHING""",
                            [incident_id, e.source, e.ref, e.at, e.lon, e.lat, e.ward_code, e.kind, e.label,
                             actor]).rowcount
        if done:
            added += 1
            timeline(conn, incident_id, now, actor, "attached", e.label,
                     {"source": e.source, "ref": e.ref, "at": e.at.isoformat()})
            if e.severity:
                conn.execute("""UPDATE incidents SET severity = %s WHERE id = %s
                                AND array_position(ARRAY['critical','major','minor','warning'], severity)
                                    > array_position(ARRAY['critical','major','minor','warning'], %s::text)""",
                             [e.severity, incident_id, e.severity])
    if added:
        reshape(conn, incident_id)
    return added


def reshape(conn: psycopg.Connection, incident_id: int) -> None:
    """Where the incident is: a point (the evidence's centre) or, with three or more spread points, the area
    around them; the wards its evidence lies in; the time of its first and newest evidence."""
    conn.execute("""
        WITH ev AS (SELECT ST_Collect(geom) AS pts, min(at) AS first, max(at) AS last,
                           array_remove(array_agg(DISTINCT ward_code ORDER BY ward_code), NULL) AS wards
                    FROM incident_items WHERE incident_id = %(id)s),
             hull AS (SELECT ST_ConvexHull(pts) AS h, * FROM ev)
        UPDATE incidents SET
            geom = CASE WHEN GeometryType(h) = 'POLYGON'
                        THEN ST_Buffer(h::geography, %(buf)s)::geometry ELSE ST_Centroid(pts) END,
            ward_codes = wards, opened_at = least(opened_at, first),
            last_evidence_at = greatest(last_evidence_at, last), updated_at = now()
        FROM hull WHERE id = %(id)s""", {"id": incident_id, "buf": AREA_BUFFER_M})


def _worst(severities: Sequence[str]) -> str:
    return min(severities, key=lambda s: SEVERITY_ORDER.get(s, 99))
