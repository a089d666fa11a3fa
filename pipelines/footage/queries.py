"""Reading the footage register: one line per extraction, overdue destructions, and the counts everyone may see.

The counts (by month, ward, purpose and outcome) are aggregates and hold no personal data; the listing does
(requesters, recipients) and is for footage officers only: the callers check the right.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

# one line per extraction: the request, its latest state and the facts of each later step
_EXTRACTIONS: Final = """
WITH r AS (SELECT * FROM footage_register WHERE event = 'request'
             AND (%(ward)s::text IS NULL OR ward_code = %(ward)s)),
     s AS (SELECT DISTINCT ON (extraction_id) extraction_id, event AS last_event, at AS last_at
           FROM footage_register WHERE event <> 'outcome' ORDER BY extraction_id, id DESC),
     step AS (SELECT extraction_id,
                     max(at) FILTER (WHERE event = 'approve') AS approved_at,
                     max(actor) FILTER (WHERE event IN ('approve', 'refuse')) AS approver,
                     max(details ->> 'destroy_by') FILTER (WHERE event = 'approve') AS destroy_by,
                     max(at) FILTER (WHERE event = 'export') AS exported_at,
                     max(jsonb_array_length(details -> 'files')) FILTER (WHERE event = 'export') AS files,
                     max(details ->> 'to') FILTER (WHERE event = 'deliver') AS delivered_to,
                     max(at) FILTER (WHERE event = 'destroy') AS destroyed_at
              FROM footage_register GROUP BY extraction_id),
     o AS (SELECT DISTINCT ON (extraction_id) extraction_id, outcome
           FROM footage_register WHERE event = 'outcome' ORDER BY extraction_id, id DESC)
SELECT r.id, r.at AS requested_at, r.actor AS registered_by, r.ward_code, w.name AS ward_name, r.purpose,
       r.details ->> 'requester' AS requester, r.details ->> 'unit' AS unit, r.details ->> 'reason' AS reason,
       r.details ->> 'legal_basis' AS legal_basis, jsonb_array_length(r.details -> 'cameras') AS cameras,
       (r.details ->> 'from')::timestamptz AS range_from, (r.details ->> 'to')::timestamptz AS range_to,
       CASE s.last_event WHEN 'request' THEN 'requested' WHEN 'approve' THEN 'approved' WHEN 'refuse' THEN 'refused'
            WHEN 'export' THEN 'exported' WHEN 'deliver' THEN 'delivered' ELSE 'destroyed' END AS state,
       step.approved_at, step.approver, step.destroy_by::date AS destroy_by, step.exported_at, step.files,
       step.delivered_to, step.destroyed_at, o.outcome
FROM r JOIN s ON s.extraction_id = r.id JOIN step ON step.extraction_id = r.id
LEFT JOIN o ON o.extraction_id = r.id
LEFT JOIN LATERAL (SELECT name FROM wards WHERE code = r.ward_code ORDER BY valid_from DESC LIMIT 1) w ON true
"""


_EXTRACTIONS_BY_STATE = sql.SQL("SELECT * FROM ({}) x WHERE (%(state)s::text IS NULL OR state = %(state)s) "
                                "ORDER BY id DESC LIMIT %(limit)s").format(sql.SQL(_EXTRACTIONS))


def extractions(conn: psycopg.Connection, limit: int = 100, ward: str | None = None,
                state: str | None = None) -> list[dict[str, Any]]:
    """Newest first."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_EXTRACTIONS_BY_STATE,
                           {"ward": ward, "state": state, "limit": limit}).fetchall()


def overdue(conn: psycopg.Connection, today: date) -> list[dict[str, Any]]:
    """Exported copies not destroyed by their date (the local ``today`` is past ``destroy_by``), oldest date first."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql.SQL("SELECT * FROM ({}) x WHERE state IN ('exported', 'delivered') "
                                   "AND destroy_by < %(today)s ORDER BY destroy_by, id").format(sql.SQL(_EXTRACTIONS)),
                           {"ward": None, "today": today}).fetchall()


def counts(conn: psycopg.Connection, tz: str, start: date | None = None, end: date | None = None
           ) -> list[dict[str, Any]]:
    """Extractions requested per local month, ward, purpose and outcome (the latest outcome; 'pending' when none
    yet, 'refused' for a refused request), requested from local ``start`` to before local ``end`` (either open).
    Aggregates only: what a viewer may see."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""
            WITH o AS (SELECT DISTINCT ON (extraction_id) extraction_id, outcome
                       FROM footage_register WHERE event = 'outcome' ORDER BY extraction_id, id DESC),
                 refused AS (SELECT extraction_id FROM footage_register WHERE event = 'refuse')
            SELECT date_trunc('month', r.at AT TIME ZONE %(tz)s)::date AS month, r.ward_code,
                   coalesce(w.name, r.ward_code) AS ward_name, r.purpose,
                   CASE WHEN f.extraction_id IS NOT NULL THEN 'refused' ELSE coalesce(o.outcome, 'pending') END
                       AS outcome, count(*)::int AS n
            FROM footage_register r
            LEFT JOIN o ON o.extraction_id = r.id LEFT JOIN refused f ON f.extraction_id = r.id
            LEFT JOIN LATERAL (SELECT name FROM wards WHERE code = r.ward_code ORDER BY valid_from DESC LIMIT 1) w
                   ON true
            WHERE r.event = 'request' AND (%(start)s::date IS NULL OR r.at >= (%(start)s::date AT TIME ZONE %(tz)s))
              AND (%(end)s::date IS NULL OR r.at < (%(end)s::date AT TIME ZONE %(tz)s))
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5""", {"tz": tz, "start": start, "end": end}).fetchall()


def history(conn: psycopg.Connection, extraction_id: int) -> list[dict[str, Any]]:
    """Every row of one extraction, with the delivery contact while it is kept."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute("""SELECT r.id, r.event, r.at, r.actor, r.ward_code, r.purpose, r.outcome, r.details,
                                     c.contact, r.row_hash
                              FROM footage_register r LEFT JOIN footage_contacts c ON c.register_id = r.id
                              WHERE r.extraction_id = %s ORDER BY r.id""", [extraction_id]).fetchall()
