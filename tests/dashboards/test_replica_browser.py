"""The wall in headless Chromium on a real Patroni pair, reading from a standby that trails: the banner says by how
much (docs/ha.md). Screenshot: docs/screenshots/wall-replica-behind.png."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc import config, db, stack
from ioc.stack._patroni import PrivatePatroni
from ioc.stack._state import StackState
from tests.dashboards import access, seed
from tests.dashboards.conftest import SCREENSHOTS
from tests.dashboards.test_browser import errors, wall_size
from tests.ha_support import ha_pair
from tests.support import StackHandle, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def pair() -> Iterator[tuple[StackHandle, stack.Endpoints]]:
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


def _count(pool: Any, query: str) -> int:
    with pool.connection() as conn:
        return int(conn.execute(query).fetchone()[0])
