"""Ingest health from ``ingest_heartbeat`` (each ingester worker's counters) and the dead-letter table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg_pool import ConnectionPool

from dashboards.queries._run import one

# A worker whose heartbeat is older than this is gone; its counters no longer describe the present.
LIVE_WORKER_S = 60


@dataclass(frozen=True)
class IngestStatus:
    workers: int                     # workers with a recent heartbeat
    last_commit_at: datetime | None  # newest commit of any worker, live or not
    commit_age_s: float | None
    rate_in: float | None            # messages/s received (live workers)
    rate_stored: float | None
    lag_s: float | None              # oldest unacknowledged message, worst worker
    queue_depth: int | None
    dead_letters_per_min: float      # from dead_letters over the last 10 minutes
    acknowledging: bool = True       # False: a live worker can neither commit nor spool; the broker holds messages
    spool_disk_full: bool = False    # a live worker's spool disk refused a write

    def stale(self, threshold_s: float) -> bool:
        """Silent past the threshold, or never heard from: the wall must say so."""
        return self.commit_age_s is None or self.commit_age_s > threshold_s


def ingest_status(pool: ConnectionPool) -> IngestStatus:
    row = one(pool, """
        WITH live AS (SELECT * FROM ingest_heartbeat WHERE updated_at > now() - make_interval(secs => %(live)s))
        SELECT (SELECT count(*)::int FROM live) AS workers,
               (SELECT max(last_commit_at) FROM ingest_heartbeat) AS last_commit_at,
               extract(epoch FROM now() - (SELECT max(last_commit_at) FROM ingest_heartbeat))::float AS commit_age_s,
               (SELECT sum((counters->>'rate_in')::float) FROM live) AS rate_in,
               (SELECT sum((counters->>'rate_stored')::float) FROM live) AS rate_stored,
               (SELECT max((counters->>'oldest_unacked_s')::float) FROM live) AS lag_s,
               (SELECT sum((counters->>'queue_depth')::int)::int FROM live) AS queue_depth,
               (SELECT count(*)::float / 10 FROM dead_letters
                 WHERE received_at > now() - interval '10 minutes') AS dead_letters_per_min,
               (SELECT coalesce(bool_and(coalesce((counters->>'acknowledging')::boolean, true)), true)
                  FROM live) AS acknowledging,
               (SELECT coalesce(bool_or((counters->>'spool_disk_full')::boolean), false)
                  FROM live) AS spool_disk_full""",
              {"live": LIVE_WORKER_S})
    assert row is not None  # a SELECT without FROM always returns one row
    return IngestStatus(**row)
