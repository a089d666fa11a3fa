"""Before ``ioc demo`` prints its URL: the backfilled week is ingested and rolled up, so the wall's first screen is
complete (an AQI tile needs twelve hourly rollups) instead of saying "no station has enough data" for minutes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import psycopg

log = logging.getLogger("ioc.demo")
# minutes older than this still waiting for their rollups are history, not the live stream's latest minute
_BACKLOG = """SELECT count(*), min(minute) FROM rollup_dirty WHERE minute < now() - interval '5 minutes'"""


def backlog(conn: psycopg.Connection) -> tuple[int, object]:
    row = conn.execute(_BACKLOG).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def wait_for_history(conn: psycopg.Connection, backfills_running: Callable[[], bool], *, timeout_s: float = 1800,
                     poll_s: float = 3.0, say: Callable[[str], None] = log.info) -> bool:
    """Wait until the backfills have finished and the rollups have caught up with them (seen twice in a row: the
    ingester may still hold acknowledged messages it has not written). False when ``timeout_s`` passed first."""
    deadline, quiet, last_said = time.monotonic() + timeout_s, 0, 0.0
    while time.monotonic() < deadline:
        running = backfills_running()
        left, oldest = backlog(conn)
        quiet = quiet + 1 if not running and left == 0 else 0
        if quiet >= 2:
            return True
        if time.monotonic() - last_said > 15:
            say(f"loading history: {'backfill running, ' if running else ''}{left} minute(s) to roll up"
                + (f" from {oldest:%d/%m %H:%M} UTC" if left and oldest else ""))
            last_said = time.monotonic()
        time.sleep(poll_s)
    return False
