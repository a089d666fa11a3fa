"""The environment in headless Chromium: the ward page's section (pollutants, noise against QCVN 26, water against
warning levels) and the wall's environment tile, with screenshots at 1920×1080."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from ioc.config import Settings
from tests.dashboards import seed
from tests.dashboards.test_browser import TILE, _start, errors, shot, text
from tests.support import wait_until

pytestmark = pytest.mark.browser


def test_ward_page_environment_section(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                       pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/ward/22333")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-env .main-svg .trace")) >= 10,
               timeout=30, what="the environment charts")
    section = text(dash_duo, "#ward-env")
    assert "Môi trường" in section and "Khu vực đặc biệt" in section and "⚠" in section
    titles = " ".join(e.get_attribute("textContent") for e in
                      dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-env .gtitle"))
    assert "chi phối" in titles and "QCVN 26" in titles and "Mực nước" in titles
    # the section is the page's last ~1000 px: scrolled to the end, it fills the screen
    dash_duo.driver.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    wait_until(lambda: dash_duo.driver.execute_script(
        "return document.getElementById('ward-env').getBoundingClientRect().top < 200") is True,
        timeout=10, what="the section on screen")
    time.sleep(1.5)   # plotly redraws the graphs that scrolled into view
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "ward-environment")


def test_wall_environment_tile(dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool,
                               seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/wall")
    dash_duo.wait_for_contains_text(f"{TILE.format('environment')} .ioc-tile-value", "dB", timeout=20)
    detail = text(dash_duo, f"{TILE.format('environment')} .ioc-tile-detail")
    assert "Giới hạn" in detail and "Nước" in detail
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas")) == 1,
               timeout=20, what="the map canvas")
    # every tile of the side column fits on the 1080-pixel wall
    bottom = dash_duo.driver.execute_script(
        "return Math.max(...Array.from(document.querySelectorAll('.ioc-wall-side .ioc-tile'),"
        " e => e.getBoundingClientRect().bottom));")
    assert bottom <= 1080
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "wall-environment")
