"""Running a query on a pool: rows as dicts or as a pandas frame. The only place queries touch a connection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

import pandas as pd
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

Query = LiteralString | sql.SQL | sql.Composed
Params = Mapping[str, Any] | Sequence[Any] | None


def ward_codes(wards: Sequence[str] | None) -> list[str] | None:
    """A scope of wards as the ``text[]`` parameter of ``(%(wards)s::text[] IS NULL OR ward_code = ANY(%(wards)s))``:
    None is everywhere, an empty list nowhere. One code must come as a list: a bare string would be its letters."""
    if isinstance(wards, str):
        raise TypeError(f"a scope of wards is a list of codes, not the string {wards!r}")
    return None if wards is None else list(wards)


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
    found = rows(pool, query, params)
    return pd.DataFrame(found) if found else pd.DataFrame(columns=list(columns))


def like_pattern(text: str) -> str:
    """A user's search text as an ILIKE pattern that matches it literally anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
