"""How far the database the dashboards read from trails the primary (a streaming standby: IOC_DATABASE_READ_URL).

Zero on a primary. On a standby: zero while it streams and has replayed all it received, else the age of the last
transaction it replayed, so a standby cut off from its primary shows the data getting older instead of "0 s".
"""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from dashboards.queries._run import one

_LAG = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0.0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0.0
    ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0.0)::float8
END AS lag_s
"""


def lag_s(pool: ConnectionPool) -> float:
    """Seconds the read database trails the primary (0 on the primary itself)."""
    row = one(pool, _LAG)
    return max(0.0, float(row["lag_s"])) if row else 0.0
