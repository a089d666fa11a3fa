"""Reading incidents for people: the list, one incident with its evidence, playbook and timeline, the map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from pipelines.incidents.types import incident_types

_COLUMNS = sql.SQL("""i.id, i.type, i.status, i.severity, i.owner, i.ward_codes, i.opened_at, i.last_evidence_at,
    i.confirmed_at, i.confirmed_by, i.resolved_at, i.merged_into, i.version,
    coalesce((SELECT array_agg(w.name ORDER BY w.name) FROM wards w
              WHERE w.code = ANY(i.ward_codes) AND w.valid_to IS NULL), '{}') AS ward_names,
    ST_X(ST_Centroid(i.geom)) AS lon, ST_Y(ST_Centroid(i.geom)) AS lat,
    (SELECT count(*) FROM incident_items it WHERE it.incident_id = i.id) AS items,
    (SELECT min(position) FROM incident_steps s WHERE s.incident_id = i.id AND s.done_at IS NULL) AS current_step,
    (SELECT count(*) FROM incident_steps s WHERE s.incident_id = i.id AND s.done_at IS NULL
        AND s.due_at < %(now)s) AS overdue_steps""")


@dataclass(frozen=True)
class IncidentFilter:
    statuses: tuple[str, ...] = ("suggested", "confirmed")
    type: str | None = None
    ward: str | None = None


def _named(row: dict[str, Any]) -> dict[str, Any]:
    kind = incident_types().get(row["type"])
    row["name_vi"] = kind.name.vi if kind else row["type"]
    row["name_en"] = kind.name.en if kind else row["type"]
    row["ward_codes"] = list(row["ward_codes"] or [])
    row["ward_names"] = list(row["ward_names"] or row["ward_codes"])   # a ward not loaded: its code
    return row


def listing(conn: psycopg.Connection, where: IncidentFilter, now: datetime, offset: int = 0,
            limit: int = 100) -> tuple[int, list[dict[str, Any]]]:
    """Incidents, suggestions and confirmed ones first, most severe, then newest evidence first."""
    params = {"st": list(where.statuses), "type": where.type, "ward": where.ward, "now": now,
              "offset": offset, "limit": limit}
    cond = sql.SQL("""i.status = ANY(%(st)s) AND (%(type)s::text IS NULL OR i.type = %(type)s)
              AND (%(ward)s::text IS NULL OR %(ward)s = ANY(i.ward_codes))""")
    with conn.cursor(row_factory=dict_row) as cur:
        total = cur.execute(sql.SQL("SELECT count(*) AS n FROM incidents i WHERE {}").format(cond), params).fetchone()
        rows = cur.execute(sql.SQL("""SELECT {columns} FROM incidents i WHERE {cond}
            ORDER BY array_position(ARRAY['suggested','confirmed','resolved','dismissed','merged'], i.status),
                     array_position(ARRAY['critical','major','minor','warning'], i.severity),
                     i.last_evidence_at DESC, i.id DESC
            OFFSET %(offset)s LIMIT %(limit)s""").format(columns=_COLUMNS, cond=cond), params).fetchall()
    return (int(total["n"]) if total else 0), [_named(r) for r in rows]


def one(conn: psycopg.Connection, incident_id: int, now: datetime) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(sql.SQL("SELECT {}, ST_AsGeoJSON(i.geom) AS geojson FROM incidents i WHERE i.id = %(id)s")
                          .format(_COLUMNS), {"id": incident_id, "now": now}).fetchone()
    return _named(row) if row else None


def items(conn: psycopg.Connection, incident_id: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""SELECT source, ref, at, kind, label, ward_code, attached_by, attached_at,
                                     ST_X(geom) AS lon, ST_Y(geom) AS lat
                              FROM incident_items WHERE incident_id = %s ORDER BY at, source, ref""",
                           [incident_id]).fetchall()


def steps(conn: psycopg.Connection, incident_id: int, now: datetime) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute("""SELECT position, title_vi, title_en, department, due_at, checklist, done_at, done_by
                              FROM incident_steps WHERE incident_id = %s ORDER BY position""",
                           [incident_id]).fetchall()
    current = next((r["position"] for r in rows if r["done_at"] is None), None)
    for r in rows:
        r["current"] = r["position"] == current
        r["overdue"] = r["done_at"] is None and r["due_at"] < now
    return rows


def timeline(conn: psycopg.Connection, incident_id: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""SELECT at, actor, action, note FROM incident_timeline WHERE incident_id = %s
                              ORDER BY at, id""", [incident_id]).fetchall()


def for_map(conn: psycopg.Connection, now: datetime, limit: int = 200) -> list[dict[str, Any]]:
    """Live incidents with their shape as GeoJSON, for the wall map and the tile."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(sql.SQL("""SELECT {}, ST_AsGeoJSON(i.geom) AS geojson FROM incidents i
                               WHERE i.status IN ('suggested', 'confirmed') AND i.geom IS NOT NULL
                               ORDER BY array_position(ARRAY['critical','major','minor','warning'], i.severity),
                                        i.last_evidence_at DESC LIMIT %(limit)s""").format(_COLUMNS),
                           {"now": now, "limit": limit}).fetchall()
    return [_named(r) for r in rows]


def departments(conn: psycopg.Connection) -> dict[str, tuple[str, str]]:
    """code → (name vi, name en) of the departments that own incidents and playbook steps."""
    return {c: (vi, en) for c, vi, en in conn.execute("SELECT code, name_vi, name_en FROM report_departments")}


def ward_outlines(conn: psycopg.Connection, codes: list[str]) -> list[str]:
    """The current outlines (GeoJSON) of the wards an incident touches: the evidence map's context."""
    return [g for g, in conn.execute("""SELECT ST_AsGeoJSON(geom) FROM wards WHERE code = ANY(%s)
                                        AND valid_to IS NULL""", [codes])]
