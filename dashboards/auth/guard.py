"""The request guard: default deny for the whole Flask app (dashboards, read API, Open311), and ``@require``.

:func:`install` adds a ``before_request`` guard that finds the caller (a session cookie, a kiosk token on
``/wall?kiosk=…``, an API key), asks :mod:`ioc.security.policy` what the path needs (for
``/_dash-update-component``: what the page owning the callback needs) and answers 302 → /login, 401 or 403
itself. Routes and pages added later are therefore protected without touching this file; what stays public is the
allow-list in ``policy.RULES``. :func:`require` stays on routes and callbacks as a second, explicit check.

CSRF: a session's requests that change state must carry the session's CSRF token (``X-CSRFToken``, which
dash-renderer copies from the ``_csrf_token`` cookie into every callback request; or the ``csrf_token`` field
of our HTML forms) and, when the browser sends one, a same-site ``Origin``. See docs/security.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import psycopg
from dash import Dash
from flask import Flask, abort, current_app, g, has_request_context, jsonify, redirect, request
from markupsafe import escape
from psycopg_pool import PoolTimeout
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from dashboards import context
from dashboards.auth import callbacks, cookies, forms
from ioc.config import Settings
from ioc.errors import IocError
from ioc.security import keys, policy, roles, sessions, tokens
from ioc.security.principal import Principal

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

SCOPES = roles.PERMISSIONS
EXTENSION = "ioc_auth"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_BODY = 8 * 1024 * 1024
API_PATHS = ("/api/", "/open311/")
MAX_QUERY_VALUE = 2048
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def install(app: Dash) -> None:
    """Guard every route of ``app.server``; call before the app serves its first request (the package's
    :func:`dashboards.auth.install` also adds the sign-in views)."""
    server: Flask = app.server
    settings: Settings = server.extensions[context.EXTENSION].settings
    server.extensions[EXTENSION] = {"app": app, "callbacks": None}
    if server.config.get("MAX_CONTENT_LENGTH") is None:   # Flask's defaults hold the key (None): setdefault kept it
        server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    if settings.proxy_hops:
        n = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    server.before_request(_guard)
    server.after_request(_finish)


def body_limit() -> str:
    """The limit a refused body went over, for the 413 answers: the request cap (``MAX_CONTENT_LENGTH``,
    :data:`MAX_BODY` unless configured) when the body is larger, else Werkzeug's cap on the form fields that are not
    files (``MAX_FORM_MEMORY_SIZE``, 500 kB by default)."""
    cap = int(current_app.config.get("MAX_CONTENT_LENGTH") or MAX_BODY)
    fields = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    if (request.content_length or 0) > cap or not fields:
        return f"{cap / (1024 * 1024):g} MB"
    return f"{int(fields) // 1000} kB"


def current_principal() -> Principal | None:
    """The caller of the current request (None: not signed in, or outside a request)."""
    return g.get("ioc_principal") if has_request_context() else None


def require(scope: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The caller must hold ``scope`` unless the policy made the path public (Open311 GETs). A plain call outside
    any request (a test calling a callback function) is not a remote caller and is let through."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            if has_request_context() and not g.get("ioc_public"):
                who = current_principal()
                if who is None or not who.may(scope):
                    abort(_json(403, f"this needs the {scope!r} permission"))
            return func(*args, **kwargs)

        # Read by the guard (auth/callbacks.py) before a callback runs: a background callback runs in a job
        # process outside any request, where the check above cannot see the caller.
        checked.ioc_scope = scope  # type: ignore[attr-defined]
        return checked

    return wrap


# -- the guard -------------------------------------------------------------------------------------------------

def _guard() -> Response | None:
    need = policy.requirement(request.method, request.path)
    g.ioc_public = need == policy.PUBLIC
    problem = input_problem()
    if problem:
        return _json(400, problem)
    if g.ioc_public:
        return None
    try:
        who = identify()
    except (IocError, psycopg.Error, PoolTimeout) as exc:   # the database is down: say so, not a 500
        log.warning("cannot check the caller of %s: %s", request.path, str(exc).splitlines()[0] if str(exc) else exc)
        return _json(503, "the database is unavailable; try again shortly")
    if need == policy.ROUTER:
        need = policy.callback_requirement(_callbacks(), request.get_json(silent=True))
    verdict = policy.decide(need, who, password_change_ok=forms.password_change_path(request.path))
    if verdict != "allow":
        return _refuse(verdict, need)
    return csrf_problem(who)


def input_problem() -> str | None:
    """Refuse what no parameter of ours may hold before any view sees it: NUL bytes (PostgreSQL text cannot hold
    them, so they would surface as server errors) and query values longer than any of ours."""
    if "\x00" in request.path:
        return "the path holds a NUL byte"
    for name, value in request.args.items(multi=True):
        if "\x00" in value or "\x00" in name:
            return f"query parameter {name[:40]!r} holds a NUL byte"
        if len(value) > MAX_QUERY_VALUE:
            return f"query parameter {name[:40]!r} is longer than {MAX_QUERY_VALUE} characters"
    if request.method not in SAFE_METHODS:
        if request.is_json and b"\\u0000" in request.get_data(cache=True):
            return "the request body holds a NUL character"
        if request.mimetype in FORM_TYPES and any("\x00" in v for v in request.form.values()):
            return "a form field holds a NUL byte"
    return None


def identify() -> Principal | None:
    """Who is asking, from the first credential present: kiosk token (GET /wall), API key, session cookie."""
    if "ioc_principal" in g:
        return g.ioc_principal
    kiosk = request.args.get("kiosk") if request.path == "/wall" and request.method == "GET" else None
    api_key = _api_key() if request.path.startswith(API_PATHS) else None   # keys open the APIs, not pages
    cookie = request.cookies.get(cookies.SESSION_COOKIE)
    who = None
    if kiosk or api_key or cookie:
        ioc = context.current()
        idle = timedelta(minutes=ioc.settings.session_idle_minutes)
        with ioc.pool.connection() as conn:
            if kiosk:
                who = _kiosk(conn, kiosk, sessions.lookup(conn, cookie, idle) if cookie else None)
            elif api_key:
                found = keys.authenticate(conn, api_key)
                who = found[0] if found else None
            else:
                who = sessions.lookup(conn, cookie, idle)
    g.ioc_principal = who
    return who


def _api_key() -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    if request.headers.get("X-API-Key"):
        return request.headers["X-API-Key"].strip()
    if request.method == "POST" and request.path.startswith("/open311/"):
        return request.form.get("api_key")   # the GeoReport v2 way: a form field
    return None


def _kiosk(conn: Any, token: str, current: Principal | None) -> Principal | None:
    found = keys.authenticate(conn, token, kind="kiosk")
    if found is None:
        g.ioc_kiosk_invalid = True
        return None
    who, key = found
    if current is not None and current.kind == "kiosk" and current.key_id == key.id:
        return current
    made = sessions.for_kiosk(conn, key.id, key.expires_at, request.remote_addr, request.user_agent.string)
    g.ioc_new_session = made
    return Principal("kiosk", who.name, "kiosk", who.permissions, key_id=key.id, session_id=made.id,
                     csrf_token=made.csrf_token)


def csrf_problem(who: Principal | None) -> Response | None:
    """403 when a session's state-changing request lacks its CSRF token or comes from another site."""
    if request.method in SAFE_METHODS or who is None or who.session_id is None:
        return None   # API keys are not ambient credentials: a browser never adds them by itself
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
        return _json(403, "cross-site request refused (Origin does not match)")
    given = request.headers.get("X-CSRFToken") or (request.form.get(forms.CSRF_FIELD) if request.form else None)
    if not tokens.same(given, who.csrf_token):
        return _json(403, "the CSRF token is missing or wrong: reload the page")
    return None


