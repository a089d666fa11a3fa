"""Cameras by ownership and wifi sessions in headless Chromium at 1920×1080: the wall's device and wifi tiles, and the
ward page's camera and wifi section with its two charts (issue 19). Screenshots in docs/screenshots/."""

from __future__ import annotations

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


def test_the_wall_counts_cameras_by_ownership_and_wifi_sessions(dash_duo: Any, db: psycopg.Connection,
                                                                settings: Settings, pool: ConnectionPool,
                                                                seeded: list[seed.Device]) -> None:
    seed.classify(db)
    seed.age_devices(db, stale=["camera-22333-0002"], offline=["camera-22366-0001"])
    _start(dash_duo, settings, pool, db, "/wall")
    devices = f"{TILE.format('devices')} .ioc-tile-detail"
    dash_duo.wait_for_contains_text(devices, "Camera ngân sách", timeout=20)
    shown = text(dash_duo, devices)
    assert "Camera ngân sách" in shown and "Camera xã hội hoá" in shown and "Camera người dân" in shown
    assert "trong đó 2 PTZ" in text(dash_duo, f"{TILE.format('devices')} .ioc-tile-caption")
    wifi = text(dash_duo, f"{TILE.format('wifi')} .ioc-tile-detail")
    assert "Phiên hôm nay:" in wifi and "Cao điểm:" in wifi and "Cùng giờ tuần trước:" in wifi
    assert text(dash_duo, f"{TILE.format('wifi')} .ioc-tile-caption") == "4 điểm cố định · 4 theo mùa"
    shot(dash_duo, "wall_cameras_wifi")
    # every line of the two tiles is inside its tile: nothing cut off at the bottom of the wall's side column
    for key in ("devices", "wifi", "aqi"):
        inside = dash_duo.driver.execute_script(
            "const t = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return Array.from(document.querySelectorAll(arguments[0] + ' .ioc-tile-detail, ' + arguments[0] + "
            "' .ioc-tile-caption, ' + arguments[0] + ' td'), e => e.getBoundingClientRect())"
            ".every(r => r.bottom <= t.bottom + 1 && r.right <= t.right + 1);", TILE.format(key))
        assert inside, f"the {key} tile's lines overflow it"
    assert not (found := errors(dash_duo)), found


def test_the_ward_page_lists_cameras_wifi_points_and_busiest_hours(dash_duo: Any, db: psycopg.Connection,
                                                                  settings: Settings, pool: ConnectionPool,
                                                                  seeded: list[seed.Device]) -> None:
    seed.classify(db)
    _start(dash_duo, settings, pool, db, "/ward/22333")
    dash_duo.wait_for_contains_text("#ward-cameras", "Camera ngân sách", timeout=20)
    dash_duo.wait_for_contains_text("#ward-wifi", "Theo mùa (tháng 1, 2)", timeout=20)
    assert "Quảng trường Phường Bắc Nha Trang" in text(dash_duo, "#ward-wifi")
    wait_until(lambda: len(dash_duo.driver.find_elements(
        By.CSS_SELECTOR, '[id*="wifi_hours"] .main-svg .trace.bars')) == 1, timeout=20, what="the busiest-hours chart")
    wait_until(lambda: len(dash_duo.driver.find_elements(
        By.CSS_SELECTOR, '[id*="wifi_days"] .main-svg .trace.bars')) >= 1, timeout=20, what="the sessions-by-day chart")
    # instant: Bootstrap makes scrolling smooth, and a screenshot mid-scroll shows neither place
    dash_duo.driver.execute_script("document.getElementById('ward-cameras').scrollIntoView({behavior: 'instant'});"
                                   "window.scrollBy({top: -120, behavior: 'instant'});")
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "ward_cameras_wifi")
    dash_duo.driver.execute_script(
        "document.querySelector('[id*=\"wifi_days\"]').scrollIntoView({block: 'center', behavior: 'instant'});")
    shot(dash_duo, "ward_wifi_charts")


def test_the_english_wall_keeps_the_ownership_rows_inside_the_device_tile(
        dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool,
        seeded: list[seed.Device]) -> None:
    seed.classify(db)
    _start(dash_duo, settings, pool, db, "/wall?lang=en")
    devices = f"{TILE.format('devices')} .ioc-tile-detail"
    dash_duo.wait_for_contains_text(devices, "Citizen-shared cameras", timeout=20)
    assert "City-budget cameras" in text(dash_duo, devices)
    assert "2 of them PTZ" in text(dash_duo, f"{TILE.format('devices')} .ioc-tile-caption")
    assert "Sessions today:" in text(dash_duo, f"{TILE.format('wifi')} .ioc-tile-detail")
    for key in ("devices", "wifi"):
        inside = dash_duo.driver.execute_script(
            "const t = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return Array.from(document.querySelectorAll(arguments[0] + ' .ioc-tile-detail, ' + arguments[0] + "
            "' .ioc-tile-caption, ' + arguments[0] + ' td'), e => e.getBoundingClientRect())"
            ".every(r => r.bottom <= t.bottom + 1 && r.right <= t.right + 1);", TILE.format(key))
        assert inside, f"the {key} tile's lines overflow it"
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "wall_cameras_wifi_en")
