"""The Flask blueprint of /login, /logout and /account/password: server-rendered forms, not a Dash page.

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

from dashboards import context
from dashboards.auth import cookies, forms, guard
from dashboards.i18n import t
from ioc.security import audit, logins, passwords, policy, sessions, tokens, users
from ioc.security.errors import AuthenticationFailed, InvalidInput

MAX_USERNAME = 64


def blueprint() -> Blueprint:
    bp = Blueprint("ioc_login", __name__)
    bp.add_url_rule("/login", "login", login_view, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout_view, methods=["GET", "POST"])
    bp.add_url_rule(forms.PASSWORD_PATH, "password", password_view, methods=["GET", "POST"])
    return bp


# -- /login ----------------------------------------------------------------------------------------------------

def login_view() -> Response:
    lang = forms.request_lang()
    if request.method == "GET":
        who = guard.identify()
        if who is not None and who.kind == "user":
            return redirect(policy.safe_next(request.args.get("next")))
        return _login_form(lang)
    return _login_post(lang)


def _login_form(lang: str, error: str | None = None, status: int = 200) -> Response:
    csrf = request.cookies.get(cookies.CSRF_COOKIE) or tokens.new_token()
    fields = (forms.field("username", t("login.username", lang), "text", "username")
              + forms.field("password", t("login.password", lang)))
    action = "/login?" + urlencode({k: v for k, v in request.args.items() if k in ("next", "lang")})
    body = forms.alert(error) + forms.form(action, csrf, fields, t("login.submit", lang)) + \
        Markup('<p class="ioc-login-hint">{}</p>').format(t("login.hint", lang))
    resp = forms.page(t("login.title", lang), body, lang, status)
    cookies.set_csrf_cookie(resp, csrf, cookies.cookie_secure(context.current().settings))
    return resp


def _login_post(lang: str) -> Response:
    ioc = context.current()
    csrf_ok = tokens.same(request.form.get(forms.CSRF_FIELD), request.cookies.get(cookies.CSRF_COOKIE))
    if not csrf_ok or not same_origin():
        return _login_form(lang, t("login.csrf", lang), 403)
    username, password = request.form.get("username", ""), request.form.get("password", "")
    if len(username) > MAX_USERNAME or len(password) > passwords.MAX_LENGTH:
        return _login_form(lang, t("login.too_long", lang), 400)
    old = guard.identify()
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
    target = forms.PASSWORD_PATH if result.user.must_change_password else policy.safe_next(request.args.get("next"))
    resp = redirect(target, 303)
    cookies.set_session_cookies(resp, made.token, made.csrf_token, cookies.cookie_secure(ioc.settings))
    return resp


def same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


# -- /logout ---------------------------------------------------------------------------------------------------

def logout_view() -> Response:
    lang, who = forms.request_lang(), guard.identify()
    if who is None or who.session_id is None:
        return redirect("/login")
    if request.method == "GET":
        body = Markup("<p>{}</p>").format(t("logout.confirm", lang)) + \
            forms.form("/logout", who.csrf_token or "", Markup(), t("logout.title", lang))
        return forms.page(t("logout.title", lang), body, lang)
    problem = guard.csrf_problem(who)
    if problem is not None:
        return problem
    with context.current().pool.connection() as conn:
        sessions.end(conn, who.session_id)
        audit.record(conn, "logout", who.actor, who.name, request.remote_addr)
    resp = redirect("/login", 303)
    cookies.clear_session_cookies(resp, cookies.cookie_secure(context.current().settings))
    return resp


# -- /account/password -----------------------------------------------------------------------------------------

def password_view() -> Response:
    lang, who = forms.request_lang(), guard.current_principal()
    if who is None or who.kind != "user" or who.user_id is None:
        return forms.forbidden()
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
    fields = (forms.field("current", t("account.password.current", lang))
              + forms.field("new", t("account.password.new", lang), autocomplete="new-password")
              + forms.field("repeat", t("account.password.repeat", lang), autocomplete="new-password"))
    submit = t("account.password.title", lang)
    body = forms.alert(message, kind) + forms.form(forms.PASSWORD_PATH, who.csrf_token or "", fields, submit)
    return forms.page(t("account.password.title", lang), body, lang, 400 if kind == "danger" else 200)