def _callbacks() -> dict[str, policy.CallbackNeed]:
    state = current_app.extensions[EXTENSION]
    if state["callbacks"] is None:
        state["callbacks"] = callbacks.callback_requirements(state["app"])
    return state["callbacks"]


def _open311_error(status: int, message: str) -> Response:
    """GeoReport v2's error list, in the format the path asks for."""
    if request.path.endswith(".xml"):
        body = f"<errors><error><code>{status}</code><description>{escape(message)}</description></error></errors>"
        return Response(body, status=status, mimetype="text/xml")
    resp = jsonify([{"code": status, "description": message}])
    resp.status_code = status
    return resp


def _wants_html() -> bool:
    return request.method == "GET" and not request.path.startswith(("/api/", "/_dash-", "/open311/"))


def _refuse(verdict: str, need: str = "") -> Response:
    if verdict == "login":
        if g.get("ioc_kiosk_invalid"):
            return forms.kiosk_invalid()
        if _wants_html():
            return redirect(forms.login_url(request.full_path.rstrip("?")))
        if request.path.startswith("/open311/"):
            return _open311_error(401, "api_key is missing or not valid")
        resp = _json(401, "sign in, or send an API key (Authorization: Bearer …)")
        resp.headers["WWW-Authenticate"] = 'Bearer realm="ioc"'
        return resp
    if verdict == "change_password":
        if _wants_html():
            return redirect(forms.PASSWORD_PATH)
        return _json(403, "change your one-time password first (/account/password)")
    if request.path.startswith("/open311/"):
        return _open311_error(403, "this api_key may not submit reports")
    # an API client is told what it lacks (the scope to ask for), a person the page
    return forms.forbidden() if _wants_html() else _json(403, f"your role may not do this (it needs the {need!r} "
                                                              "permission)" if need else "your role may not do this")


def _json(status: int, message: str) -> Response:
    resp = jsonify({"error": {"status": status, "message": message}})
    resp.status_code = status
    return resp


# -- after every request: cookies and headers ---------------------------------------------------------------------

def _finish(resp: Response) -> Response:
    secure = cookies.cookie_secure(context.current().settings)
    new = g.get("ioc_new_session")   # a kiosk signed in by its token on this request
    who = g.get("ioc_principal")
    if new is not None:
        cookies.set_session_cookies(resp, new.token, new.csrf_token, secure, sessions.KIOSK_LIFETIME)
    elif who is not None and who.csrf_token and not g.get("ioc_public") \
            and request.cookies.get(cookies.CSRF_COOKIE) != who.csrf_token:
        cookies.set_csrf_cookie(resp, who.csrf_token, secure)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")   # a kiosk token never leaves in a Referer
    if not g.get("ioc_public") or request.path.startswith(("/login", "/logout")):
        resp.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return resp
