"""``ioc serve``: the command that runs the dashboards, the read API and Open311 (the server: ``server.py``)."""

from __future__ import annotations

import os

import click

from ioc.config import Settings


@click.command()
@click.option("--workers", type=int, default=None, help="gunicorn worker processes [default: 2 × cores, at most 8]")
@click.option("--threads", type=int, default=4, show_default=True, help="threads per worker (= its pool size)")
@click.option("--timeout", type=int, default=60, show_default=True, help="seconds before a stuck worker restarts")
@click.pass_obj
def serve(settings: Settings, workers: int | None, threads: int, timeout: int) -> None:
    """Serve the dashboards (/wall, /ward/<code>, /devices, /kpis, /adoption, /reports), /healthz, /api/v1 and
    /open311/v2."""
    from dashboards.server import serve as run

    run(settings, workers or min(8, 2 * (os.cpu_count() or 1)), threads, timeout)
