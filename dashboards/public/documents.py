"""The two routes of the disclosure documents on the residents' page: download a document, post a comment.

A download is served with the type the upload check found (never one guessed from the name), as an attachment,
``nosniff``, and the SHA-256 as its ETag. A comment needs, in this order: a form token this deployment signed for
this document, at least 2 s and at most 2 h old; an empty honeypot (a filled one is dropped silently, so a robot
learns nothing); at most :data:`PER_MINUTE` comments a minute from one address (429 beyond it, counted apart from
page views); text of 1–2000 characters; and the document's comment period open. The address is only counted (as a
hash, for minutes: :mod:`dashboards.api.open311_limit`), never stored with the comment.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import psycopg
from flask import Response, current_app, request
from psycopg_pool import PoolTimeout

from dashboards import context
from dashboards.api import open311_limit
from dashboards.auth.forms import request_lang
from dashboards.i18n import t
from dashboards.public import render
from dashboards.public.render_docs import HONEYPOT
from ioc.errors import IocError
from pipelines.public import comments, disclosures, formtoken

CONFIG_KEY = "IOC_PUBLIC_COMMENTS_PER_MINUTE"
PER_MINUTE = 3          # a person writes one comment in minutes; a family behind one address, a few
BUCKET = "public-comment:"
_STATUS = {"empty": 400, "too_long": 400, "not_found": 404, "not_open": 409, "closed": 409, "too_many": 429}


def download(document: int) -> Response:
    try:
        found = disclosures.document(context.current().pool, document)
    except (IocError, psycopg.Error, PoolTimeout):
        return Response(t("public.unavailable", request_lang()), status=503, mimetype="text/plain")
    if found is None:
        return Response(render.not_found_html(request_lang(), f"documents/{document}"), status=404,
                        mimetype="text/html")
    name = found["filename"]
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    resp = Response(bytes(found["content"]), mimetype=found["content_type"])
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["ETag"] = f'"{found["sha256"]}"'
    return resp


def _refuse(lang: str, status: int, reason: str, back: str) -> Response:
    resp = Response(render.message_html(lang, t("public.docs.comment.refused", lang), reason, back), status=status,
                    mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _address_wait(now: datetime) -> int | None:
    try:
        with context.current().pool.connection() as conn:
            hits, window = open311_limit.hit(conn, open311_limit.client_key(BUCKET + (request.remote_addr or "?")),
                                             now)
    except (IocError, psycopg.Error, PoolTimeout):
        return None
    if hits <= int(current_app.config.get(CONFIG_KEY, PER_MINUTE)):
        return None
    return max(1, math.ceil((window + open311_limit.WINDOW - now).total_seconds()))


def comment(document: int) -> Response:
    lang, now = request_lang() if "lang" in request.args else _form_lang(), datetime.now(UTC)
    ioc = context.current()
    try:
        with ioc.pool.connection() as conn:
            found = conn.execute("SELECT ward_code FROM disclosures WHERE id = %s AND withdrawn_at IS NULL",
                                 [document]).fetchone()
            secret = formtoken.key(conn)
    except (IocError, psycopg.Error, PoolTimeout):
        return Response(t("public.unavailable", lang), status=503, mimetype="text/plain")
    if found is None:
        return _refuse(lang, 404, t("public.docs.comment.not_found", lang), "/public")
    back = f"/public/{found[0]}" + ("?lang=en" if lang == "en" else "")
    verdict = formtoken.check(secret, document, request.form.get("token", ""), now)
    if verdict != "ok":
        return _refuse(lang, 400, t(f"public.docs.comment.token_{verdict}", lang), back)
    if request.form.get(HONEYPOT):
        return _thanks(found[0], lang, document)
    wait = _address_wait(now)
    if wait is not None:
        resp = _refuse(lang, 429, t("public.too_many", lang, seconds=wait), back)
        resp.headers["Retry-After"] = str(wait)
        return resp
    with ioc.pool.connection() as conn:
        outcome = comments.submit(conn, document, request.form.get("body", ""), now)
    if outcome != "accepted":
        return _refuse(lang, _STATUS[outcome], t(f"public.docs.comment.{outcome}", lang, max=comments.MAX_CHARS),
                       back)
    return _thanks(found[0], lang, document)


def _thanks(ward: str, lang: str, document: int) -> Response:
    query = {"sent": str(document), **({"lang": "en"} if lang == "en" else {})}
    return Response(status=303, headers={"Location": f"/public/{ward}?{urlencode(query)}#d{document}"})


def _form_lang() -> str:
    return "en" if request.form.get("lang") == "en" else "vi"
