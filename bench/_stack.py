"""The private stack a benchmark runs on: its own PostgreSQL+TimescaleDB and Mosquitto in a fresh state folder (or the
services of ``IOC_TEST_DATABASE_URL`` / ``IOC_TEST_MQTT_URL``), migrated, stopped again on the way out."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ioc import config, migrate, stack


@dataclass(frozen=True)
class BenchStack:
    urls: stack.Endpoints
    state: Path            # the stack's state folder; benchmarks put spools and logs beside it


@contextmanager
def private_stack(commit_timestamps: bool = False, ha: bool = False) -> Iterator[BenchStack]:
    """``commit_timestamps``: PostgreSQL records when each transaction committed (``pg_xact_commit_timestamp``), so a
    benchmark can time publish→committed from the rows themselves (private stack only: it restarts the server).
    ``ha``: the database is a private Patroni pair (``ioc stack up --ha``, synchronous replication)."""
    state = Path(tempfile.mkdtemp(prefix="ioc-bench-"))
    state.chmod(0o755)     # the postgres and mosquitto accounts must traverse it
    db, mq = os.environ.get("IOC_TEST_DATABASE_URL"), os.environ.get("IOC_TEST_MQTT_URL")
    settings = config.load(state_dir=state, database_url=db, mqtt_url=mq)
    urls = stack.up(settings, ha=ha)
    try:
        with psycopg.connect(urls.database_url) as conn:
            migrate.apply(conn)
        if commit_timestamps and db is None:
            with psycopg.connect(urls.database_url, autocommit=True) as conn:
                conn.execute("ALTER SYSTEM SET track_commit_timestamp = on")
            stack.down(settings)
            urls = stack.up(settings)
        yield BenchStack(urls, state)
    finally:
        stack.down(settings)
