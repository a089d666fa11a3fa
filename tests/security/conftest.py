"""Fixtures of the security tests: an app on a fresh database and its Flask server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import Dash
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc import config, db


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    p = db.pool(db_url, min_size=1, max_size=4)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def app(settings: config.Settings, pool: ConnectionPool) -> Dash:
    return create_app(settings, pool)


@pytest.fixture
def server(app: Dash) -> Flask:
    return app.server


def pytest_setup_options() -> object:
    """Chrome for dash[testing] (as in tests/dashboards): headless, no sandbox (root in CI), wall size."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=vi"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return options
