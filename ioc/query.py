"""Running a read on a pool: rows as dicts, tuples or a pandas frame. Every reader above the core uses these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, LiteralString

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

if TYPE_CHECKING:
    import pandas as pd

Query = LiteralString | sql.SQL | sql.Composed
Params = Mapping[str, Any] | Sequence[Any] | None


def rows(pool: ConnectionPool, query: Query, params: Params = None) -> list[dict[str, Any]]:
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()


def tuples(pool: ConnectionPool, query: Query, params: Params = None) -> list[tuple[Any, ...]]:
    """Rows as plain tuples: the cheapest form for thousands of rows that go straight into arrays."""
    with pool.connection() as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def one(pool: ConnectionPool, query: Query, params: Params = None) -> dict[str, Any] | None:
    found = rows(pool, query, params)
    return found[0] if found else None


def frame(pool: ConnectionPool, query: Query, params: Params = None, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Rows as a frame; an empty result still has ``columns`` so callers need no special case."""
    import pandas as pd  # only readers that want frames pay for pandas (the ingester never does)

    found = rows(pool, query, params)
    return pd.DataFrame(found) if found else pd.DataFrame(columns=list(columns))
