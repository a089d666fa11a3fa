"""The sign-in pages as plain server-rendered HTML: the page shell, its form parts, and the refusals browsers see.

Everything is escaped by :class:`markupsafe.Markup`; labels come from the catalogue (``login.*``, ``account.*``).
Also where these pages live (``/login``, ``/account/password``), so the guard can send people there.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request
from markupsafe import Markup
from werkzeug.wrappers import Response

from dashboards import context
from dashboards.i18n import norm_lang, t
from ioc.security import passwords, policy

CSRF_FIELD = "csrf_token"
PASSWORD_PATH = "/account/password"

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" data-bs-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — IOC</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"><link rel="stylesheet" href="/assets/ioc.css">
<link rel="stylesheet" href="/assets/ioc-login.css"></head>
<body class="ioc-login"><main class="ioc-login-box">
<div class="ioc-login-brand">{app}</div><div class="ioc-login-card"><h1>{title}</h1>{body}</div>
<nav class="ioc-login-langs">{langs}</nav></main></body></html>"""


def login_url(next_path: str) -> str:
    return "/login?" + urlencode({"next": policy.safe_next(next_path)})


def password_change_path(path: str) -> bool:
    """Where a user who must change a one-time password may still go."""
    return path in (PASSWORD_PATH, "/logout")


def request_lang() -> str:
    """The language asked for in the query string, else the deployment's."""
    return norm_lang(request.args.get("lang"), context.current().settings.lang)


def page(title: str, body: Markup, lang: str, status: int = 200) -> Response:
    query = {k: v for k, v in request.args.items() if k in ("next",)}
    langs = Markup(" · ").join(Markup('<a href="?{}">{}</a>').format(urlencode({**query, "lang": c}), c.upper())
                               for c in ("vi", "en"))
    html = Markup(_PAGE).format(lang=lang, title=title, app=t("app.title", lang), body=body, langs=langs)
    return Response(str(html), status=status, mimetype="text/html")


def alert(text: str | None, kind: str = "danger") -> Markup:
    return Markup('<div class="alert alert-{} py-2" role="alert">{}</div>').format(kind, text) if text else Markup()


def field(name: str, label: str, kind: str = "password", autocomplete: str = "current-password") -> Markup:
    return Markup('<label class="form-label" for="{0}">{1}</label><input class="form-control form-control-lg mb-3" '
                  'id="{0}" name="{0}" type="{2}" autocomplete="{3}" maxlength="{4}" required>'
                  ).format(name, label, kind, autocomplete, passwords.MAX_LENGTH)


def form(action: str, csrf: str, fields: Markup, submit: str) -> Markup:
    return Markup('<form method="post" action="{}"><input type="hidden" name="{}" value="{}">{}'
                  '<button class="btn btn-primary btn-lg w-100" type="submit">{}</button></form>'
                  ).format(action, CSRF_FIELD, csrf, fields, submit)


# -- refusals rendered for browsers ----------------------------------------------------------------------------

def forbidden() -> Response:
    lang = request_lang()
    body = Markup('<p>{}</p><a class="btn btn-secondary" href="/">{}</a>').format(t("login.forbidden", lang),
                                                                                  t("login.home", lang))
    return page(t("login.forbidden.title", lang), body, lang, 403)


def kiosk_invalid() -> Response:
    lang = request_lang()
    return page(t("login.kiosk.title", lang), Markup("<p>{}</p>").format(t("login.kiosk_invalid", lang)), lang, 401)
