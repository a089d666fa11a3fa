"""Faults the database and the disk really produce, for the data-path tests (issue 14).

A trigger on env_telemetry plays the database's part: in mode 'down' it raises disk_full (53100, a fault of the whole
server) for every row, in mode 'hang' it never answers; in any mode a reading with pm25 = 666 trips a site rule
(P0001, that message's fault).
A size-limited tmpfs plays a full local disk.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from pipelines.ingest.service import Ingester
from sensors.contract import EnvTelemetry, encode

POISON = 666.0
FAULTS = """
CREATE TABLE test_fault (mode text NOT NULL);
INSERT INTO test_fault VALUES ('ok');
CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT mode FROM test_fault) = 'hang' THEN
        PERFORM pg_sleep(3600);   -- a server that accepts the statement and never answers
    END IF;
    IF (SELECT mode FROM test_fault) = 'down' THEN
        RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
    END IF;
    IF NEW.pm25 = 666 THEN
        RAISE EXCEPTION 'site rule: pm25 666 is a sensor self-test value, not a measurement';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER test_fault BEFORE INSERT ON env_telemetry FOR EACH ROW EXECUTE FUNCTION test_fault();
"""


def install_faults(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(FAULTS)


def set_mode(db_url: str, mode: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE test_fault SET mode = %s", [mode])


def env_messages(n: int, prefix: str, pm25: float | None = None) -> list[tuple[str, bytes]]:
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return [encode(EnvTelemetry(base + timedelta(seconds=i), f"{prefix}{i % 7}", i,
                                12.0 + i % 50 if pm25 is None else pm25, None, None, None, None, None, 28.5, 0.7,
                                None, None, None)) for i in range(n)]


@contextmanager
def started(ing: Ingester) -> Iterator[Ingester]:
    """Run an ingester the test has prepared; stop() must return promptly whatever state it is in."""
    thread = threading.Thread(target=ing.run, name="ingester", daemon=True)
    thread.start()
    assert ing.receiver.connected.wait(10), "the ingester did not connect to the broker"
    try:
        yield ing
    finally:
        ing.stop()
        thread.join(15)
        assert not thread.is_alive(), "the ingester did not stop within 15 s"


@contextmanager
def small_disk(where: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` KiB (the tests run as root)."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path, leave_bytes: int) -> Path:
    """Take all but about ``leave_bytes`` of the disk with one file; delete it to give the space back."""
    st = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave_bytes))
    return filler
