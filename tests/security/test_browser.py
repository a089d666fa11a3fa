"""In headless Chromium: the sign-in page (screenshot at 1920×1080), then the wall working behind it, which proves
dash-renderer sends the CSRF token with every callback; and a kiosk link opening the wall without a password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from ioc.stack._proc import free_port
from tests.dashboards import seed
from tests.security.helpers import PASSWORD, browser_sign_in, kiosk_token, make_user
from tests.support import wait_until

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEVICES_TILE = '[id*="\\"key\\":\\"devices\\""] .ioc-tile-value'


def _start(dash_duo: Any, settings: Settings, pool: ConnectionPool) -> str:
    """The app served; its base URL. Not navigated by dash[testing]: "/" is the sign-in page, not a Dash page."""
    dash_duo.start_server(create_app(settings, pool), navigate=False, port=free_port())
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    return str(dash_duo.server.url).rstrip("/")


def _seed(db: psycopg.Connection) -> None:
    seed.load_wards(db)
    seed.add_devices(db, 1)
    seed.heartbeat(db, age_s=2)


def _errors(dash_duo: Any) -> list[dict[str, Any]]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_sign_in_then_the_wall_updates(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                       pool: ConnectionPool) -> None:
    _seed(db)
    make_user(db, "lan", "operator")
    base = _start(dash_duo, settings, pool)
    dash_duo.driver.get(base + "/wall")
    dash_duo.wait_for_element("#username", timeout=10)
    assert "/login?next=%2Fwall" in dash_duo.driver.current_url
    assert dash_duo.find_element("h1").text == "Đăng nhập"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "login.png"))
    browser_sign_in(dash_duo, base, "lan", PASSWORD, next_path="/wall")
    dash_duo.wait_for_contains_text(DEVICES_TILE, "/", timeout=20)
    assert dash_duo.driver.current_url.endswith("/wall")
    assert dash_duo.find_element(DEVICES_TILE).text == "12 / 12"
    assert not (errors := _errors(dash_duo)), errors


def test_a_kiosk_link_opens_the_wall_without_a_password(dash_duo: Any, db: psycopg.Connection,
                                                        settings: Settings, pool: ConnectionPool) -> None:
    _seed(db)
    _, token = kiosk_token(db)
    base = _start(dash_duo, settings, pool)
    dash_duo.driver.get(f"{base}/wall?kiosk={token}")
    dash_duo.wait_for_contains_text(DEVICES_TILE, "/", timeout=20)
    dash_duo.driver.get(base + "/devices")   # the token opened the wall only
    wait_until(lambda: "Không có quyền" in dash_duo.driver.page_source, timeout=10, what="the refusal page")
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table")) == 0
