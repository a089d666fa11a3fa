"""Fixtures of the dashboard tests: a seeded database, an app on it, and headless Chromium for dash[testing]."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from ioc import config, db
from tests.dashboards import seed

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"



@pytest.fixture
def seeded(db: psycopg.Connection) -> list[seed.Device]:
    """Four Nha Trang wards, 3 devices of each kind per ward, 31 days of rollups, events, a live heartbeat."""
    seed.load_wards(db)
    made = seed.add_devices(db, 3)
    seed.add_history(db, made, days=31)
    seed.camera_events(db, made, 12)
    seed.heartbeat(db, age_s=2)
    return made


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    p = db.pool(db_url, min_size=1, max_size=4)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def app_settings(settings: config.Settings) -> config.Settings:
    return settings
