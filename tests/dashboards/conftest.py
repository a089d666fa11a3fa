"""Fixtures of the dashboard tests: a seeded database, an app on it, and headless Chromium for dash[testing]."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from ioc import config
from tests.dashboards import seed

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"



@pytest.fixture
def seeded(db: psycopg.Connection) -> list[seed.Device]:
    """Four Nha Trang wards, 3 devices of each kind per ward, 31 days of rollups (noise, gases and a water gauge in the
    last 3 days), events, a live heartbeat, three days of the synthetic social listening feed."""
    seed.load_wards(db)
    made = seed.add_devices(db, 3)
    seed.add_history(db, made, days=31)
    seed.add_environment(db, made)
    seed.camera_events(db, made, 12)
    seed.heartbeat(db, age_s=2)
    seed.social_mentions(db)
    return made


@pytest.fixture
def app_settings(settings: config.Settings) -> config.Settings:
    return settings


@pytest.fixture
def read_only(db_url: str) -> Iterator[ConnectionPool]:
    """A pool that refuses writes, as a standby does (the read-pool tests of the API and the pages)."""
    made = ConnectionPool(db_url, min_size=1, max_size=4, open=False,
                          kwargs={"options": "-c default_transaction_read_only=on"})
    made.open(wait=True, timeout=10)
    try:
        yield made
    finally:
        made.close()
