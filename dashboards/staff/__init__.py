"""/staff/…: what ward staff publish on the residents' page: disclosure documents (and their comments) and online
support points. Plain server-rendered forms (they work without script), behind the guard: ``policy.RULES`` gives
``/staff`` the ``public:publish`` permission (operators and admins), and POSTs carry the session's CSRF token.
"""

from __future__ import annotations

from flask import Blueprint

from dashboards.staff import disclosures, support


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
    return bp
