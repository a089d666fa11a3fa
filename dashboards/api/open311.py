"""Open311 GeoReport v2 under ``/open311/v2/``: services, requests (GET with the standard filters, POST with an API
key) and one request, as JSON or XML. Errors are the standard's list of ``{code, description}``.

GET is public and shows public fields only (``pipelines.reports.public``): the reporter's contact and the address
never leave, the point is snapped to ~50 m and the description is shown where it is marked public. Anonymous
readers are rate-limited (``open311_limit``: 429 with ``Retry-After``); API-key holders are not.
``requests/{id}`` answers a one-element list, as the GeoReport v2 text and most servers do; ``request/{id}`` (the
swagger file's spelling) is the same. ``jurisdiction_id`` is accepted and ignored: one server, one jurisdiction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from flask import Blueprint, Response, jsonify, request

from dashboards import context
from dashboards.api import open311_limit
from dashboards.api.errors import ApiError
from dashboards.api.open311_auth import check_api_key
from dashboards.api.params import parse_datetime
from dashboards.auth import require
from pipelines.reports import evidence_db, open311, public, store
from pipelines.reports.evidence_rules import Rules, load_rules

PREFIX = "/open311/v2"
FORMATS = ("json", "xml")
MAX_SPAN = timedelta(days=90)


@cache
def _rules() -> Rules:
    return load_rules()


def _lang() -> str:
    return "en" if (request.args.get("lang") or "").lower() == "en" else "vi"


def _answer(fmt: str, root: str, item: str, items: list[dict[str, Any]], status: int = 200) -> Response:
    if fmt == "xml":
        return Response(open311.to_xml(root, item, items), status=status, mimetype="text/xml")
    resp = jsonify(items)
    resp.status_code = status
    return resp


def _error(fmt: str, status: int, description: str) -> Response:
    return _answer(fmt if fmt in FORMATS else "json", "errors", "error",
                   [{"code": status, "description": description}], status)


def _guard(view: Callable[..., Response]) -> Callable[..., Response]:
    """The format checked and every :class:`ApiError` turned into the standard's error list."""
    def run(fmt: str, **kw: str) -> Response:
        if fmt not in FORMATS:
            return _error("json", 404, f"unknown format {fmt!r}; use .json or .xml")
        try:
            return view(fmt, **kw)
        except ApiError as exc:
            return _error(fmt, exc.status, exc.message)

    run.__name__ = view.__name__
    return run


@require("read")
def services(fmt: str) -> Response:
    with context.current().read_pool.connection() as conn:
        ref = store.reference(conn)
    cats = ref.matcher.categories
    items = [open311.service(c, _lang(), cats.get(c.parent) if c.parent else None) for c in cats.values()]
    return _answer(fmt, "services", "service", items)


@require("read")
def service_definition(fmt: str, code: str) -> Response:
    with context.current().read_pool.connection() as conn:
        known = code in store.reference(conn).matcher.categories
    if not known:
        raise ApiError(404, f"service_code {code!r} not found")
    if fmt == "xml":
        return Response(open311.definition_xml(code), mimetype="text/xml")
    return jsonify({"service_code": code, "attributes": []})   # no service has extra attributes (metadata false)


