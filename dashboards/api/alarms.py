"""The read API's alarm endpoints: ``/alarms`` and ``/alarms/<id>`` (with its audit trail). Viewers see alarms
(the ``read`` scope); handling them is an operator's, through ``ioc alarms`` and the /alarms page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg_pool import ConnectionPool

from dashboards.api.errors import ApiError
from dashboards.api.spec import BOOL, INT, NUM, STR, TS, Endpoint, Param, nullable, obj, page_of
from ioc.config import Settings
from pipelines.alarms import actions
from pipelines.alarms.rules import SEVERITIES

LIVE = "live"      # open or acknowledged: what still needs someone
ALARM = obj({
    "id": INT, "rule_id": STR, "name_vi": STR, "name_en": STR, "kind": STR, "entity": STR,
    "device_id": nullable(STR), "ward_code": nullable(STR), "severity": STR, "owner": STR, "state": STR,
    "assignee": nullable(STR), "value": nullable(NUM), "count": INT, "flapping": BOOL, "raised_at": TS,
    "last_raised_at": TS, "last_seen_at": TS, "resolved_at": nullable(TS), "closed_at": nullable(TS)})
TRANSITION = obj({"at": TS, "actor": STR, "action": STR, "from_state": nullable(STR), "to_state": STR,
                  "note": nullable(STR)})


def list_alarms(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    states = ("open", "acknowledged") if args["state"] == LIVE else (args["state"],)
    where = actions.AlarmFilter(states, args["severity"], args["rule"], args["ward"])
    with pool.connection() as conn:
        total, items = actions.listing(conn, where, args["offset"], args["limit"])
    return {"total": total, "limit": args["limit"], "offset": args["offset"], "items": items}


def one_alarm(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    alarm_id = int(args["alarm_id"])
    with pool.connection() as conn:
        found = actions.one(conn, alarm_id)
        if found is None:
            raise ApiError(404, f"alarm {alarm_id} does not exist")
        return {"alarm": found, "history": actions.history(conn, alarm_id)}


def alarm_endpoints() -> tuple[Endpoint, ...]:
    return (
        Endpoint("/alarms", "alarms", "Alarms, most severe and newest first; by default the live ones "
                 "(open or acknowledged).", list_alarms, page_of(ALARM),
                 (Param("state", "enum", "alarm state; live = open or acknowledged",
                        enum=(LIVE, *actions.STATES), default=LIVE),
                  Param("severity", "enum", "severity", enum=SEVERITIES),
                  Param("rule", "string", "rule id", pattern=r"[a-z0-9][a-z0-9_.-]{0,63}"),
                  Param("ward", "string", "ward code"),
                  Param("limit", "integer", "page size", minimum=1, maximum=1000, default=100),
                  Param("offset", "integer", "rows to skip", minimum=0, maximum=1_000_000, default=0))),
        Endpoint("/alarms/<alarm_id>", "alarm", "One alarm and every transition of it (who, when, note).",
                 one_alarm, obj({"alarm": ALARM, "history": {"type": "array", "items": TRANSITION}}),
                 (Param("alarm_id", "string", "alarm id", where="path", required=True, pattern=r"[1-9][0-9]{0,17}"),),
                 errors=(400, 404)),
    )
