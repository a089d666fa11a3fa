"""The OpenAPI 3 document, generated from :func:`dashboards.api.routes.endpoints`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboards.api.errors import ERROR_SCHEMA
from dashboards.api.spec import Endpoint

PREFIX = "/api/v1"
REASONS = {400: "invalid parameters (the message names the parameter)", 404: "not found",
           403: "the caller lacks the permission the operation needs (the message names it)"}


def operation(ep: Endpoint) -> dict[str, Any]:
    params = [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
               "description": p.description, "schema": p.schema()} for p in ep.params]
    responses: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": ep.response}}}}
    for status in ep.errors:
        responses[str(status)] = {"description": REASONS[status],
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    summary = ep.summary if ep.permission == "read" else f"{ep.summary} Needs the `{ep.permission}` scope."
    return {"operationId": ep.name, "summary": summary, "tags": list(ep.tags), "parameters": params,
            "responses": responses}


def document(endpoints: Sequence[Endpoint]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "smartward-ioc read API", "version": "1.0.0",
                 "description": "Read-only JSON over the operations center's devices, rollups, wards and camera "
                                "events. Times are ISO 8601; a time without offset is Asia/Ho_Chi_Minh. "
                                "Authentication: an API key with the `read` scope (`ioc keys add NAME --scope read`) "
                                "as `Authorization: Bearer <key>` or `X-API-Key`, or a signed-in session. "
                                "`/kpis…` need the `kpi` scope instead, `/reports` the `reports:read` scope "
                                "(reports as published: no contact, no address, a point snapped to ~50 m)."},
        "servers": [{"url": PREFIX}],
        "paths": {ep.openapi_path: {"get": operation(ep)} for ep in endpoints},
        "components": {"schemas": {"Error": ERROR_SCHEMA},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                           "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
        "security": [{"bearer": []}, {"apiKey": []}],
    }
