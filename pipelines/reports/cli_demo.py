"""``ioc reports demo``: the living demo's SYNTHETIC field reports — sixty days of history up to now, then (with
``--follow``) a few new ones each hour and the open ones moved along the workflow, until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

import click
import psycopg

from ioc import db, stack
from ioc.config import Settings
from ioc.errors import DatabaseUnavailable
from pipelines.reports import demo_db

log = logging.getLogger("ioc.reports.demo")


@click.command("demo")
@click.option("--days", type=click.IntRange(1, 365), default=60, show_default=True, help="history to write first")
@click.option("--seed", type=int, default=2026, show_default=True, help="the same seed gives the same city")
@click.option("--follow", is_flag=True, help="keep going: new reports and handling as time passes, until stopped")
@click.option("--every", type=click.FloatRange(1, 3600), default=60, show_default=True, help="seconds between ticks")
@click.pass_obj
def demo_cmd(settings: Settings, days: int, seed: int, follow: bool, every: float) -> None:
    """Write the demo's synthetic field reports relative to now (idempotent; only DEMO-yyyymmddhh-n reports)."""
    url = settings.database_url or stack.endpoints(settings).database_url
    stopped = threading.Event()
    if follow:
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
    conn = db.connect(url, autocommit=True)
    try:
        if retired := demo_db.retire_old_sample(conn):
            log.info("removed %d reports of the old fixed-date demo sample", retired)
        since = datetime.now(UTC) - timedelta(days=days)
        while True:
            now = datetime.now(UTC)
            try:
                done = demo_db.advance(conn, since, now, seed=seed, tz=settings.tz)
            except psycopg.OperationalError as exc:
                if not follow:
                    raise
                # a restart or a failover of the database (docs/ha.md): the tick is idempotent, so the next one on
                # a new connection makes up for this one
                log.warning("demo reports: database unavailable (%s); retrying", str(exc).strip().splitlines()[0])
                conn.close()
                found = _reconnect(url, stopped, every)
                if found is None:
                    return
                conn = found
                continue
            log.info("demo reports: %d new, actions %s, evidence %s", done.inserted, dict(done.actions),
                     dict(done.verdicts))
            # the hour being filled may still get arrivals dated before ``now``: start again at its beginning
            since = now.replace(minute=0, second=0, microsecond=0)
            if not follow or stopped.wait(every):
                return
    finally:
        conn.close()


def _reconnect(url: str, stopped: threading.Event, every: float) -> psycopg.Connection | None:
    """A new connection once the database answers again; None when stopped first."""
    while not stopped.wait(min(every, 2.0)):
        try:
            return db.connect(url, autocommit=True)
        except DatabaseUnavailable:
            continue
    return None
