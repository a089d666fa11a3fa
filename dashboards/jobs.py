"""Long callbacks (the KPI exports) as Dash background callbacks, with a progress bar instead of a frozen button.

Dash's ``DiskcacheManager`` runs each job in a child process and keeps its progress and result in a diskcache under
the state dir, which every gunicorn worker of one server shares: the browser's polls may land on any of them.
Across machines behind one address the polls must come back to the machine that started the job (sticky sessions
at the proxy), or the result is not found and the export is started again; docs/scaling.md says so.

A job runs in a child process, so :class:`IocJobs` gives it what a callback expects: an app context whose
:class:`~dashboards.context.IocContext` has its own pool, opened in the child (a pool inherited through fork would
share its parent's sockets) and closed when the job ends. Who may run it was decided on the request that started it
(the guard reads the callback's ``ioc_scope``, see :func:`dashboards.auth.require`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from dash import DiskcacheManager
from flask import Flask, current_app, has_app_context

from dashboards import context
from ioc.config import Settings

EXPIRE_S = 3600   # a finished job's result is kept this long unread


class IocJobs(DiskcacheManager):
    def __init__(self, settings: Settings, database_url: Callable[[], str]) -> None:
        import diskcache

        folder = settings.state_dir.resolve() / "dash-jobs"
        folder.mkdir(parents=True, exist_ok=True)
        self._settings, self._database_url = settings, database_url
        super().__init__(diskcache.Cache(str(folder)), expire=EXPIRE_S)

    def make_job_fn(self, fn: Callable[..., Any], progress: Any, key: Any = None) -> Any:
        settings, url = self._settings, self._database_url

        @wraps(fn)
        def in_child(*args: Any, **kwargs: Any) -> Any:
            lazy = context.LazyPool(url(), max_size=2)
            fresh = context.IocContext(settings, lazy=lazy)
            try:
                if has_app_context():
                    # Forked from the request that started the job: its app and request context came along (the
                    # caller the guard identified included). Only this process's copy of the app gets the new pool.
                    context.install(current_app, fresh)
                    return fn(*args, **kwargs)
                app = Flask("ioc-job")   # a spawned child: nothing came along
                context.install(app, fresh)
                with app.app_context():
                    return fn(*args, **kwargs)
            finally:
                lazy.close()

        return super().make_job_fn(in_child, progress, key)
