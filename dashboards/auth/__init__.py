"""Who may do what in the web app: the request guard (:mod:`.guard`), the sign-in views (:mod:`.views`) and their
HTML forms (:mod:`.forms`), the session cookies (:mod:`.cookies`) and the per-callback requirements (:mod:`.callbacks`).

Import from here: ``install(app)`` once per app, ``@require(scope)`` on routes and callbacks, ``current_principal()``
inside a request. The modules import downwards only (views → guard → forms, cookies, callbacks); none of them
uses the names re-exported here, so the façade can import them all without a circle.
"""

from __future__ import annotations

from dash import Dash

from dashboards.auth import guard, views
from dashboards.auth.callbacks import callback_requirements, router_shape
from dashboards.auth.cookies import CSRF_COOKIE, SESSION_COOKIE, cookie_secure
from dashboards.auth.guard import SCOPES, csrf_problem, current_principal, identify, require

__all__ = ["CSRF_COOKIE", "SCOPES", "SESSION_COOKIE", "callback_requirements", "cookie_secure", "csrf_problem",
           "current_principal", "identify", "install", "require", "router_shape"]


def install(app: Dash) -> None:
    """Default deny for every route, page and callback of ``app``, plus /login, /logout and /account/password."""
    guard.install(app)
    app.server.register_blueprint(views.blueprint())
