"""The session cookie and the CSRF cookie: names, flags, and when they are Secure."""

from __future__ import annotations

from datetime import timedelta

from werkzeug.wrappers import Response

from ioc.config import Settings

SESSION_COOKIE = "ioc_session"
CSRF_COOKIE = "_csrf_token"        # the name dash-renderer reads to send X-CSRFToken


def cookie_secure(settings: Settings) -> bool:
    """Secure cookies unless configured otherwise or served on loopback (plain HTTP on a developer machine)."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return settings.http_host not in ("127.0.0.1", "localhost", "::1")


def set_session_cookies(resp: Response, token: str, csrf: str, secure: bool, max_age: timedelta | None = None) -> None:
    """The session cookie (HttpOnly, SameSite=Lax) and the CSRF cookie scripts read (SameSite=Strict)."""
    resp.set_cookie(SESSION_COOKIE, token, max_age=max_age, secure=secure, httponly=True, samesite="Lax", path="/")
    set_csrf_cookie(resp, csrf, secure, max_age)


def set_csrf_cookie(resp: Response, csrf: str, secure: bool, max_age: timedelta | None = None) -> None:
    resp.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, secure=secure, httponly=False, samesite="Strict", path="/")


def clear_session_cookies(resp: Response, secure: bool) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        resp.delete_cookie(name, path="/", secure=secure, samesite="Lax" if name == SESSION_COOKIE else "Strict")
