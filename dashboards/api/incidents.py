"""The read API's incident endpoints: ``/incidents`` and ``/incidents/<id>`` (its evidence, playbook and timeline).
Viewers see incidents (the ``read`` scope); handling them is an operator's, through ``ioc incidents`` and /incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from psycopg_pool import ConnectionPool

from dashboards.api.errors import ApiError
from dashboards.api.spec import BOOL, INT, NUM, STR, TS, Endpoint, Param, nullable, obj, page_of
from ioc.config import Settings
from pipelines.incidents import actions, queries

LIVE = "live"      # suggested or confirmed: what still needs someone
ARRAY_STR = {"type": "array", "items": STR}
INCIDENT = obj({
    "id": INT, "type": STR, "name_vi": STR, "name_en": STR, "status": STR, "severity": STR, "owner": STR,
    "ward_codes": ARRAY_STR, "ward_names": ARRAY_STR, "opened_at": TS, "last_evidence_at": TS,
    "confirmed_at": nullable(TS),
    "confirmed_by": nullable(STR), "resolved_at": nullable(TS), "merged_into": nullable(INT), "version": INT,
    "lon": nullable(NUM), "lat": nullable(NUM), "items": INT, "current_step": nullable(INT), "overdue_steps": INT})
ITEM = obj({"source": STR, "ref": STR, "at": TS, "kind": nullable(STR), "label": STR, "ward_code": nullable(STR),
            "attached_by": STR, "attached_at": TS, "lon": nullable(NUM), "lat": nullable(NUM)})
CHECK = obj({"vi": STR, "en": STR, "done": BOOL})
STEP = obj({"position": INT, "title_vi": STR, "title_en": STR, "department": STR, "due_at": TS,
            "checklist": {"type": "array", "items": CHECK}, "done_at": nullable(TS), "done_by": nullable(STR),
            "current": BOOL, "overdue": BOOL})
EVENT = obj({"at": TS, "actor": STR, "action": STR, "note": nullable(STR)})
_FIELDS = tuple(INCIDENT["properties"])


def list_incidents(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    statuses = ("suggested", "confirmed") if args["status"] == LIVE else (args["status"],)
    where = queries.IncidentFilter(statuses, args["type"], args["ward"])
    with pool.connection() as conn:
        total, items = queries.listing(conn, where, datetime.now(UTC), args["offset"], args["limit"])
    return {"total": total, "limit": args["limit"], "offset": args["offset"],
            "items": [{k: r[k] for k in _FIELDS} for r in items]}


def one_incident(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    incident_id, now = int(args["incident_id"]), datetime.now(UTC)
    with pool.connection() as conn:
        found = queries.one(conn, incident_id, now)
        if found is None:
            raise ApiError(404, f"incident {incident_id} does not exist")
        return {"incident": {k: found[k] for k in _FIELDS}, "evidence": queries.items(conn, incident_id),
                "steps": queries.steps(conn, incident_id, now), "timeline": queries.timeline(conn, incident_id)}


def incident_endpoints() -> tuple[Endpoint, ...]:
    return (
        Endpoint("/incidents", "incidents", "Incidents: suggestions, then confirmed ones, most severe and newest "
                 "first; by default the live ones (suggested or confirmed).", list_incidents, page_of(INCIDENT),
                 (Param("status", "enum", "incident status; live = suggested or confirmed",
                        enum=(LIVE, *actions.STATUSES), default=LIVE),
                  Param("type", "string", "incident type (data/incidents/types.yaml)", pattern=r"[a-z][a-z0-9_]{0,39}"),
                  Param("ward", "string", "ward code: incidents touching it"),
                  Param("limit", "integer", "page size", minimum=1, maximum=1000, default=100),
                  Param("offset", "integer", "rows to skip", minimum=0, maximum=1_000_000, default=0))),
        Endpoint("/incidents/<incident_id>", "incident", "One incident: its evidence, its playbook's steps (which is "
                 "due, which overdue) and its timeline.", one_incident,
                 obj({"incident": INCIDENT, "evidence": {"type": "array", "items": ITEM},
                      "steps": {"type": "array", "items": STEP}, "timeline": {"type": "array", "items": EVENT}}),
                 (Param("incident_id", "string", "incident id", where="path", required=True,
                        pattern=r"[1-9][0-9]{0,17}"),), errors=(400, 404)),
    )
