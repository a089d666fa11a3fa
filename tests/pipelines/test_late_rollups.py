"""A late reading is counted as late and never leaves a stale rollup (issue 16): real broker, ingester and leader.

The rollups of an hour are computed first from on-time readings; then readings for that hour arrive two hours late.
The accounting must call them late, and the running ingester's maintenance must bring the hour's rollups up to the
raw rows, with no second pass by hand.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from sensors.contract import EnvTelemetry, encode
from tests.pipelines.ingest_support import options, running, wait_stored
from tests.support import count, publish_all, wait_until

HOUR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)


def reading(seq: int, minute: int, pm25: float) -> tuple[str, bytes]:
    return encode(EnvTelemetry(HOUR + timedelta(minutes=minute), "late-1", seq, pm25, None, None, None, None, None,
                               None, None, None, None, None))


def rolled_up(db_url: str) -> tuple[int, float] | None:
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT n, sum FROM rollup_1h WHERE metric = 'pm25' AND bucket = %s", [HOUR]).fetchone()
    return (int(row[0]), float(row[1])) if row else None


def test_late_readings_are_counted_and_their_hour_rolled_up_again(db_url: str, mqtt_url: str,
                                                                 tmp_path: Path) -> None:
    with running(options(db_url, mqtt_url, tmp_path, maintenance=True)) as ing:
        publish_all(mqtt_url, [reading(1, 0, 10.0), reading(2, 1, 20.0)])
        wait_until(lambda: rolled_up(db_url) == (2, 30.0), 30, what="the hour rolled up from its first readings")
        publish_all(mqtt_url, [reading(3, 30, 30.0), reading(4, 59, 40.0)])
        wait_stored(db_url, 4)
        wait_until(lambda: rolled_up(db_url) == (4, 100.0), 30, what="the hour rolled up again with the late readings")
        wait_until(lambda: count(db_url, "SELECT count(*) FROM rollup_dirty") == 0, 30, what="nothing left dirty")
    for thread in threading.enumerate():   # the leader's thread closes its connection within one 3 s tick
        if thread.name == "maintenance":
            thread.join(10)
    # paho 2 leaves loop_start's wake-up socket pair open after loop_stop (a ResourceWarning at exit); close it
    ing.receiver.client._reset_sockets(sockpair_only=True)
    # all four arrived about two hours after their ts: late, by more than the 5 minutes allowed
    assert count(db_url, "SELECT late FROM ingest_accounting WHERE device_id = 'late-1' AND hour = %s", [HOUR]) == 4
    assert count(db_url, "SELECT n FROM rollup_1d WHERE metric = 'pm25'") == 4
