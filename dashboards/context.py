"""Per-app context: the settings and a lazily built pool, reached from callbacks through Flask's ``current_app``.

Nothing here is a module global: each Dash app (one per gunicorn worker, or one per test) carries its own
:class:`IocContext` in ``server.extensions``. The pool is built on first use, so a worker forked by gunicorn
opens its own connections, and a database that is down at start-up does not stop the server from starting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app
from psycopg_pool import ConnectionPool

from dashboards.cache import Store
from ioc import db
from ioc.config import Settings

EXTENSION = "ioc"


class LazyPool:
    """A connection pool opened on first use (after fork), closed by :meth:`close`."""

    def __init__(self, url: str, *, max_size: int = 4) -> None:
        self._url = url
        self._max_size = max_size
        self._pool: ConnectionPool | None = None
        self._lock = threading.Lock()

    def get(self) -> ConnectionPool:
        with self._lock:
            if self._pool is None:
                self._pool = db.pool(self._url, min_size=1, max_size=self._max_size, name="dashboards")
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


@dataclass
class IocContext:
    settings: Settings
    lazy: LazyPool | None = None
    given: ConnectionPool | None = field(default=None, repr=False)
    # The wall's short-lived cache (dashboards/cache.py); None: every read goes to the database (tests, benchmarks)
    cache: Store | None = field(default=None, repr=False)

    @property
    def pool(self) -> ConnectionPool:
        if self.given is not None:
            return self.given
        if self.lazy is None:
            raise RuntimeError("no database configured for the dashboards")
        return self.lazy.get()


def install(server: Flask, ctx: IocContext) -> None:
    server.extensions[EXTENSION] = ctx


def current() -> IocContext:
    """The context of the app serving the current request (callbacks, layouts, API routes)."""
    ctx: IocContext = current_app.extensions[EXTENSION]
    return ctx
