"""/reports in headless Chromium at 1920×1080 with data: tiles, map, paged queue, detail, an action; a screenshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from dashboards.app import create_app
from ioc.config import Settings
from tests.reports import seed
from tests.support import wait_until

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _sign_in(dash_duo: Any, db: psycopg.Connection, path: str) -> None:
    """An operator (reports:handle, masked contacts) signs in through the login form, then opens ``path``."""
    from tests.security.helpers import PASSWORD, make_user

    make_user(db, "lan.operator", "operator")
    driver, base = dash_duo.driver, dash_duo.server.url
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys("lan.operator")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_until(lambda: "/login" not in driver.current_url, timeout=15, what="the sign-in")
    driver.get(base + path)
    dash_duo.wait_for_element("#react-entry-point", timeout=20)


def _severe(dash_duo: Any) -> list[dict[str, Any]]:
    # the seeded photos live on a host this machine cannot reach: their failed loads are expected
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"
            and "media.example.vn" not in str(e.get("message"))]


def _click(dash_duo: Any, selector: str) -> None:
    """A click by script: headless Chromium here does not scroll the page to reach an element below the fold."""
    dash_duo.driver.execute_script("arguments[0].click()", dash_duo.find_element(selector))


def _first_row(dash_duo: Any) -> str:
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#reports-table tbody tr")
    return str(rows[1].text) if len(rows) > 1 else ""


def test_reports_page_with_data(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                pool: ConnectionPool) -> None:
    made = seed.seed(db, datetime.now(UTC))
    flood = made.ids[10]                                           # corroborated by a gauge and a camera
    dash_duo.start_server(create_app(settings, pool), navigate=False)   # "/" needs a signed-in user now
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    _sign_in(dash_duo, db, f"/reports?report={flood}")
    dash_duo.wait_for_contains_text("#reports-total", "29 phản ánh", timeout=20)   # the default filter: open
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#reports-map .maplibregl-canvas")) >= 1,
               timeout=20, what="the map canvas")
    dash_duo.wait_for_contains_text("#reports-detail", "Có bằng chứng", timeout=20)
    detail = dash_duo.find_element("#reports-detail").text
    assert f"#{flood}" in detail and "env-flood" in detail and "Diễn biến xử lý" in detail
    assert dash_duo.find_element(".ioc-tile-reports-open .ioc-tile-value").text == "29"
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#reports-table tbody tr")
    assert len(rows) == 13                                         # header + one page of 12
    assert "Có bằng chứng" in rows[1].text                         # corroborated reports lead the queue
    first = rows[1].text
    dash_duo.find_element("#reports-table .next-page").click()       # server-side paging: page 2 comes from SQL
    wait_until(lambda: _first_row(dash_duo) not in ("", first), timeout=10, what="page 2")
    dash_duo.find_element("#reports-table .previous-page").click()
    wait_until(lambda: _first_row(dash_duo) == first, timeout=10, what="page 1 again")
    assert not (errors := _severe(dash_duo)), errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "reports.png"))

    pause = '[id*="\\"action\\":\\"pause\\""]'
    _click(dash_duo, pause)                                         # no note: refused, with the reason
    dash_duo.wait_for_contains_text("#reports-feedback", "pause needs a note", timeout=10)
    dash_duo.find_element("#reports-note").send_keys("Đề nghị gửi thêm ảnh mức nước")
    _click(dash_duo, pause)
    dash_duo.wait_for_contains_text("#reports-feedback", f"Đã thực hiện «Chờ người dân» cho phản ánh #{flood}",
                                    timeout=10)
    dash_duo.wait_for_contains_text("#reports-detail", "chờ người dân", timeout=10)
    assert db.execute("SELECT actor, note FROM report_history WHERE report_id = %s AND action = 'pause'",
                      [flood]).fetchall() == [("lan.operator", "Đề nghị gửi thêm ảnh mức nước")]
    _click(dash_duo, "#reports-contact-btn")                        # the masked contact, on request, logged
    dash_duo.wait_for_contains_text("#reports-contact", "091*****78", timeout=10)
    height = int(dash_duo.driver.execute_script("return document.documentElement.scrollHeight"))
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",     # the whole page, detail included
                                    {"width": 1920, "height": height, "deviceScaleFactor": 1, "mobile": False})
    assert dash_duo.driver.save_screenshot(str(SCREENSHOTS / "reports-full.png"))
    assert not (errors := _severe(dash_duo)), errors
