"""Fixtures of the report tests: wards in the database, a pool, the app, and Chromium options for dash[testing]."""

from __future__ import annotations

import psycopg
import pytest

from tests.reports import helpers


@pytest.fixture
def wards(db: psycopg.Connection) -> dict[str, tuple[float, float]]:
    return helpers.load_wards(db)

