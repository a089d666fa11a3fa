"""The residents' page: ``/public`` (the wards, the figures of all of them, follow a report by its code) and
``/public/<ward code>`` (that ward's reports on a map and in a list, their timelines, the transparency figures, air
and wifi now), and ``/public/<ward code>.json`` (the same reports and figures as data). No sign-in.

Served safely to anonymous visitors (docs/public.md):

- plain server-rendered HTML, no script at all, so its own Content-Security-Policy allows none
  (``script-src 'none'``, no inline style either); Dash's pages keep theirs (:mod:`dashboards.csp`);
- only what Open311 publishes (:mod:`dashboards.views.public` says how);
- cached per worker for :data:`TTL` seconds per URL (ward, filters, language, code), and sent with
  ``Cache-Control: public, max-age`` so a proxy may keep it as long;
- rate-limited like Open311's anonymous readers: :data:`CONFIG_KEY` requests a minute per address (default 60),
  counted apart from Open311's, 429 with ``Retry-After`` beyond it; signed-in staff are not limited.

The ward's disclosure documents are downloaded and commented on through :mod:`dashboards.public.documents` (the one
POST here: ``/public/comments/<id>``, never cached).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from flask import Blueprint, Response, request
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import RequestEntityTooLarge

from dashboards import context
from dashboards.api import open311_limit
from dashboards.auth.forms import request_lang
from dashboards.auth.guard import body_limit
from dashboards.i18n import t
from dashboards.public import documents, render
from dashboards.views import public as view
from dashboards.views import replica_banner
from ioc.errors import IocError

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
CONFIG_KEY = "IOC_PUBLIC_ANONYMOUS_PER_MINUTE"
BUCKET = "public:"
TTL = 30.0               # seconds: a resident sees a new answer within half a minute; the database sees one query
MAX_ENTRIES = 512        # per worker, oldest out first
_WARD = re.compile(r"^[0-9A-Za-z_-]{1,20}$")
_KEEP = ("category", "status", "hamlet", "code")


class Cache:
    """A small TTL cache of rendered answers, per worker, thread-safe."""

    def __init__(self, ttl: float = TTL, size: int = MAX_ENTRIES) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[str, tuple[float, int, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[int, str, str] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            return found[1:]

    def put(self, key: str, status: int, body: str, mimetype: str) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self.ttl, status, body, mimetype)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def public_blueprint() -> Blueprint:
    bp = Blueprint("public", __name__, static_folder=str(Path(__file__).with_name("static")),
                   static_url_path="/public/static")
    cache = Cache()

    @bp.before_request
    def limited() -> Response | None:
        if request.path.startswith("/public/static/"):
            return None
        wait = open311_limit.wait_seconds(bucket=BUCKET, config_key=CONFIG_KEY)
        if wait is None:
            return None
        lang = request_lang()
        resp = Response(t("public.too_many", lang, seconds=wait), status=429, mimetype="text/plain")
        resp.headers["Retry-After"] = str(wait)
        return resp

    @bp.after_request
    def headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP    # the app's policy is set with setdefault: this one wins
        if resp.status_code == 200 and not request.path.startswith("/public/static/"):
            resp.headers["Cache-Control"] = f"public, max-age={int(TTL)}"
        return resp

    def answer(make: Any) -> Response:
        key = request.full_path
        found = cache.get(key)
        if found is None:
            try:
                found = make()
            except (IocError, psycopg.Error, PoolTimeout):
                return Response(t("public.unavailable", request_lang()), status=503, mimetype="text/plain")
            cache.put(key, *found)
        status, body, mimetype = found
        return Response(body, status=status, mimetype=mimetype)

    @bp.get("/public")
    def index() -> Response:
        def make() -> tuple[int, str, str]:
            ioc, lang = context.current(), request_lang()
            page = view.index_page(ioc.read_pool, request.args, datetime.now(UTC), ioc.settings.tz, lang,
                                   track_pool=ioc.pool)
            lag = replica_banner.public_text(ioc.read_pool, ioc.settings.replica_lag_s, lang)
            return 200, render.index_html(page, lang, request.args.get("code", "")[:40], lag), "text/html"

        return answer(make)

    @bp.get("/public/<code>")
    def ward(code: str) -> Response:
        as_json = code.endswith(".json")
        code = code.removesuffix(".json")

        def make() -> tuple[int, str, str]:
            ioc, lang = context.current(), request_lang()
            page = view.ward_page(ioc.read_pool, code, request.args, datetime.now(UTC), ioc.settings.tz, lang,
                                  track_pool=ioc.pool) if _WARD.match(code) else None
            if as_json:
                body = json.dumps(view.as_data(page) if page else {"error": t("public.ward.not_found", lang,
                                                                                 code=code[:40])},
                                  ensure_ascii=False, default=str)
                return (200 if page else 404), body, "application/json"
            if page is None:
                return 404, render.not_found_html(lang, code), "text/html"
            keep = {k: v for k, v in request.args.items() if k in _KEEP}
            notice = t("public.docs.comment.thanks", lang) if request.args.get("sent") else ""
            lag = replica_banner.public_text(ioc.read_pool, ioc.settings.replica_lag_s, lang)
            return 200, render.ward_html(page, lang, keep, request.args.get("code", "")[:40], notice, lag), "text/html"

        return answer(make)

    bp.add_url_rule("/public/documents/<int:document>", "document", documents.download, methods=["GET"])
    bp.add_url_rule("/public/comments/<int:document>", "comment", documents.comment, methods=["POST"])

    @bp.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Response:
        """A comment POST over the app's cap: plain text naming the limit, not Werkzeug's English HTML page."""
        resp = Response(t("public.too_large", request_lang(), limit=body_limit()), status=413,
                        mimetype="text/plain")
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @bp.get("/public/")
    @bp.get("/public/<path:rest>")
    def elsewhere(rest: str = "") -> Response:
        """Without these, Dash's catch-all route would answer ``/public/`` and ``/public/a/b`` with its app shell
        (the guard lets every ``/public`` path through), under the app's weaker CSP."""
        if not rest:
            return Response(status=308, headers={"Location": "/public"})
        lang = request_lang()
        return Response(render.not_found_html(lang, rest), status=404, mimetype="text/html")

    return bp
