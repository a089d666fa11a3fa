"""The demo's city in a test database, the way `ioc demo` makes it but in-process: its real wards and fleets, hours of
simulator history written through the ingester's own parse and sink and rolled up, a few live minutes (clock faults
included) and the living field reports. No broker: the simulators' messages are handed straight to the ingest path."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from ioc.data import data_path
from pipelines import rollup
from pipelines.ingest.message import Message as Received
from pipelines.ingest.sink import PgSink
from pipelines.reports import demo_db
from pipelines.social import demo as social_demo
from sensors.contract import parse
from sensors.fleet import load
from sensors.sim.backfill import run_backfill
from sensors.sim.engine import Publication, SimConfig, Simulation
from sensors.sim.faults import FaultConfig
from sensors.sim.pm25 import load_pm25
from sensors.sim.publish import MemoryPublisher
from smartward.demo import FLEETS, _load_geography_and_fleets

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _ingest(conn: psycopg.Connection, messages: Iterable[Publication], received_at: datetime | None = None) -> None:
    sink, batch = PgSink(conn), []
    for m in messages:
        at = received_at or max(m.at, datetime.now(UTC) - timedelta(days=30))
        batch.append(Received(0, 1, m.topic, m.payload, at, parse(m.topic, m.payload, at)))
        if len(batch) >= 2000:
            sink.write(batch)
            batch = []
    if batch:
        sink.write(batch)


def _heartbeat(conn: psycopg.Connection, now: datetime) -> None:
    """What the running ingester reports every few seconds (the wall's system tile and stale-data banner read it)."""
    counters = {"received": 5503, "stored": 5502, "duplicates": 0, "dead_lettered": 1, "queue_depth": 0,
                "spool_size": 0, "oldest_unacked_s": 0.0, "rate_in": 27.5, "rate_stored": 27.5}
    conn.execute("""INSERT INTO ingest_heartbeat (worker, updated_at, last_commit_at, counters)
                    VALUES ('ingest-demo', %s, %s, %s)""", [now, now, Jsonb(counters)])


def build(conn: psycopg.Connection, now: datetime, history: timedelta = timedelta(hours=14)) -> None:
    """Wards, fleets, ``history`` of readings (15-min intervals) rolled up, ten live minutes, sixty days of reports,
    a week of the synthetic social listening feed."""
    conn.autocommit = True
    _load_geography_and_fleets(conn)
    pm25 = load_pm25()
    for path in map(data_path, FLEETS):
        fleet = load(path)
        past = MemoryPublisher()
        run_backfill(Simulation(fleet, pm25, SimConfig(900, 900, seed=1)), past, now - history,
                     now - timedelta(minutes=10))
        _ingest(conn, past.messages)
        # the live minutes with the demo's faults: a few clocks run up to two minutes ahead
        live = Simulation(fleet, pm25, SimConfig(60, 300, seed=1, faults=FaultConfig(skew_share=0.05)))
        start = now - timedelta(minutes=10)
        messages = [*live.start(start), *live.step(start, now)]
        _ingest(conn, [m for m in messages if m.role != "malformed"], received_at=None)
    while rollup.refresh(conn, "Asia/Ho_Chi_Minh").minutes:
        pass
    _heartbeat(conn, now)
    demo_db.advance(conn, now - timedelta(days=60), now, seed=2026, tz=TZ)
    social_demo.load(conn, now - timedelta(days=7), now, TZ)     # the synthetic social listening feed
