"""``/completeness`` and ``/devices/<id>/completeness``: the data-availability KPI of the read API (issue 16)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg_pool import ConnectionPool

from dashboards.api.errors import ApiError
from dashboards.api.spec import BOOL, INT, NUM, STR, TS, Endpoint, Param, nullable, obj
from dashboards.queries import completeness, devices
from ioc.config import Settings

DEVICE_ID = r"[A-Za-z0-9_-]{1,64}"
ITEM = obj({"key": STR, "stored": INT, "expected": NUM, "ratio": nullable(NUM), "flagged": BOOL})
HOUR = obj({"hour": TS, "stored": INT, "expected": NUM})
SPAN = Param("span", "enum", "window back from now, in whole UTC hours", enum=tuple(completeness.SPANS),
             default="24h")


def summary(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    rows = completeness.for_devices(pool, completeness.SPANS[args["span"]], kind=args["kind"], ward=args["ward"])
    items = [{"key": c.key, "stored": c.stored, "expected": round(c.expected, 1), "ratio": c.ratio,
              "flagged": c.flagged} for c in completeness.grouped(rows, args["by"])]
    return {"span": args["span"], "by": args["by"], "flag_below": completeness.FLAG_BELOW, "items": items}


def device_hours(pool: ConnectionPool, settings: Settings, args: Mapping[str, Any]) -> dict[str, Any]:
    if devices.device(pool, args["device_id"]) is None:
        raise ApiError(404, f"device {args['device_id']!r} is not known")
    hours = completeness.hourly(pool, args["device_id"], completeness.SPANS[args["span"]])
    return {"device_id": args["device_id"], "span": args["span"],
            "hours": [{"hour": h, "stored": s, "expected": e} for h, s, e in hours]}


def endpoints() -> tuple[Endpoint, ...]:
    return (
        Endpoint("/completeness", "completeness",
                 "Data completeness (stored ÷ expected readings) per device, kind, ward or the whole network.",
                 summary, obj({"span": STR, "by": STR, "flag_below": NUM, "items": {"type": "array", "items": ITEM}}),
                 (SPAN, Param("by", "enum", "grouping", enum=("device", "kind", "ward", "network"),
                              default="network"),
                  Param("kind", "enum", "device kind", enum=("camera", "env", "wifi", "light")),
                  Param("ward", "string", "ward code"))),
        Endpoint("/devices/<device_id>/completeness", "device_completeness",
                 "A device's readings stored and expected per UTC hour: its gap timeline.", device_hours,
                 obj({"device_id": STR, "span": STR, "hours": {"type": "array", "items": HOUR}}),
                 (Param("device_id", "string", "device id", where="path", required=True, pattern=DEVICE_ID), SPAN),
                 errors=(400, 404)),
    )
