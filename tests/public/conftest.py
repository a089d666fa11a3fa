"""Fixtures of the residents' page extras (disclosures, comments, hamlets, staff pages): wards in the real database
and the real app served by Flask's test client."""

from __future__ import annotations

import psycopg
import pytest
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from dashboards.public import CONFIG_KEY
from ioc.config import Settings
from tests.reports import helpers


@pytest.fixture
def wards(db: psycopg.Connection) -> dict[str, tuple[float, float]]:
    found = helpers.load_wards(db)
    db.commit()
    return found


@pytest.fixture
def server(settings: Settings, pool: ConnectionPool, wards: dict[str, tuple[float, float]]) -> Flask:
    app = create_app(settings, pool).server
    app.config[CONFIG_KEY] = 10_000
    return app
