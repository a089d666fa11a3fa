"""``/briefings/file/<id>.pdf|.html``: an archived briefing's files, exactly as mailed (leaders only: the
``/briefings`` rule of :mod:`ioc.security.policy`)."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from dashboards import context
from pipelines.briefing import archive


def files_blueprint() -> Blueprint:
    bp = Blueprint("briefing_files", __name__)

    @bp.get("/briefings/file/<int:briefing_id>.<kind>")
    def one(briefing_id: int, kind: str) -> Response:
        if kind not in ("pdf", "html"):
            abort(404)
        with context.current().pool.connection() as conn:
            row = archive.one(conn, briefing_id)
        if row is None:
            abort(404)
        name = f"briefing_{row['week']}_{row['scope'].replace(' ', '_')}_{row['lang']}.{kind}"
        if kind == "pdf":
            return Response(bytes(row["pdf"]), mimetype="application/pdf",
                            headers={"Content-Disposition": f'inline; filename="{name}"'})
        # the briefing's own HTML holds no script; its CSP says so
        return Response(row["html"], mimetype="text/html", headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                       "frame-ancestors 'none'"})

    return bp
