"""The staff pages of the residents' page as plain server-rendered HTML (Bootstrap, dark), no script needed.

Every form carries the session's CSRF token (``csrf_token``), which the guard checks on each POST. A field's
error is shown under that field (``is-invalid`` + ``invalid-feedback``) and the values typed are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from markupsafe import Markup
from werkzeug.wrappers import Response

from dashboards.auth.forms import CSRF_FIELD
from dashboards.i18n import LANGS, t
from pipelines.public.reason import Reason

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" data-bs-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — IOC</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"><link rel="stylesheet" href="/assets/ioc.css"></head>
<body class="ioc-staff"><nav class="navbar border-bottom border-info px-3">
<span class="navbar-brand fw-bold">{app}</span>
<div class="d-flex gap-3"><a href="/staff/disclosures{q}">{docs}</a><a href="/staff/support-points{q}">{points}</a>
<a href="/public{q}">{public}</a><a href="/">{home}</a><span class="text-secondary">{langs}</span></div></nav>
<main class="container-xxl py-3 fs-5">{body}</main></body></html>"""
_Q = Markup("").join


def page(title: str, body: Markup, lang: str, status: int = 200, keep: Mapping[str, str] | None = None) -> Response:
    q = "" if lang == "vi" else "?lang=en"
    langs = Markup(" · ").join(Markup('<a href="?{}">{}</a>').format(urlencode({**(keep or {}), "lang": c}),
                                                                      c.upper()) for c in LANGS)
    html = Markup(_PAGE).format(lang=lang, title=title, app=t("app.title", lang), body=body, q=q, langs=langs,
                                docs=t("staff.docs.title", lang), points=t("staff.points.title", lang),
                                public=t("public.brand", lang), home=t("staff.home", lang))
    return Response(str(html), status=status, mimetype="text/html")


def say(reason: str, lang: str) -> str:
    """A refusal in the page's language when it carries a catalogue key (``staff.err.*``), else as written."""
    return t(f"staff.err.{reason.key}", lang, **reason.values) if isinstance(reason, Reason) else reason


def say_all(errors: Mapping[str, str] | None, lang: str) -> dict[str, str]:
    return {k: say(v, lang) for k, v in (errors or {}).items()}


def alert(text: str, kind: str = "success") -> Markup:
    return Markup('<div class="alert alert-{} py-2" role="alert">{}</div>').format(kind, text) if text else Markup()


def csrf(token: str | None) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token or "")


def field(name: str, label: str, value: str = "", error: str = "", kind: str = "text", required: bool = False,
          extra: str = "") -> Markup:
    """A labelled input with its error (if any) right under it."""
    return Markup('<div class="col-md-{w}"><label class="form-label" for="f-{n}">{label}</label>'
                  '<input class="form-control{bad}" id="f-{n}" name="{n}" type="{kind}" value="{value}"{req}{extra}>'
                  '{err}</div>').format(
        w=12 if kind == "file" else 4, n=name, label=label, bad=" is-invalid" if error else "", kind=kind,
        value=value, req=Markup(" required") if required else "", extra=Markup(extra),
        err=Markup('<div class="invalid-feedback">{}</div>').format(error) if error else "")


def select(name: str, label: str, options: Iterable[tuple[str, str]], chosen: str = "", error: str = "") -> Markup:
    opts = _Q(Markup('<option value="{}"{}>{}</option>').format(v, Markup(" selected") if v == chosen else "", k)
              for v, k in options)
    return Markup('<div class="col-md-4"><label class="form-label" for="f-{n}">{label}</label>'
                  '<select class="form-select{bad}" id="f-{n}" name="{n}">{opts}</select>{err}</div>').format(
        n=name, label=label, bad=" is-invalid" if error else "", opts=opts,
        err=Markup('<div class="invalid-feedback">{}</div>').format(error) if error else "")


def table(head: Iterable[str], body_rows: Iterable[Markup]) -> Markup:
    return Markup('<div class="table-responsive"><table class="table table-dark table-striped align-middle">'
                  '<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>').format(
        _Q(Markup("<th>{}</th>").format(h) for h in head), _Q(body_rows))


def button_form(action: str, token: str | None, label: str, kind: str = "outline-warning",
                extra: Markup | None = None) -> Markup:
    return Markup('<form method="post" action="{}" class="d-inline-flex gap-1">{}{}'
                  '<button class="btn btn-sm btn-{}" type="submit">{}</button></form>').format(
        action, csrf(token), extra or "", kind, label)
