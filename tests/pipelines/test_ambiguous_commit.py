"""An ambiguous commit: the batch is committed but the answer is lost with the connection (a primary killed during
COMMIT, a failover). The writer cannot know, spools the batch and writes it again on the next connection; the dedup
key (device_id, ts, seq) makes that second write a duplicate, never a second row, and the accounting still balances.

Against the real database: the sink commits for real and only the answer is taken away.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from pipelines.ingest import audit
from pipelines.ingest.counters import Counters
from pipelines.ingest.message import Message, WriteStats
from pipelines.ingest.sink import PgSink
from pipelines.ingest.spool import Spool
from pipelines.ingest.writer import Writer, WriterOptions
from sensors.contract import parse
from tests.pipelines.ingest_support import distinct_readings, stored, valid_messages
from tests.support import wait_until

N = 3000


class AnswerLost(PgSink):
    """Commits its first batch, then raises as if the connection died before COMMIT's answer came back."""

    lost = 0

    def write(self, batch: Sequence[Message]) -> WriteStats:
        stats = super().write(batch)
        if AnswerLost.lost == 0:
            AnswerLost.lost = len(batch)
            self.conn.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return stats


def test_a_commit_whose_answer_is_lost_is_written_again_once(db_url: str, tmp_path: Path) -> None:
    AnswerLost.lost = 0
    q: queue.Queue[Message] = queue.Queue()
    acked: list[Message] = []
    writer = Writer(q, lambda: AnswerLost(psycopg.connect(db_url)), acked.extend,
                    Spool(tmp_path / "spool.sqlite", 64 * 1024 * 1024), Counters(),
                    WriterOptions(batch_size=500, backoff_max=0.5))
    now = datetime.now(UTC)
    for i, (topic, payload) in enumerate(valid_messages(N)):
        q.put(Message(i + 1, 1, topic, payload, now, parse(topic, payload, now)))
    thread = threading.Thread(target=writer.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: len(acked) == N and writer.spool.count == 0, 60, what="every message acknowledged")
    finally:
        writer.stop()
        thread.join(30)
    assert AnswerLost.lost > 0 and writer.counters.db_errors == 1 and writer.counters.spooled >= AnswerLost.lost
    assert sorted(m.mid for m in acked) == list(range(1, N + 1))           # each acknowledged once
    assert stored(db_url) == distinct_readings(db_url) == N                  # each stored once
    assert writer.counters.duplicates == AnswerLost.lost                     # the second write was a duplicate
    with psycopg.connect(db_url) as conn:
        found = audit.balance(conn, audit.Scope(since=audit.parse_span("30d")))
    assert (found.received, found.stored, found.duplicates) == (N + AnswerLost.lost, N, AnswerLost.lost)
