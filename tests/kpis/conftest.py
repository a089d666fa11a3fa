"""A database holding the synthetic demo set (loaded once per module, through ``ioc kpis demo-data``)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql
from psycopg_pool import ConnectionPool

from ioc import config, db, stack
from smartward.cli import cli
from tests.conftest import _clone, database_url_for

DEMO_SCALE = "0.15"
_names = itertools.count()


@pytest.fixture(scope="module")
def demo_url(services: stack.Endpoints, template_db: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"ioc_kpidemo_{os.getpid()}_{next(_names)}"
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        _clone(conn, template_db, name)
    url = database_url_for(services.database_url, name)
    out = tmp_path_factory.mktemp("kpi-demo")
    result = CliRunner().invoke(cli, ["--database-url", url, "--state-dir", str(out), "kpis", "demo-data",
                                      "--scale", DEMO_SCALE, "--out", str(out / "files")])
    assert result.exit_code == 0, result.output
    yield url
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def demo_settings(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    return config.load(database_url=demo_url, state_dir=tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="module")
def demo_pool(demo_url: str) -> Iterator[ConnectionPool]:
    p = db.pool(demo_url, min_size=1, max_size=4)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(scope="module")
def now() -> datetime:
    """One moment for a whole module, so the CLI and the page judge at the same time."""
    return datetime.now(UTC).replace(microsecond=0)

