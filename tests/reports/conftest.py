"""Fixtures of the report tests: wards in the database, a pool, the app, and Chromium options for dash[testing]."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from ioc import db
from tests.reports import helpers


def pytest_setup_options() -> object:
    """Chrome options for dash[testing]: headless, no sandbox, no GPU, no calls home, wall size."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=vi"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return options


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