def _filter(args: Mapping[str, str], now: datetime) -> public.RequestFilter:
    tz = context.current().settings.tz
    ids_text = [s.strip() for s in (args.get("service_request_id") or "").split(",") if s.strip()]
    if ids_text:
        if not all(s.isdigit() for s in ids_text):
            raise ApiError(400, "service_request_id: comma-separated request ids (digits)")
        return public.RequestFilter(ids=[int(s) for s in ids_text])
    statuses = [s.strip().lower() for s in (args.get("status") or "").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        raise ApiError(400, "status: open, closed, or both comma-separated")
    start = parse_datetime("start_date", args["start_date"], tz) if args.get("start_date") else None
    end = parse_datetime("end_date", args["end_date"], tz) if args.get("end_date") else None
    start, end = start or (end or now) - MAX_SPAN, end or (start + MAX_SPAN if start else now)
    if end < start or end - start > MAX_SPAN:
        raise ApiError(400, "start_date and end_date: end after start, at most 90 days apart")
    codes = [s.strip() for s in (args.get("service_code") or "").split(",") if s.strip()]
    return public.RequestFilter(service_codes=codes, start=start, end=end, statuses=statuses)


@require("read")
def list_requests(fmt: str) -> Response:
    ioc = context.current()
    found = public.public_requests(ioc.read_pool, _filter(request.args, datetime.now(UTC)))   # a standby serves it
    items = [open311.request(r, ioc.settings.tz, _lang()) for r in found]
    return _answer(fmt, "service_requests", "request", items)


@require("read")
def one_request(fmt: str, rid: str) -> Response:
    # on the primary: a client asks for the request it has just POSTed, which a lagging standby may not hold yet
    ioc = context.current()
    found = public.public_requests(ioc.pool, public.RequestFilter(ids=[int(rid)])) if rid.isdigit() else []
    if not found:
        raise ApiError(404, f"service_request_id {rid!r} not found")
    return _answer(fmt, "service_requests", "request", [open311.request(found[0], ioc.settings.tz, _lang())])


@require("reports:submit")
def create_request(fmt: str) -> Response:
    form = {**request.args.to_dict(), **request.form.to_dict()}
    if not check_api_key(form.get("api_key")):
        raise ApiError(403, "api_key is missing or not valid")
    ioc, now, token = context.current(), datetime.now(UTC), uuid.uuid4().hex
    with ioc.pool.connection() as conn:
        ref = store.reference(conn)
        parsed = open311.parse_post(form, ref.matcher, now, ioc.settings.tz, token)
        if isinstance(parsed, list):
            raise ApiError(400, "; ".join(parsed))
        done = store.insert_reports(conn, [parsed], ref, "open311", ioc.settings.tz, now)
        evidence_db.corroborate(conn, done.ids[0], _rules(), ioc.settings.tz, now)
        due = conn.execute("SELECT due_at FROM reports WHERE id = %s", [done.ids[0]]).fetchone()
    notice = f"expected by {open311.iso(due[0], ioc.settings.tz)}" if due and due[0] else ""
    return _answer(fmt, "service_requests", "request",
                   [{"service_request_id": str(done.ids[0]), "token": token, "service_notice": notice}])


def open311_blueprint() -> Blueprint:
    bp = Blueprint("open311_v2", __name__, url_prefix=PREFIX)
    bp.add_url_rule("/services.<fmt>", "services", _guard(services), methods=["GET"])
    bp.add_url_rule("/services/<code>.<fmt>", "service_definition", _guard(service_definition), methods=["GET"])
    bp.add_url_rule("/requests.<fmt>", "requests", _guard(list_requests), methods=["GET"])
    bp.add_url_rule("/requests.<fmt>", "create_request", _guard(create_request), methods=["POST"])
    bp.add_url_rule("/requests/<rid>.<fmt>", "request", _guard(one_request), methods=["GET"])
    bp.add_url_rule("/request/<rid>.<fmt>", "request_singular", _guard(one_request), methods=["GET"])

    @bp.before_request
    def limit_anonymous() -> Response | None:
        wait = open311_limit.wait_seconds() if request.method in ("GET", "HEAD") else None
        if wait is None:
            return None
        resp = _error("xml" if request.path.endswith(".xml") else "json", 429,
                      f"too many requests without an API key (at most {open311_limit.limit()} a minute); "
                      f"retry after {wait} s, or ask the ward for an API key")
        resp.headers["Retry-After"] = str(wait)
        return resp

    @bp.get("/<path:rest>")
    def unknown(rest: str) -> Response:
        return _error("json", 404, f"no such Open311 resource: {PREFIX}/{rest}")

    return bp
