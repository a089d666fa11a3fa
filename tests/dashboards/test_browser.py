"""The pages in headless Chromium (dash[testing]): rendered with data, no console errors, screenshots at 1920×1080."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from tests.dashboards import seed
from tests.dashboards.conftest import SCREENSHOTS
from tests.support import wait_until

pytestmark = pytest.mark.browser


def _start(dash_duo: Any, settings: Settings, pool: ConnectionPool, path: str) -> None:
    dash_duo.start_server(create_app(settings, pool))
    # the wall's size exactly, whatever the window decorations of headless Chromium take
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    dash_duo.driver.get(dash_duo.server_url + path)


def _errors(dash_duo: Any) -> list[dict[str, Any]]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def _shot(dash_duo: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _text(dash_duo: Any, selector: str) -> str:
    return str(dash_duo.find_element(selector).text)


def test_wall_shows_tiles_map_feed_and_clock(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                             pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    seed.age_devices(db, stale=["env-22333-0001"], offline=["camera-22366-0001"])
    _start(dash_duo, settings, pool, "/wall")
    dash_duo.wait_for_contains_text('[id*="\\"key\\":\\"devices\\""] .ioc-tile-value', "/", timeout=20)
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas")) == 1,
               timeout=20, what="the map canvas")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-feed li")) >= 5, timeout=20,
               what="the event feed")
    assert _text(dash_duo, '[id*="\\"key\\":\\"devices\\""] .ioc-tile-value') == "34 / 36"
    assert _text(dash_duo, '[id*="\\"key\\":\\"aqi\\""] .ioc-tile-value').isdigit()
    assert "chưa có dữ liệu" in _text(dash_duo, '[id*="\\"key\\":\\"reports\\""]')
    assert ":" in _text(dash_duo, "#wall-clock-time") and "/" in _text(dash_duo, "#wall-clock-date")
    assert "ioc-banner-on" not in dash_duo.find_element("#wall-banner").get_attribute("class")
    legend = _text(dash_duo, "#wall-map .legend")
    assert "Mất kết nối" in legend and "VN_AQI" in legend and "Nguy hại" in legend
    assert not (errors := _errors(dash_duo)), errors
    _shot(dash_duo, "wall")


def test_wall_shows_the_stale_banner_when_ingest_stops(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                       pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, "/wall?lang=en")
    dash_duo.wait_for_contains_text('[id*="\\"key\\":\\"system\\""]', "Lag", timeout=20)
    assert "ioc-banner-on" not in dash_duo.find_element("#wall-banner").get_attribute("class")
    seed.heartbeat(db, age_s=settings.stale_ingest_s + 300)
    dash_duo.wait_for_contains_text("#wall-banner", "Data not updating", timeout=20)
    wait_until(lambda: "ioc-stale" in dash_duo.find_element('[id*="\\"key\\":\\"system\\""]').get_attribute("class"),
               timeout=10, what="the system tile greyed out")
    assert "minutes ago" in _text(dash_duo, '[id*="\\"key\\":\\"system\\""] .ioc-tile-caption')
    assert not (errors := _errors(dash_duo)), errors
    _shot(dash_duo, "wall-stale-en")


def test_language_switch_changes_labels(dash_duo: Any, settings: Settings, pool: ConnectionPool,
                                        seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, "/devices")
    dash_duo.wait_for_contains_text("#devices-page h1", "Tình trạng thiết bị", timeout=20)
    dash_duo.find_element('[id*="\\"index\\":\\"en\\""]').click()
    dash_duo.wait_for_contains_text("#devices-page h1", "Device health", timeout=20)
    assert "lang=en" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text("#devices-total", "36 devices", timeout=20)
    assert not (errors := _errors(dash_duo)), errors


def test_devices_page_pages_searches_and_shows_dead_letters(dash_duo: Any, db: psycopg.Connection,
                                                            settings: Settings, pool: ConnectionPool,
                                                            seeded: list[seed.Device]) -> None:
    seed.dead_letter(db, "env-22366-0002", "pm25: -5 is below the physical range 0..1000 µg/m³", n=2)
    seed.age_devices(db, offline=["env-22366-0002"])
    _start(dash_duo, settings, pool, "/devices")
    dash_duo.wait_for_contains_text("#devices-total", "36", timeout=20)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table tbody tr")) == 25
    search = dash_duo.find_element("#devices-search")
    search.send_keys("env-22366")
    dash_duo.wait_for_contains_text("#devices-total", "3 ", timeout=20)
    dash_duo.find_element('[id*="env-22366-0002"]').click()
    dash_duo.wait_for_contains_text("#devices-detail", "below the physical range", timeout=20)
    assert "ioc-stale" not in dash_duo.find_element("#devices-system").get_attribute("class")
    assert not (errors := _errors(dash_duo)), errors
    _shot(dash_duo, "devices")


def test_ward_page_has_map_and_charts(dash_duo: Any, settings: Settings, pool: ConnectionPool,
                                      seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, "/ward/22333")
    dash_duo.wait_for_contains_text("#ward-title", "Bắc Nha Trang", timeout=20)
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-page .main-svg .trace")) >= 6,
               timeout=20, what="six charts with traces")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-map .maplibregl-canvas")) == 1,
               timeout=20, what="the ward map")
    assert "Camera" in _text(dash_duo, "#ward-devices")
    assert not (errors := _errors(dash_duo)), errors
    _shot(dash_duo, "ward")


def test_home_lists_wards(dash_duo: Any, settings: Settings, pool: ConnectionPool,
                          seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, "/?lang=en")
    dash_duo.wait_for_contains_text("#home-wards", "Phường Nha Trang", timeout=20)
    assert "9 devices" in _text(dash_duo, "#home-wards")
    assert not (errors := _errors(dash_duo)), errors
    _shot(dash_duo, "home-en")
