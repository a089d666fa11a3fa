"""The pages in headless Chromium (dash[testing]): rendered with data, no console errors, screenshots at 1920×1080.

The wall signs in with a kiosk token, the other pages as a viewer through the sign-in form.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from tests.dashboards import access, seed
from tests.dashboards.conftest import SCREENSHOTS
from tests.support import inner_text, wait_until

pytestmark = pytest.mark.browser

TILE = '[id*="\\"key\\":\\"{}\\""]'


def wall_size(driver: Any) -> None:
    """The wall's size exactly, whatever the window decorations of headless Chromium take."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})


def _start(dash_duo: Any, settings: Settings, pool: ConnectionPool, db: psycopg.Connection, path: str) -> None:
    dash_duo.start_server(create_app(settings, pool), navigate=False)   # "/" needs a signed-in caller first
    wall_size(dash_duo.driver)
    base = dash_duo.server.url.rstrip("/")
    if path.startswith("/wall"):
        path += ("&" if "?" in path else "?") + f"kiosk={access.kiosk_token(db)}"
    else:
        access.sign_in(dash_duo.driver, base, access.viewer(db))
    dash_duo.driver.get(base + path)


def errors(browser: Any) -> list[dict[str, Any]]:
    return [e for e in browser.get_logs() or [] if e.get("level") == "SEVERE"]


def shot(browser: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def text(browser: Any, selector: str) -> str:
    browser.wait_for_element(selector)
    found = inner_text(browser.driver, selector)
    assert found is not None, f"{selector} is gone"
    return found


def legend(browser: Any, selector: str) -> str:
    """The legend's entries, a line each (plotly's legend is SVG, which has no innerText)."""
    return str(browser.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' .legend .legendtext'), t => t.textContent)"
        ".join('\\n');", selector))


def test_wall_shows_tiles_map_feed_and_clock(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                             pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    seed.age_devices(db, stale=["env-22333-0001"], offline=["camera-22366-0001"])
    seed.field_reports(db, "22390", open_=3, overdue=1)
    _start(dash_duo, settings, pool, db, "/wall")
    dash_duo.wait_for_contains_text(f"{TILE.format('devices')} .ioc-tile-value", "/", timeout=20)
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas")) == 1,
               timeout=20, what="the map canvas")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-feed li")) >= 5, timeout=20,
               what="the event feed")
    wait_until(lambda: "Ngoại tuyến (1)" in legend(dash_duo, "#wall-map"), timeout=20, what="the map legend")
    assert text(dash_duo, f"{TILE.format('devices')} .ioc-tile-value") == "34 / 36"
    assert text(dash_duo, f"{TILE.format('aqi')} .ioc-tile-value").isdigit()
    assert text(dash_duo, f"{TILE.format('reports')} .ioc-tile-value") == "3 / 1"
    assert ":" in text(dash_duo, "#wall-clock-time") and "/" in text(dash_duo, "#wall-clock-date")
    assert "ioc-banner-on" not in dash_duo.find_element("#wall-banner").get_attribute("class")
    assert {"Trực tuyến (34)", "Mất dữ liệu (1)", "VN_AQI", "Quá hạn (1)"} <= _words(legend(dash_duo, "#wall-map"))
    # a device going offline reaches the map as a Patch of two traces, without reloading the map
    seed.age_devices(db, offline=["wifi-22402-0001"])
    wait_until(lambda: "Ngoại tuyến (2)" in legend(dash_duo, "#wall-map"), timeout=20, what="the patched legend")
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#wall-map .maplibregl-canvas")) == 1
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "wall")


def test_the_wall_keeps_dash_undo_history_short_and_its_clock_ticking(
        dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool,
        seeded: list[seed.Device]) -> None:
    """Dash keeps every Interval tick in its undo history for as long as the page is open (plotly/dash#727): a wall
    left on for days would grow without end. assets/ioc-history.js trims it; the clock ticks without Dash."""
    _start(dash_duo, settings, pool, db, "/wall")
    dash_duo.wait_for_contains_text(f"{TILE.format('devices')} .ioc-tile-value", "/", timeout=20)
    first = text(dash_duo, "#wall-clock-time")
    wait_until(lambda: text(dash_duo, "#wall-clock-time") != first, timeout=5, what="the clock's next second")
    wait_until(lambda: dash_duo.driver.execute_script("return window.store.getState().history.past.length") > 5,
               timeout=30, what="a few ticks recorded in the undo history")
    time.sleep(11)                                   # one trim, then at most two more 5-s ticks
    assert dash_duo.driver.execute_script("return window.store.getState().history.past.length") <= 8
    # the nightly reload (assets/ioc-wall-refresh.js): 03:xx in Hồ Chí Minh after 6 h open, or a heap past 256 MB
    due = "return window.iocWallRefresh(Date.parse(arguments[0]), Date.parse(arguments[1]), arguments[2], " \
          "'Asia/Ho_Chi_Minh')"
    run = dash_duo.driver.execute_script
    assert run(due, "2026-11-22T20:10:00Z", "2026-11-22T08:00:00Z", 30e6) is True       # 03:10 local, 12 h open
    assert run(due, "2026-11-22T20:10:00Z", "2026-11-22T19:00:00Z", 30e6) is False      # 03:10, open 70 min
    assert run(due, "2026-11-22T07:00:00Z", "2026-11-21T07:00:00Z", 30e6) is False      # 14:00 local
    assert run(due, "2026-11-22T07:00:00Z", "2026-11-22T06:59:00Z", 300e6) is True      # heap past 256 MB
    assert not (found := errors(dash_duo)), found


