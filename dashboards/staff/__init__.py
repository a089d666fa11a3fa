"""/staff/…: what ward staff publish on the residents' page: disclosure documents (and their comments) and online
support points. Plain server-rendered forms (they work without script), behind the guard: ``policy.RULES`` gives
``/staff`` the ``public:publish`` permission (operators and admins), and POSTs carry the session's CSRF token.
"""

from __future__ import annotations

from flask import Blueprint
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from dashboards.auth.forms import request_lang
from dashboards.auth.guard import body_limit
from dashboards.i18n import t
from dashboards.staff import disclosures, render, support


def too_large(_exc: RequestEntityTooLarge) -> Response:
    """A file over the cap: Werkzeug's generic English 413 page told staff nothing. Say the limit, in the page's
    language (from the query string: the body, and a ``lang`` field in it, is what was refused)."""
    lang = request_lang()
    body = Markup("{alert}<p><a href=\"/staff/disclosures{q}\">{back}</a></p>").format(
        alert=render.alert(t("staff.too_large", lang, limit=body_limit()), "danger"),
        q="" if lang == "vi" else "?lang=en", back=t("staff.docs.title", lang))
    return render.page(t("staff.docs.title", lang), body, lang, status=413)


def staff_blueprint() -> Blueprint:
    bp = Blueprint("staff", __name__)
    add = bp.add_url_rule
    add("/staff/disclosures", "disclosures", disclosures.listing, methods=["GET"])
    add("/staff/disclosures", "disclosure_upload", disclosures.upload, methods=["POST"])
    add("/staff/disclosures/<int:document>", "disclosure", disclosures.comment_page, methods=["GET"])
    add("/staff/disclosures/<int:document>/withdraw", "disclosure_withdraw", disclosures.withdraw, methods=["POST"])
    add("/staff/comments/<int:comment>", "comment_moderate", disclosures.moderate, methods=["POST"])
    add("/staff/support-points", "support_points", support.listing, methods=["GET"])
    add("/staff/support-points", "support_point_add", support.add, methods=["POST"])
    add("/staff/support-points/<int:point_id>", "support_point", support.edit_page, methods=["GET"])
    add("/staff/support-points/<int:point_id>", "support_point_update", support.update, methods=["POST"])
    add("/staff/support-points/<int:point_id>/close", "support_point_close", support.close, methods=["POST"])
    # Flask picks a blueprint's handler by the matched endpoint, so this also answers when the guard's CSRF check
    # is the first to read the oversized body
    bp.register_error_handler(RequestEntityTooLarge, too_large)
    return bp
