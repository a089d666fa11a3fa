"""The wall and a ward page in headless Chromium on a real Patroni pair, reading from a standby that trails: the
banner says by how much (docs/ha.md). Screenshots: docs/screenshots/wall-replica-behind.png,
docs/screenshots/ward-replica-behind.png."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from dashboards.queries import replica
from ioc import config, db, stack
from ioc.stack._patroni import PrivatePatroni
from ioc.stack._state import StackState
from tests.dashboards import access, seed
from tests.dashboards.conftest import SCREENSHOTS
from tests.dashboards.test_browser import errors, wall_size
from tests.ha_support import ha_pair
from tests.support import StackHandle, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
    """One pair for the module (each test leaves its standby replaying): bringing it up is the slow part."""
    with ha_pair("ha-wall") as made:
        yield made


def test_the_wall_says_how_far_its_standby_trails(dash_duo: Any, pair: tuple[StackHandle, stack.Endpoints]) -> None:
    handle, urls = pair
    assert urls.read_url is not None
    with psycopg.connect(urls.database_url) as conn:
        seed.load_wards(conn)
        made = seed.add_devices(conn, 2)
        seed.add_history(conn, made, days=2)
        seed.camera_events(conn, made, 12)
        seed.heartbeat(conn, age_s=2)
        token = access.kiosk_token(conn)
        conn.commit()
    root = handle.settings.state_dir.resolve()
    patroni, ha = PrivatePatroni(root), StackState.load(root).ha
    assert ha is not None
    primary, standby = db.pool(urls.database_url), db.pool(urls.read_url)
    try:
        wait_until(lambda: _count(standby, "SELECT count(*) FROM devices") == len(made), 30, what="the standby")
        patroni.maintenance(ha, True)            # or Patroni would resume the replay paused here
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        with primary.connection() as conn:      # a commit the standby receives but does not replay
            seed.heartbeat(conn, age_s=1)
        settings = config.load(state_dir=handle.settings.state_dir, replica_lag_s=3)
        dash_duo.start_server(create_app(settings, primary, read_pool=standby), navigate=False)
        wall_size(dash_duo.driver)
        dash_duo.driver.get(dash_duo.server.url.rstrip("/") + f"/wall?kiosk={token}")
        dash_duo.wait_for_contains_text("#wall-banner", "chậm", timeout=30)
        banner = dash_duo.find_element("#wall-banner")
        assert "ioc-banner-on" in banner.get_attribute("class") and "bản sao" in banner.text
        wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas"), 30,
                   what="the map canvas")
        time.sleep(3)   # the basemap's outlines and markers paint after the canvas exists
        assert not (found := errors(dash_duo)), found
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "wall-replica-behind.png"))
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        dash_duo.wait_for_text_to_equal("#wall-banner", "", timeout=30)   # caught up: the banner goes
        patroni.maintenance(ha, False)
    finally:
        primary.close()
        standby.close()


def test_a_ward_page_says_how_far_its_standby_trails(dash_duo: Any,
                                                     pair: tuple[StackHandle, stack.Endpoints]) -> None:
    handle, urls = pair
    assert urls.read_url is not None
    with psycopg.connect(urls.database_url) as conn:
        if _count_conn(conn, "SELECT count(*) FROM wards") == 0:   # the wall's test seeds them when it runs first
            seed.load_wards(conn)
            seed.add_history(conn, seed.add_devices(conn, 2), days=2)
        seed.field_reports(conn, "22333", open_=3, overdue=1)
        seed.heartbeat(conn, age_s=2)
        viewer = access.viewer(conn, "ward-viewer")
        conn.commit()
    root = handle.settings.state_dir.resolve()
    patroni, ha = PrivatePatroni(root), StackState.load(root).ha
    assert ha is not None
    primary, standby = db.pool(urls.database_url), db.pool(urls.read_url)
    try:
        wait_until(lambda: _count(standby, "SELECT count(*) FROM users WHERE username = 'ward-viewer'") == 1, 30,
                   what="the standby")
        patroni.maintenance(ha, True)            # or Patroni would resume the replay paused here
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        with primary.connection() as conn:      # a commit the standby receives but does not replay
            seed.heartbeat(conn, age_s=1)
        wait_until(lambda: replica.lag_s(standby) > 4, 30, what="the paused standby to trail")   # shown at load
        settings = config.load(state_dir=handle.settings.state_dir, replica_lag_s=3)
        dash_duo.start_server(create_app(settings, primary, read_pool=standby), navigate=False)
        wall_size(dash_duo.driver)
        base = dash_duo.server.url.rstrip("/")
        access.sign_in(dash_duo.driver, base, viewer)   # sign-in writes its session: on the primary
        dash_duo.driver.get(base + "/ward/22333?lang=en")
        dash_duo.wait_for_contains_text("#ward-title", "Bắc Nha Trang", timeout=30)
        wait_until(lambda: "behind the primary" in (_banner(dash_duo) or ""), 30, what="the replica banner")
        found = dash_duo.driver.find_element(By.CSS_SELECTOR, "[id*='replica-banner']")
        assert "alert-warning" in found.get_attribute("class")   # a light page: a Bootstrap alert
        wait_until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-map .maplibregl-canvas"), 30,
                   what="the map canvas")
        time.sleep(3)   # the basemap's outlines and markers paint after the canvas exists
        assert not (errs := errors(dash_duo)), errs
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "ward-replica-behind.png"))
        with standby.connection() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        patroni.maintenance(ha, False)
    finally:
        primary.close()
        standby.close()


def _banner(dash_duo: Any) -> str | None:
    found = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[id*='replica-banner']")
    return found[0].text if found else None


def _count_conn(conn: psycopg.Connection, query: str) -> int:
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _count(pool: Any, query: str) -> int:
    with pool.connection() as conn:
        return int(conn.execute(query).fetchone()[0])