def test_the_wall_rotates_through_the_city_and_its_wards(dash_duo: Any, db: psycopg.Connection,
                                                         settings: Settings, pool: ConnectionPool,
                                                         seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/wall?rotate=10")
    dash_duo.wait_for_contains_text(f"{TILE.format('devices')} .ioc-tile-value", "36 / 36", timeout=20)
    assert text(dash_duo, "#wall-scene-name") == "Toàn thành phố"
    wait_until(lambda: text(dash_duo, "#wall-scene-name").startswith("Phường"), timeout=25, what="a ward scene")
    dash_duo.wait_for_contains_text(f"{TILE.format('devices')} .ioc-tile-value", "9 / 9", timeout=15)
    assert not (found := errors(dash_duo)), found


def _words(legend_text: str) -> set[str]:
    """Legend lines, plus 'VN_AQI' when any band line is there."""
    lines = {line.strip() for line in legend_text.splitlines() if line.strip()}
    return lines | ({"VN_AQI"} if any(line.startswith("VN_AQI") for line in lines) else set())


def test_wall_shows_the_stale_banner_when_ingest_stops(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                       pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/wall?lang=en")
    dash_duo.wait_for_contains_text(TILE.format("system"), "Lag", timeout=20)
    assert "ioc-banner-on" not in dash_duo.find_element("#wall-banner").get_attribute("class")
    seed.heartbeat(db, age_s=settings.stale_ingest_s + 300)
    dash_duo.wait_for_contains_text("#wall-banner", "Data not updating", timeout=20)
    wait_until(lambda: "ioc-stale" in dash_duo.find_element(TILE.format("system")).get_attribute("class"),
               timeout=10, what="the system tile greyed out")
    assert "minutes ago" in text(dash_duo, f"{TILE.format('system')} .ioc-tile-caption")
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "wall-stale-en")


def test_language_switch_changes_labels(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                        pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/devices")
    dash_duo.wait_for_contains_text("#devices-page h1", "Tình trạng thiết bị", timeout=20)
    dash_duo.find_element('[id*="\\"index\\":\\"en\\""]').click()
    dash_duo.wait_for_contains_text("#devices-page h1", "Device health", timeout=20)
    assert "lang=en" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text("#devices-total", "36 devices", timeout=20)
    assert not (found := errors(dash_duo)), found


def test_devices_page_pages_searches_and_shows_dead_letters(dash_duo: Any, db: psycopg.Connection,
                                                            settings: Settings, pool: ConnectionPool,
                                                            seeded: list[seed.Device]) -> None:
    seed.dead_letter(db, "env-22366-0002", "pm25: -5 is below the physical range 0..1000 µg/m³", n=2)
    seed.age_devices(db, offline=["env-22366-0002"])
    _start(dash_duo, settings, pool, db, "/devices")
    dash_duo.wait_for_contains_text("#devices-total", "36", timeout=20)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table tbody tr")) == 25
    search = dash_duo.find_element("#devices-search")
    search.send_keys("env-22366")
    dash_duo.wait_for_contains_text("#devices-total", "3 ", timeout=20)
    dash_duo.find_element('[id*="env-22366-0002"]').click()
    dash_duo.wait_for_contains_text("#devices-detail", "below the physical range", timeout=20)
    assert "ioc-stale" not in dash_duo.find_element("#devices-system").get_attribute("class")
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "devices")


def test_ward_page_has_map_reports_and_charts(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                              pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    seed.field_reports(db, "22333", open_=3, overdue=1)
    _start(dash_duo, settings, pool, db, "/ward/22333")
    dash_duo.wait_for_contains_text("#ward-title", "Bắc Nha Trang", timeout=20)
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-page .main-svg .trace")) >= 6,
               timeout=20, what="six charts with traces")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-map .maplibregl-canvas")) == 1,
               timeout=20, what="the ward map")
    wait_until(lambda: "Quá hạn (1)" in legend(dash_duo, "#ward-map"), timeout=20, what="the reports on the map")
    assert "Camera" in text(dash_duo, "#ward-devices")
    assert "Quá hạn" in text(dash_duo, "#ward-reports") and "3" in text(dash_duo, "#ward-reports")
    ticks = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-page .xtick text")]
    assert ticks and not [t for t in ticks if any(m in t for m in ("Jan", "Nov", "Dec"))]  # dd/mm, not "Nov 21"
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "ward")


def test_home_lists_wards(dash_duo: Any, db: psycopg.Connection, settings: Settings, pool: ConnectionPool,
                          seeded: list[seed.Device]) -> None:
    _start(dash_duo, settings, pool, db, "/?lang=en")
    dash_duo.wait_for_contains_text("#home-wards", "Phường Nha Trang", timeout=20)
    assert "9 devices" in text(dash_duo, "#home-wards")
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "home-en")
