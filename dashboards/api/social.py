"""``POST /api/v1/social/mentions``: a listening provider pushes mentions, signed with its own secret.

No session or API key: the policy leaves the path open and this route checks the HMAC signature and the replay
window (:mod:`pipelines.social.webhook`) before it reads anything. Answers: 200 all stored or known; 422 some
refused, each by item number and field, the others stored; 400 a body that is not a list of mentions; 401 an
unknown provider, a bad signature or a stale timestamp; 411 no Content-Length; 413 over the size limit.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from dashboards import context
from dashboards.api.errors import error_response
from pipelines.social import importer, store, webhook
from pipelines.social.model import UnknownProvider

PATH = "/api/v1/social/mentions"


def social_blueprint() -> Blueprint:
    bp = Blueprint("social_webhook", __name__)

    @bp.post(PATH)
    def mentions() -> tuple[Response, int]:
        length = request.content_length
        if length is None:
            return error_response(411, "send a Content-Length; chunked bodies are not taken")
        if length > webhook.MAX_BODY:
            return error_response(413, f"the body is {length} bytes; at most {webhook.MAX_BODY} "
                                       f"(and {webhook.MAX_ITEMS} mentions) per call")
        body = request.get_data(cache=True)
        name = (request.headers.get("X-IOC-Provider") or "").strip()
        ioc = context.current()
        with ioc.pool.connection() as conn:
            try:
                provider = store.provider(conn, name)
            except UnknownProvider:
                return error_response(401, f"X-IOC-Provider {name[:40]!r} is not a known provider")
            reason = webhook.refusal(provider.secret, request.headers.get("X-IOC-Timestamp"),
                                     request.headers.get("X-IOC-Signature"), body, time.time())
            if reason:
                return error_response(401, reason)
            try:
                found = list(webhook.items(body))
            except ValueError as exc:
                return error_response(400, str(exc))
            summary = importer.ImportSummary("item")
            importer.import_items(conn, found, provider, summary, tz=ioc.settings.tz, now=datetime.now(UTC))
        status, answer = webhook.answer(summary)
        return jsonify(answer), status

    return bp
