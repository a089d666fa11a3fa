"""Fixtures of the report tests: wards in the database, a pool, the app, and Chromium options for dash[testing]."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from ioc import db
from tests.reports import helpers


@pytest.fixture
def wards(db: psycopg.Connection) -> dict[str, tuple[float, float]]:
    return helpers.load_wards(db)


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    p = db.pool(db_url, min_size=1, max_size=4)
    try:
        yield p
    finally:
        p.close()
