"""Fixtures of the security tests: an app on a fresh database and its Flask server."""

from __future__ import annotations

import pytest
from dash import Dash
from flask import Flask
from psycopg_pool import ConnectionPool

from dashboards.app import create_app
from ioc import config


@pytest.fixture
def app(settings: config.Settings, pool: ConnectionPool) -> Dash:
    return create_app(settings, pool)


@pytest.fixture
def server(app: Dash) -> Flask:
    return app.server

