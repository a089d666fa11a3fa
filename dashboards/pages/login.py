"""/login, /logout and /account/password: plain server-rendered forms (Flask views, not a Dash page).

They work without JavaScript and without the Dash machinery, which stays behind the login. The login form is
protected against CSRF by a double-submit token (cookie + hidden field) and an Origin check; the session's own
token protects logout and the password change. Labels come from the catalogue (``login.*``, ``account.*``).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import Blueprint, redirect, request
from markupsafe import Markup
from werkzeug.wrappers import Response

from dashboards import auth, context
from dashboards.i18n import norm_lang, t
from ioc.security import audit, logins, passwords, policy, sessions, tokens, users
from ioc.security.errors import AuthenticationFailed, InvalidInput

SESSION_COOKIE = "ioc_session"
CSRF_COOKIE = "_csrf_token"        # the name dash-renderer reads to send X-CSRFToken
CSRF_FIELD = "csrf_token"
PASSWORD_PATH = "/account/password"
MAX_USERNAME = 64

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" data-bs-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — IOC</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"><link rel="stylesheet" href="/assets/ioc.css">
<link rel="stylesheet" href="/assets/ioc-login.css"></head>
<body class="ioc-login"><main class="ioc-login-box">
<div class="ioc-login-brand">{app}</div><div class="ioc-login-card"><h1>{title}</h1>{body}</div>
<nav class="ioc-login-langs">{langs}</nav></main></body></html>"""


def blueprint() -> Blueprint:
    bp = Blueprint("ioc_login", __name__)
    bp.add_url_rule("/login", "login", login_view, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout_view, methods=["GET", "POST"])
    bp.add_url_rule(PASSWORD_PATH, "password", password_view, methods=["GET", "POST"])
    return bp


def login_url(next_path: str) -> str:
    return "/login?" + urlencode({"next": policy.safe_next(next_path)})


def password_change_path(path: str) -> bool:
    """Where a user who must change a one-time password may still go."""
    return path in (PASSWORD_PATH, "/logout")


def _lang() -> str:
    return norm_lang(request.args.get("lang"), context.current().settings.lang)


def page(title: str, body: Markup, lang: str, status: int = 200) -> Response:
    query = {k: v for k, v in request.args.items() if k in ("next",)}
    langs = Markup(" · ").join(Markup('<a href="?{}">{}</a>').format(urlencode({**query, "lang": c}), c.upper())
                               for c in ("vi", "en"))
    html = Markup(_PAGE).format(lang=lang, title=title, app=t("app.title", lang), body=body, langs=langs)
    return Response(str(html), status=status, mimetype="text/html")


def _alert(text: str | None, kind: str = "danger") -> Markup:
    return Markup('<div class="alert alert-{} py-2" role="alert">{}</div>').format(kind, text) if text else Markup()


def _field(name: str, label: str, kind: str = "password", autocomplete: str = "current-password") -> Markup:
    return Markup('<label class="form-label" for="{0}">{1}</label><input class="form-control form-control-lg mb-3" '
                  'id="{0}" name="{0}" type="{2}" autocomplete="{3}" maxlength="{4}" required>'
                  ).format(name, label, kind, autocomplete, passwords.MAX_LENGTH)


def _form(action: str, csrf: str, fields: Markup, submit: str) -> Markup:
    return Markup('<form method="post" action="{}"><input type="hidden" name="{}" value="{}">{}'
                  '<button class="btn btn-primary btn-lg w-100" type="submit">{}</button></form>'
                  ).format(action, CSRF_FIELD, csrf, fields, submit)


# -- /login ----------------------------------------------------------------------------------------------------

def login_view() -> Response:
    lang = _lang()
    if request.method == "GET":
        who = auth.identify()
        if who is not None and who.kind == "user":
            return redirect(policy.safe_next(request.args.get("next")))
        return _login_form(lang)
    return _login_post(lang)


def _login_form(lang: str, error: str | None = None, status: int = 200) -> Response:
    csrf = request.cookies.get(CSRF_COOKIE) or tokens.new_token()
    fields = (_field("username", t("login.username", lang), "text", "username")
              + _field("password", t("login.password", lang)))
    action = "/login?" + urlencode({k: v for k, v in request.args.items() if k in ("next", "lang")})
    body = _alert(error) + _form(action, csrf, fields, t("login.submit", lang)) + \
        Markup('<p class="ioc-login-hint">{}</p>').format(t("login.hint", lang))
    resp = page(t("login.title", lang), body, lang, status)
    set_csrf_cookie(resp, csrf, auth.cookie_secure(context.current().settings))
    return resp


