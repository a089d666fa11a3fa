"""``ioc serve``: the app under gunicorn (``BaseApplication``), several workers, one pool per worker after fork."""

from __future__ import annotations

import errno
import logging
import socket
from typing import Any

from gunicorn.app.base import BaseApplication

from ioc import db
from ioc.config import Settings, mask_url
from ioc.errors import IocError

log = logging.getLogger(__name__)


class PortInUse(IocError):
    """The dashboard port is already taken."""


def check_port(host: str, port: int) -> None:
    """Fail with one clear line before gunicorn starts (it would otherwise retry and print a traceback)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(f"cannot listen on {host}:{port}: the port is already in use "
                                "(stop the other server or choose another with --http-port / IOC_HTTP_PORT)") from None
            raise IocError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def check_database(url: str) -> None:
    with db.connect(url, timeout=5):
        pass


class IocServer(BaseApplication):
    """gunicorn with our options; ``load`` runs in each worker after fork, so each builds its own app and pool."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        import gc

        from dashboards.app import create_app

        server = create_app(self.settings, pool_size=int(self.options.get("threads", 4))).server
        # Keep the import-time heap out of every collection: ticks stay fast under load (see docs/dashboard.md).
        gc.collect()
        gc.freeze()
        return server


def options(settings: Settings, workers: int, threads: int, timeout: int) -> dict[str, Any]:
    return {
        "bind": f"{settings.http_host}:{settings.http_port}", "workers": workers, "threads": threads,
        "worker_class": "gthread", "timeout": timeout, "graceful_timeout": 10, "preload_app": False,
        "accesslog": None, "errorlog": "-", "loglevel": settings.log_level.lower(), "proc_name": "ioc-serve",
    }


def serve(settings: Settings, workers: int = 2, threads: int = 4, timeout: int = 60) -> None:
    from dashboards.app import database_url

    check_port(settings.http_host, settings.http_port)
    url = database_url(settings)
    check_database(url)
    log.info("serving the dashboards on http://%s:%s (%d workers × %d threads, database %s)",
             settings.http_host, settings.http_port, workers, threads, mask_url(url))
    IocServer(settings, options(settings, workers, threads, timeout)).run()
