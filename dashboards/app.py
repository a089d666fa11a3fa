"""The app factory: ``create_app(settings, pool=None)`` builds one Dash app: the pages of
``dashboards/pages``, the read API, Open311, the residents' /public, /healthz, the sign-in views, the guard and the CSP.

Used by ``ioc serve`` (one app per gunicorn worker, after fork), by tests and by dash[testing]. Nothing is read at
import; the pool is opened on first use unless one is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from dash import Dash, html
from psycopg_pool import ConnectionPool

from dashboards import auth, cache, context, csp, jobs
from dashboards.api import api_blueprint
from dashboards.api.open311 import open311_blueprint
from dashboards.api.social import social_blueprint
from dashboards.briefing.files import files_blueprint
from dashboards.health import health_blueprint
from dashboards.public import public_blueprint
from dashboards.staff import staff_blueprint
from dashboards.views import replica_banner
from ioc import stack
from ioc.config import Settings

HERE = Path(__file__).resolve().parent


def database_url(settings: Settings) -> str:
    return settings.database_url or stack.endpoints(settings).database_url


def read_url(settings: Settings) -> str | None:
    """IOC_DATABASE_READ_URL, or the local HA pair's standby; None: read from the primary."""
    if settings.database_read_url or settings.database_url:
        return settings.database_read_url
    return stack.endpoints(settings).read_url


def create_app(settings: Settings, pool: ConnectionPool | None = None, *, pool_size: int = 4,
               read_pool: ConnectionPool | None = None) -> Dash:
    """A ready Dash app; ``app.server`` is the Flask WSGI app. ``pool`` (the primary) and ``read_pool`` (a standby)
    given: used as they are and not closed."""
    app = Dash(
        # Named as the package, so Dash imports pages as dashboards.pages.X: a test or module that imports a page
        # directly then registers the same module, not a duplicate "pages.X".
        "dashboards", use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(HERE / "assets"),
        title="Smartward IOC", update_title="", serve_locally=True, suppress_callback_exceptions=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        background_callback_manager=jobs.IocJobs(settings, lambda: database_url(settings)),
    )
    lazy = None if pool is not None else context.LazyPool(database_url(settings), max_size=pool_size)
    reading = None if pool is not None else read_url(settings)
    read_lazy = context.LazyPool(reading, max_size=pool_size, name="dashboards-read") if reading else None
    context.install(app.server, context.IocContext(settings, lazy=lazy, given=pool, read_lazy=read_lazy,
                                                   given_read=read_pool,
                                                   cache=cache.from_url(stack.redis_url(settings))))
    app.layout = shell
    app.server.register_blueprint(api_blueprint())
    app.server.register_blueprint(health_blueprint())
    app.server.register_blueprint(open311_blueprint())
    app.server.register_blueprint(social_blueprint())   # providers' signed pushes (docs/social.md)
    app.server.register_blueprint(public_blueprint())   # the residents' page: no sign-in (docs/public.md)
    app.server.register_blueprint(files_blueprint())    # the archived weekly briefings (docs/briefing.md)
    app.server.register_blueprint(staff_blueprint())    # what ward staff publish there (docs/public.md)
    replica_banner.bind(app)   # the "data N s behind" banner of the pages reading from a standby (docs/ha.md)
    auth.install(app)   # default deny for every route, page and callback; the sign-in views (docs/security.md)
    csp.install(app)
    _bind_callbacks(app)
    return app


def shell(**_: Any) -> html.Div:
    return html.Div(dash.page_container, id="ioc-shell")


def _bind_callbacks(app: Dash) -> None:
    """Bind the pages' ``@callback``s to this app now rather than on its first request.

    Dash keeps ``@callback`` registrations in a process-wide list that the first app to serve a request takes.
    Creating the pages (which registers their callbacks) and then serving one request here makes each app own
    its callbacks, so several apps in one process (tests, dash[testing]) each work.
    """
    with app.server.test_client() as client:
        client.get("/_dash-layout")