def _login_post(lang: str) -> Response:
    ioc = context.current()
    if not tokens.same(request.form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)) or not same_origin():
        return _login_form(lang, t("login.csrf", lang), 403)
    username, password = request.form.get("username", ""), request.form.get("password", "")
    if len(username) > MAX_USERNAME or len(password) > passwords.MAX_LENGTH:
        return _login_form(lang, t("login.too_long", lang), 400)
    old = auth.identify()
    with ioc.pool.connection() as conn:
        result = logins.attempt(conn, username, password, request.remote_addr,
                                logins.Limits.from_settings(ioc.settings))
        if result.user is not None:
            if old is not None and old.session_id is not None:
                sessions.end(conn, old.session_id)
            made = sessions.for_user(conn, result.user.id, timedelta(hours=ioc.settings.session_max_hours),
                                     request.remote_addr, request.user_agent.string)
    if result.outcome == "rate_limited":
        resp = _login_form(lang, t("login.rate_limited", lang, minutes=max(1, -(-result.retry_after_s // 60))), 429)
        resp.headers["Retry-After"] = str(result.retry_after_s)
        return resp
    if result.user is None:
        return _login_form(lang, t("login.failed", lang), 401)
    target = PASSWORD_PATH if result.user.must_change_password else policy.safe_next(request.args.get("next"))
    resp = redirect(target, 303)
    set_session_cookies(resp, made.token, made.csrf_token, auth.cookie_secure(ioc.settings))
    return resp


def same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


# -- /logout ---------------------------------------------------------------------------------------------------

def logout_view() -> Response:
    lang, who = _lang(), auth.identify()
    if who is None or who.session_id is None:
        return redirect("/login")
    if request.method == "GET":
        body = Markup("<p>{}</p>").format(t("logout.confirm", lang)) + \
            _form("/logout", who.csrf_token or "", Markup(), t("logout.title", lang))
        return page(t("logout.title", lang), body, lang)
    problem = auth.csrf_problem(who)
    if problem is not None:
        return problem
    with context.current().pool.connection() as conn:
        sessions.end(conn, who.session_id)
        audit.record(conn, "logout", who.actor, who.name, request.remote_addr)
    resp = redirect("/login", 303)
    clear_session_cookies(resp, auth.cookie_secure(context.current().settings))
    return resp


# -- /account/password -----------------------------------------------------------------------------------------

def password_view() -> Response:
    lang, who = _lang(), auth.current_principal()
    if who is None or who.kind != "user" or who.user_id is None:
        return forbidden()
    message, kind = (t("account.password.first", lang), "info") if who.must_change_password else (None, "info")
    if request.method == "POST":
        current, new = request.form.get("current", ""), request.form.get("new", "")
        if new != request.form.get("repeat", ""):
            message, kind = t("account.password.mismatch", lang), "danger"
        else:
            try:
                with context.current().pool.connection() as conn:
                    users.change_password(conn, who.user_id, current, new, keep_session=who.session_id)
                return redirect("/", 303)
            except AuthenticationFailed:
                message, kind = t("account.password.wrong", lang), "danger"
            except InvalidInput:
                message, kind = t("account.password.weak", lang), "danger"
    fields = (_field("current", t("account.password.current", lang))
              + _field("new", t("account.password.new", lang), autocomplete="new-password")
              + _field("repeat", t("account.password.repeat", lang), autocomplete="new-password"))
    body = _alert(message, kind) + _form(PASSWORD_PATH, who.csrf_token or "", fields, t("account.password.title",
                                                                                         lang))
    return page(t("account.password.title", lang), body, lang, 400 if kind == "danger" else 200)


# -- refusals rendered for browsers ----------------------------------------------------------------------------

def forbidden() -> Response:
    lang = _lang()
    body = Markup('<p>{}</p><a class="btn btn-secondary" href="/">{}</a>').format(t("login.forbidden", lang),
                                                                                  t("login.home", lang))
    return page(t("login.forbidden.title", lang), body, lang, 403)


def kiosk_invalid() -> Response:
    lang = _lang()
    return page(t("login.kiosk.title", lang), Markup("<p>{}</p>").format(t("login.kiosk_invalid", lang)), lang, 401)


# -- cookies ---------------------------------------------------------------------------------------------------

def set_session_cookies(resp: Response, token: str, csrf: str, secure: bool, max_age: timedelta | None = None) -> None:
    """The session cookie (HttpOnly, SameSite=Lax) and the CSRF cookie scripts read (SameSite=Strict)."""
    resp.set_cookie(SESSION_COOKIE, token, max_age=max_age, secure=secure, httponly=True, samesite="Lax", path="/")
    set_csrf_cookie(resp, csrf, secure, max_age)


def set_csrf_cookie(resp: Response, csrf: str, secure: bool, max_age: timedelta | None = None) -> None:
    resp.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, secure=secure, httponly=False, samesite="Strict", path="/")


def clear_session_cookies(resp: Response, secure: bool) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        resp.delete_cookie(name, path="/", secure=secure, samesite="Lax" if name == SESSION_COOKIE else "Strict")
