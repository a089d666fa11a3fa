"""The read API (``/api/v1``): a Flask blueprint on the Dash server, its OpenAPI document at ``/openapi.json``."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from flask import Blueprint, Response, jsonify, request

from dashboards import context
from dashboards.api.errors import ApiError, error_response
from dashboards.api.openapi import PREFIX, document
from dashboards.api.params import parse
from dashboards.api.routes import endpoints
from dashboards.api.spec import Endpoint
from dashboards.auth import require


def jsonable(value: Any) -> Any:
    """Plain JSON types: ISO times, None for NaN/NaT, Python numbers for numpy's."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _view(ep: Endpoint) -> Callable[..., Response | tuple[Response, int]]:
    @require(ep.permission)
    def view(**path: str) -> Response | tuple[Response, int]:
        ioc = context.current()
        try:
            args = parse(ep.params, request.args, path, ioc.settings.tz)
            # pure reads go to IOC_DATABASE_READ_URL's standby when there is one (docs/ha.md)
            pool = ioc.pool if ep.writes else ioc.read_pool
            return jsonify(jsonable(ep.handler(pool, ioc.settings, args)))
        except ApiError as exc:
            return error_response(exc.status, exc.message)

    view.__name__ = ep.name
    return view


def api_blueprint() -> Blueprint:
    bp = Blueprint("api_v1", __name__, url_prefix=PREFIX)
    eps = endpoints()
    for ep in eps:
        bp.add_url_rule(ep.path, ep.name, _view(ep), methods=["GET"])
    doc = document(eps)

    @bp.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(doc)

    @bp.get("/<path:rest>")
    def unknown(rest: str) -> tuple[Response, int]:
        return error_response(404, f"no such endpoint: {PREFIX}/{rest} (see {PREFIX}/openapi.json)")

    @bp.app_errorhandler(405)
    def not_allowed(exc: Exception) -> Any:
        if request.path.startswith(PREFIX):
            return error_response(405, f"{request.method} is not allowed on {request.path}; the API is read-only")
        return exc

    return bp
