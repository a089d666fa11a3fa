"""A private Patroni pair for a test (``ioc stack up --ha`` in a state dir of its own), migrated; stopped after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from ioc import migrate, stack
from tests.support import StackHandle, service_dir


@contextmanager
def ha_pair(name: str) -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    handle = StackHandle(service_dir(name))
    try:
        urls = stack.up(handle.settings, ha=True)
        with psycopg.connect(urls.database_url) as conn:
            migrate.apply(conn)
        yield handle, urls
    finally:
        handle.down()
