"""Database edge: connections and pools, with driver errors translated into IOC errors at this one boundary."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool

from ioc.config import mask_url
from ioc.errors import DatabaseUnavailable


def _describe(url: str, exc: Exception) -> str:
    hosts = urlsplit(url).netloc.rpartition("@")[2]   # host:port, or several of them (a Patroni pair)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (f"cannot connect to PostgreSQL at {hosts} ({mask_url(url)}): {first}. "
            "Check IOC_DATABASE_URL, or unset it to use the local stack (`ioc stack up`).")


def connect(url: str, *, autocommit: bool = False, timeout: float = 5) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=max(1, int(timeout)))
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(_describe(url, exc)) from None


def pool(url: str, *, min_size: int = 1, max_size: int = 4, name: str = "ioc") -> ConnectionPool:
    """An open pool; the caller closes it. Connections are checked on first use."""
    p = ConnectionPool(url, min_size=min_size, max_size=max_size, name=name, open=False,
                       kwargs={"connect_timeout": 5}, check=ConnectionPool.check_connection)
    try:
        p.open(wait=True, timeout=10)
    except Exception as exc:  # psycopg_pool.PoolTimeout hides the OperationalError behind it
        p.close()
        raise DatabaseUnavailable(_describe(url, exc)) from None
    return p
