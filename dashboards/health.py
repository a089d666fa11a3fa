"""``/healthz``: JSON health for load balancers and monitors (no auth). 200 when the database answers, else 503."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

from dashboards import context
from dashboards.queries import health

log = logging.getLogger(__name__)


def health_blueprint() -> Blueprint:
    bp = Blueprint("healthz", __name__)

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int]:
        ioc = context.current()
        try:
            status = health.ingest_status(ioc.pool)
        except Exception as exc:  # any database failure is "unhealthy", reported, not raised
            log.warning("healthz: database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
            return jsonify({"status": "error", "database": "unavailable"}), 503
        stale = status.stale(ioc.settings.stale_ingest_s)
        return jsonify({
            "status": "degraded" if stale or not status.acknowledging else "ok", "database": "ok",
            "ingest": {"stale": stale, "last_commit_at": status.last_commit_at.isoformat()
                       if status.last_commit_at else None, "commit_age_s": status.commit_age_s,
                       "workers": status.workers, "stale_after_s": ioc.settings.stale_ingest_s,
                       # a worker that can neither commit nor spool leaves messages in the broker (disk full)
                       "acknowledging": status.acknowledging, "spool_disk_full": status.spool_disk_full},
        }), 200

    return bp
