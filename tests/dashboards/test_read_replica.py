"""Dashboards on a real Patroni pair: reads from the standby (IOC_DATABASE_READ_URL), writes on the primary, and the
wall's banner when the standby trails.

The standby's replay is paused (``pg_wal_replay_pause``) so what it serves is provably older than the primary: a
report added on the primary is missing from the queue the page shows, while the action taken on the page lands on
the primary (a standby would refuse it: read-only).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.app import create_app
from dashboards.queries import health, replica
from dashboards.queries import reports as q
from dashboards.views import replica_banner, wall
from dashboards.views import report_page as act
from ioc import db, stack
from ioc.stack._patroni import PrivatePatroni
from ioc.stack._state import StackState
from pipelines.reports import store
from pipelines.reports.model import ReportIn
from tests.ha_support import ha_pair
from tests.reports.helpers import TZ, load_wards
from tests.support import StackHandle, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def pair() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    with ha_pair("ha-reads") as made:
        yield made


def _report(conn: psycopg.Connection, title: str, lon: float, lat: float) -> int:
    made = store.insert_reports(conn, [ReportIn("web", title, "noise", datetime.now(UTC), "", lon, lat)],
                                store.reference(conn), "test", TZ, datetime.now(UTC))
    conn.commit()
    return made.ids[0]


def _on_every(pool: ConnectionPool, query: str) -> set[object]:
    """The answer of every connection the pool holds (each must be on the standby)."""
    conns = [pool.getconn() for _ in range(pool.max_size)]
    try:
        return {c.execute(query).fetchone()[0] for c in conns}  # type: ignore[index]
    finally:
        for c in conns:
            c.rollback()
            pool.putconn(c)


def test_pages_read_the_standby_write_the_primary_and_say_when_the_standby_trails(
        pair: tuple[StackHandle, stack.Endpoints]) -> None:
    handle, urls = pair
    assert urls.read_url is not None and "target_session_attrs=prefer-standby" in urls.read_url
    with psycopg.connect(urls.database_url) as conn:
        lon, lat = next(iter(load_wards(conn).values()))
        conn.commit()
        first = _report(conn, "first", lon, lat)
    root = handle.settings.state_dir.resolve()
    patroni, ha = PrivatePatroni(root), StackState.load(root).ha
    assert ha is not None
    primary, standby = db.pool(urls.database_url), db.pool(urls.read_url)
    try:
        with standby.connection() as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        wait_until(lambda: q.queue(standby, q.QueueFilter(), datetime.now(UTC))[0] == 1, 30,
                   what="the standby to replay the first report")
        patroni.maintenance(ha, True)               # or Patroni would resume the replay paused below
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        paused = {"paused", "pause requested"}   # requested: the next record waits (the standby may be idle now)
        wait_until(lambda: _on_every(standby, "SELECT pg_get_wal_replay_pause_state()") <= paused, 30,
                   what="the standby's replay to pause")
        with psycopg.connect(urls.database_url) as conn:
            _report(conn, "second", lon, lat)        # committed (the standby has flushed it) but not replayed
        app = create_app(handle.settings, primary, read_pool=standby)
        with app.server.app_context():
            ioc = context.current()
            assert act.queue_page(ioc, q.QueueFilter(), 0, 15, "en")[3] == "1 reports"   # the standby's view
            ok, message = act.handle(ioc, first, "assign", act.Form("lighting", "", "", 0), "en")
            assert ok, message
        with primary.connection() as conn:
            assert conn.execute("SELECT action FROM report_history WHERE report_id = %s ORDER BY id DESC LIMIT 1",
                                [first]).fetchone() == ("assign",)
            assert conn.execute("SELECT count(*) FROM reports").fetchone() == (2,)
        wait_until(lambda: replica.lag_s(standby) > 2, 30, what="the paused standby to trail")
        assert replica.lag_s(primary) == 0.0
        fresh = health.IngestStatus(1, datetime.now(UTC), 1.0, 10.0, 10.0, 0.1, 0, 0.0)
        text, shown = wall.banner(fresh, 120, "vi", replica.lag_s(standby), 2)
        assert shown and "chậm" in text and "bản sao" in text
        assert wall.banner(fresh, 120, "en", 1.0, 2) == ("", False)
        behind, css = replica_banner.banner(standby, 2, "en")               # the report desk's banner
        assert "behind the primary" in behind and css == replica_banner.ON
        assert replica_banner.banner(primary, 2, "en") == ("", replica_banner.OFF)
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        patroni.maintenance(ha, False)
        wait_until(lambda: replica.lag_s(standby) == 0.0, 30, what="the standby to catch up")
        assert q.queue(standby, q.QueueFilter(), datetime.now(UTC))[0] == 2
    finally:
        primary.close()
        standby.close()

