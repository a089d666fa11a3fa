"""Ingest accounting through the real sink: every reading of known traffic lands in exactly one column (issue 16).

Valid, invalid (a whole message, an array element, an unreadable topic, a wrong kind), duplicate, late and over-budget
traffic is written through PgSink, and the per-(device, hour) rows must equal the hand-counted numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from click.testing import CliRunner

from ioc.config import Settings
from pipelines.audit_cli import audit
from pipelines.ingest.audit import Scope, balance
from pipelines.ingest.message import Message
from pipelines.ingest.sink import PgSink
from sensors.contract import CameraEvent, EnvTelemetry, encode, parse

H0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
H1 = H0 + timedelta(hours=1)


@pytest.fixture
def sink(db_url: str) -> Iterator[PgSink]:
    s = PgSink(psycopg.connect(db_url))
    yield s
    s.close()


def msg(topic: str, payload: bytes, at: datetime) -> Message:
    return Message(1, 1, topic, payload, at, parse(topic, payload, at))


def env(device: str, seq: int, ts: datetime, lag: timedelta = timedelta(seconds=2)) -> Message:
    rec = EnvTelemetry(ts, device, seq, 10.0, None, None, None, None, None, None, None, None, None, None)
    return msg(*encode(rec), at=ts + lag)


def row(db: psycopg.Connection, device: str, hour: datetime) -> tuple[object, ...] | None:
    return db.execute("SELECT received, stored, periodic, rejected, duplicates, late FROM ingest_accounting "
                      "WHERE device_id = %s AND hour = %s", [device, hour]).fetchone()


def test_known_traffic_lands_in_exactly_one_column_per_device_and_hour(db: psycopg.Connection,
                                                                      sink: PgSink) -> None:
    at = H0 + timedelta(minutes=30)
    sink.write([
        env("acc-1", 1, H0 + timedelta(minutes=1)),
        env("acc-1", 2, H0 + timedelta(minutes=2), lag=timedelta(minutes=20)),     # late
        msg("ioc/v1/env/acc-1/telemetry", b"{oops", at),                          # rejected, hour of receipt
        msg("ioc/v1/env/acc-1/telemetry",                                          # 1 stored + 1 rejected element
            b'[{"ts": %d, "pm25": 5}, {"ts": %d, "pm25": -1}]' % (
                int((H0 + timedelta(minutes=3)).timestamp() * 1000),
                int((H0 + timedelta(minutes=4)).timestamp() * 1000)), H0 + timedelta(minutes=5)),
        msg("ioc/v1/env/bad topic/telemetry", b"{}", at),                        # no device: its own row
        msg(*encode(CameraEvent(H0 + timedelta(minutes=5), "acc-cam", 7, "crowd", 0.9, None, None)),
            at=H0 + timedelta(minutes=6)),
    ])
    sink.write([env("acc-1", 1, H0 + timedelta(minutes=1)),                       # redelivered: duplicate
                env("acc-1", 9, H1 + timedelta(minutes=1))])                      # next hour
    over = replace(msg("ioc/v1/env/acc-1/telemetry", b"[]", at), over_budget=True)
    sink.write([over])                                                           # counted though not stored
    db.commit()
    # received, stored, periodic, rejected, duplicates, late
    assert row(db, "acc-1", H0) == (7, 3, 3, 3, 1, 1)
    assert row(db, "acc-1", H1) == (1, 1, 1, 0, 0, 0)
    assert row(db, "acc-cam", H0) == (1, 1, 0, 0, 0, 0)                          # an event: not periodic
    assert row(db, "(unreadable topic)", H0) == (1, 0, 0, 1, 0, 0)
    assert db.execute(
        "SELECT max_lag_s, first_ts, last_ts, expected FROM ingest_accounting WHERE device_id = 'acc-1' AND hour = %s",
        [H0]).fetchone() == (1200.0, H0 + timedelta(minutes=1), H0 + timedelta(minutes=3), 60.0)   # env: 60 s


def test_expected_follows_the_device_interval_and_the_audit_balances(db: psycopg.Connection, sink: PgSink) -> None:
    db.execute("INSERT INTO devices (device_id, kind, registered, expected_interval_s, ward_code) "
               "VALUES ('acc-5', 'env', true, 300, 'W1')")
    db.commit()
    sink.write([env("acc-5", i, H0 + timedelta(minutes=5 * i)) for i in range(6)]
               + [msg("ioc/v1/env/acc-5/telemetry", b"{oops", H0 + timedelta(minutes=40))])
    assert db.execute("SELECT expected, periodic FROM ingest_accounting WHERE device_id = 'acc-5'").fetchone() \
        == (12.0, 6)
    b = balance(db, Scope(timedelta(hours=6), ward="W1"))
    assert (b.received, b.stored, b.rejected, b.duplicates, b.rows_present, b.dead_letters) == (7, 6, 1, 0, 6, 1)
    assert b.problems() == []
    db.execute("DELETE FROM env_telemetry WHERE device_id = 'acc-5' AND seq = 0")   # a row lost after commit
    assert balance(db, Scope(timedelta(hours=6), device="acc-5")).problems() == [
        "1 stored row(s) are missing from the time-series tables"]


def test_a_refused_batch_accounts_nothing(db: psycopg.Connection, sink: PgSink) -> None:
    """The accounting commits with the data or not at all: a failed transaction leaves no count behind."""
    db.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "RAISE EXCEPTION 'no' USING ERRCODE = 'disk_full'; END $$")
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON env_telemetry FOR EACH ROW EXECUTE FUNCTION refuse()")
    db.commit()
    with pytest.raises(psycopg.errors.DiskFull):
        sink.write([env("acc-7", 1, H0), msg("ioc/v1/env/acc-7/telemetry", b"{oops", H0)])
    sink.conn.rollback()
    assert db.execute("SELECT count(*) FROM ingest_accounting").fetchone() == (0,)


def test_audit_command_prints_the_balance_and_fails_on_a_loss(db: psycopg.Connection, sink: PgSink,
                                                              settings: Settings) -> None:
    sink.write([env("acc-9", 1, H0), env("acc-9", 2, H0 + timedelta(minutes=1))])
    ok = CliRunner().invoke(audit, ["--since", "6h"], obj=settings)
    assert ok.exit_code == 0 and "cân đối / balanced" in ok.output and "đã lưu / stored" in ok.output, ok.output
    db.execute("DELETE FROM env_telemetry WHERE device_id = 'acc-9' AND seq = 2")
    db.commit()
    lost = CliRunner().invoke(audit, ["--since", "6h", "--device", "acc-9"], obj=settings)
    assert lost.exit_code == 1 and "MẤT CÂN ĐỐI / UNBALANCED" in lost.output and "1 stored row(s) are missing" in \
        lost.output
    assert CliRunner().invoke(audit, ["--since", "soon"], obj=settings).exit_code == 2
