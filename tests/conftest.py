"""Test harness: a real PostgreSQL+TimescaleDB+PostGIS and a real Mosquitto for the whole session.

Either ``IOC_TEST_DATABASE_URL`` / ``IOC_TEST_MQTT_URL`` point at running services, or a private stack is started in a
temporary directory (own data dir, own free ports). Each test that asks for ``db_url`` gets a fresh database cloned
from a migrated template. Under ``CI=true`` a skipped test is a failure: integration tests never vanish silently.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg_pool import ConnectionPool

from ioc import config, migrate, stack
from ioc import db as ioc_db
from tests.support import StackHandle, service_dir

_counter = itertools.count()

# A developer's shell must not leak into tests; the harness passes settings explicitly.
_TEST_ENV = {k: v for k, v in os.environ.items() if k.startswith("IOC_TEST_")}
for _key in [k for k in os.environ if k.startswith("IOC_") and not k.startswith("IOC_TEST_")]:
    del os.environ[_key]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {report.longrepr}"


def pytest_setup_options() -> object:
    """Chrome options for dash[testing]: Debian's headless Chromium, no sandbox (root in CI), no GPU, no calls home,
    the wall's 1920×1080 at scale 1, Vietnamese first."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=vi"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return options


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stack.Endpoints]:
    db, mq = _TEST_ENV.get("IOC_TEST_DATABASE_URL"), _TEST_ENV.get("IOC_TEST_MQTT_URL")
    if db and mq:
        yield stack.Endpoints(db, mq)
        return
    handle = StackHandle(service_dir("stack"), database_url=db, mqtt_url=mq)
    try:
        yield handle.up()
    finally:
        handle.down()


@pytest.fixture(scope="session")
def template_db(services: stack.Endpoints) -> str:
    """Name of a migrated template database (created once per session)."""
    name = f"ioc_tmpl_{os.getpid()}"
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(database_url_for(services.database_url, name)) as conn:
        migrate.apply(conn)
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        # Nobody (TimescaleDB's background workers included) may connect to the template: clones never wait.
        conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
    return name


@pytest.fixture
def db_url(services: stack.Endpoints, template_db: str) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    name = f"ioc_t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        _clone(conn, template_db, name)
    yield database_url_for(services.database_url, name)
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def db(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    """A small pool on this test's database (what dashboards and query functions take)."""
    p = ioc_db.pool(db_url, min_size=1, max_size=4)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(scope="session")
def mqtt_url(services: stack.Endpoints) -> str:
    return services.mqtt_url


@pytest.fixture
def settings(tmp_path: Path, db_url: str, mqtt_url: str) -> config.Settings:
    return config.load(database_url=db_url, mqtt_url=mqtt_url, state_dir=tmp_path / "state")


def _clone(conn: psycopg.Connection, template: str, name: str) -> None:
    # TimescaleDB's background workers may hold a connection to the template; end them and retry.
    for _ in range(20):
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [template])
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                          sql.Identifier(template)))
            return
        except psycopg.errors.ObjectInUse:
            continue
    raise RuntimeError(f"template database {template} stayed in use")


def database_url_for(url: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
