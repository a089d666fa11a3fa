"""The read API's endpoints: handlers over the query functions, and their parameter and response specs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import request
from psycopg_pool import ConnectionPool

from dashboards.api import completeness
from dashboards.api import kpis as kpi_api
from dashboards.api import reports as report_api
from dashboards.api.alarms import alarm_endpoints
from dashboards.api.errors import ApiError
from dashboards.api.incidents import incident_endpoints
from dashboards.api.spec import BOOL, INT, NUM, STR, TS, Endpoint, Param, nullable, obj, page_of
from dashboards.auth import current_principal
from dashboards.queries import devices, events, rollups, wards
from ioc.config import Settings
from ioc.security import personal

MAX_POINTS = 5000          # a series longer than this must use a wider bucket or a shorter range
MAX_EVENTS_RANGE = timedelta(days=31)
DEVICE_ID = r"[A-Za-z0-9_-]{1,64}"
STATES = devices.STATES
KINDS = ("camera", "env", "wifi", "light")
PURPOSE = r"[^\x00-\x1f\x7f]{3,500}"     # a sentence, no control characters

DEVICE = obj({
    "device_id": STR, "kind": STR, "name": nullable(STR), "ward_code": nullable(STR), "state": STR,
    "registered": BOOL, "last_seen_at": nullable(TS), "last_data_at": nullable(TS), "data_age_s": nullable(NUM),
    "battery": nullable(NUM), "lon": nullable(NUM), "lat": nullable(NUM)})
VALUE = obj({"metric": STR, "bucket": TS, "width": STR, "n": INT, "mean": nullable(NUM), "min": nullable(NUM),
             "max": nullable(NUM)})
POINT = obj({"bucket": TS, "n": INT, "mean": nullable(NUM), "min": nullable(NUM), "max": nullable(NUM)})
WARD = obj({"code": STR, "name": STR, "province": nullable(STR), "former_city": nullable(STR), "devices": INT,
            "online": INT, "stale": INT, "offline": INT, "pm25_last_hour": nullable(NUM)})
EVENT = obj({"ts": TS, "device_id": STR, "name": STR, "ward_code": nullable(STR), "type": STR, "confidence": NUM,
             "snapshot_url": nullable(STR), "note": nullable(STR)})

PAGING = (Param("limit", "integer", "page size", minimum=1, maximum=1000, default=100),
          Param("offset", "integer", "rows to skip", minimum=0, maximum=1_000_000, default=0))
RANGE = (Param("from", "datetime",
               "start (ISO 8601, years 1970–2199; no offset: local time); default: 24 h before `to`"),
         Param("to", "datetime", "end, exclusive (ISO 8601, years 1970–2199); default: now"))


def _range(args: Mapping[str, Any]) -> tuple[datetime, datetime]:
    end = args["to"] or datetime.now(UTC)
    start = args["from"] or end - timedelta(hours=24)
    if start >= end:
        raise ApiError(400, f"from ({start.isoformat()}) must be before to ({end.isoformat()})")
    return start, end


def _known_device(pool: ConnectionPool, device_id: str) -> dict[str, Any]:
    found = devices.device(pool, device_id)
    if found is None:
        raise ApiError(404, f"device {device_id!r} is not known")
    return found


def list_devices(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    where = devices.DeviceFilter(kind=args["kind"], ward=args["ward"], state=args["state"])
    total, items = devices.listing(pool, where, args["offset"], args["limit"])
    return {"total": total, "limit": args["limit"], "offset": args["offset"], "items": items}


def device_latest(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    dev = _known_device(pool, args["device_id"])
    values = rollups.latest(pool, args["device_id"]).to_dict("records")
    keep = ("device_id", "kind", "name", "ward_code", "state", "registered", "last_seen_at", "last_data_at",
            "data_age_s", "battery", "lon", "lat")
    return {"device": {k: dev[k] for k in keep}, "values": values}


def device_series(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    _known_device(pool, args["device_id"])
    start, end = _range(args)
    bucket = args["bucket"]
    points = (end - start) / rollups.BUCKET_WIDTH[bucket]
    if points > MAX_POINTS:
        raise ApiError(400, f"range too large: {points:.0f} buckets of {bucket} > {MAX_POINTS}; "
                            "use a wider bucket or a shorter range")
    rows = rollups.device_series(pool, args["device_id"], args["metric"], start, end, bucket, MAX_POINTS)
    return {"device_id": args["device_id"], "metric": args["metric"], "bucket": bucket, "from": start, "to": end,
            "points": rows.to_dict("records")}


def list_wards(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    return {"items": wards.summaries(pool)}


def camera_events(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    start, end = _range(args)
    if end - start > MAX_EVENTS_RANGE:
        raise ApiError(400, f"range too large: {(end - start).days} days > {MAX_EVENTS_RANGE.days}")
    where = events.EventFilter(start, end, args["type"], args["device_id"], args["ward"])
    found = events.search(pool, where, args["limit"], args["offset"]).to_dict("records")
    # snapshot URLs are personal data (Law 91/2025/QH15): only roles that need them see them, only when they say
    # why (`purpose`), and every snapshot shown is a row of the access log, written before the answer leaves
    who, purpose = current_principal(), (args["purpose"] or "").strip()
    if not personal.may_see(who, personal.CAMERA_SNAPSHOT):
        shown = "not permitted"
    elif not purpose:
        shown = "purpose required"
    else:
        subjects = [f"{r['device_id']}@{r['ts'].isoformat()}" for r in found
                    if isinstance(r.get("snapshot_url"), str)]   # a missing one comes as NaN
        with pool.connection() as conn:
            personal.view_many(conn, who, personal.CAMERA_SNAPSHOT, subjects, purpose, request.remote_addr)
        shown = "shown, logged"
    items = found if shown == "shown, logged" else personal.redact_snapshots(found, None)
    return {"from": start, "to": end, "limit": args["limit"], "offset": args["offset"], "snapshots": shown,
            "items": items}


def endpoints() -> tuple[Endpoint, ...]:
    device_path = Param("device_id", "string", "device id", where="path", required=True, pattern=DEVICE_ID)
    return (
        Endpoint("/devices", "devices", "Devices, filtered by kind, ward and state; paged by device id.",
                 list_devices, page_of(DEVICE),
                 (Param("kind", "enum", "device kind", enum=KINDS), Param("ward", "string", "ward code"),
                  Param("state", "enum", "device state", enum=STATES), *PAGING)),
        Endpoint("/devices/<device_id>/latest", "device_latest", "A device and the newest rollup value of each metric.",
                 device_latest, obj({"device": DEVICE, "values": {"type": "array", "items": VALUE}}),
                 (device_path,), errors=(400, 404)),
        Endpoint("/devices/<device_id>/series", "device_series",
                 f"A device's metric over time from the rollups (at most {MAX_POINTS} buckets).", device_series,
                 obj({"device_id": STR, "metric": STR, "bucket": STR, "from": TS, "to": TS,
                      "points": {"type": "array", "items": POINT}}),
                 (device_path, Param("metric", "string", "storage name: pm25, clients, vehicles, event:crowd…",
                                     required=True, pattern=r"[a-z0-9_:]{1,64}"),
                  *RANGE, Param("bucket", "enum", "bucket width", enum=tuple(rollups.BUCKETS), default="1h")),
                 errors=(400, 404)),
        Endpoint("/wards", "wards", "Current wards with device counts by state and the last hour's PM2.5.",
                 list_wards, obj({"items": {"type": "array", "items": WARD}})),
        Endpoint("/camera-events", "camera_events", "Camera events, newest first (at most 31 days per request).",
                 camera_events, obj({"from": TS, "to": TS, "limit": INT, "offset": INT, "snapshots": STR,
                                     "items": {"type": "array", "items": EVENT}}),
                 (*RANGE, Param("type", "string", "event type"), Param("device_id", "string", "device id"),
                  Param("ward", "string", "ward code"),
                  Param("purpose", "string", "why you look at the snapshots (logged with each one shown; "
                        "without it snapshot URLs are blanked)", pattern=PURPOSE), *PAGING),
                 writes=True),   # each snapshot shown is a row of the access log
        *alarm_endpoints(),
        *incident_endpoints(),
        *completeness.endpoints(),
        *kpi_api.endpoints(),
        *report_api.endpoints(),
    )
