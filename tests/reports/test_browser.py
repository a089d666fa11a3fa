"""/reports in headless Chromium at 1920×1080 with data: tiles, map, the queue paged by SQL, a row's click opening
its report, detail, an action, a filter back on page 1; screenshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboards.app import create_app
from dashboards.queries import reports as q
from ioc.config import Settings
from tests.reports import seed
from tests.support import wait_until

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ROWS = "#reports-table tbody tr"


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


def _row_ids(dash_duo: Any) -> list[int]:
    """The reports of the rows shown, read in one script (the table may be redrawn between two Selenium calls)."""
    ids = dash_duo.driver.execute_script(f"return Array.from(document.querySelectorAll('{ROWS}'), r => r.id)")
    return [json.loads(i)["id"] for i in ids if i.startswith("{")]


def _row(report_id: int) -> str:
    """The CSS selector of a report's row: Dash writes a dict id as JSON with sorted keys, no spaces."""
    return f"#reports-table tr[id='{json.dumps({'id': report_id, 'type': 'reports-row'}, separators=(',', ':'))}']"


def _selected(dash_duo: Any) -> list[int]:
    rows = dash_duo.driver.execute_script(
        f"return Array.from(document.querySelectorAll('{ROWS}.ioc-row-selected'), r => r.id)")
    return [json.loads(i)["id"] for i in rows]


def _pager(dash_duo: Any, label: str) -> None:
    """A click on the pager's Next / Previous (their names are the links' hidden labels)."""
    link = dash_duo.driver.find_element(By.XPATH, f"//*[@id='reports-pager']//a[span[normalize-space()='{label}']]")
    dash_duo.driver.execute_script("arguments[0].click()", link)


def _active_page(dash_duo: Any) -> str:
    found = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#reports-pager .page-item.active")
    return str(found[0].get_attribute("textContent")).replace("(current)", "").strip() if found else ""


def _sql_page(pool: ConnectionPool, where: q.QueueFilter, page: int) -> list[int]:
    return [int(i) for i in q.queue(pool, where, datetime.now(UTC), page * 12, 12)[1]["id"]]


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
    open_only = q.QueueFilter(status="open")
    first, second = _sql_page(pool, open_only, 0), _sql_page(pool, open_only, 1)
    wait_until(lambda: _row_ids(dash_duo) == first, timeout=10, what="page 1 as SQL gives it")
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, ROWS)
    assert len(rows) == 12 and _active_page(dash_duo) == "1"       # one page of 12, no header row among them
    assert "Có bằng chứng" in rows[0].text                         # corroborated reports lead the queue
    assert flood in first and _selected(dash_duo) == [flood]       # ?report= highlights its row
    summary = dash_duo.find_element(f"{_row(first[0])} .ioc-col-summary .ioc-clip")
    assert summary.get_attribute("title") and "ioc-report-corroborated" in str(
        dash_duo.find_element(_row(first[0])).get_attribute("class"))
    _pager(dash_duo, "Next")                                        # server-side paging: page 2 comes from SQL
    wait_until(lambda: _row_ids(dash_duo) == second, timeout=10, what="page 2 as SQL gives it")
    assert _active_page(dash_duo) == "2" and "29 phản ánh" in dash_duo.find_element("#reports-total").text
    _pager(dash_duo, "Previous")
    wait_until(lambda: _row_ids(dash_duo) == first, timeout=10, what="page 1 again")

    other = next(i for i in first if i != flood)                    # Tab and Enter on a row open that report
    dash_duo.find_element(f"{_row(other)} .ioc-row-open").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#reports-detail", f"#{other} ", timeout=10)
    wait_until(lambda: _selected(dash_duo) == [other], timeout=10, what="the row highlighted")
    dash_duo.find_element(f"{_row(flood)} .ioc-col-ward").click()   # and so does a click, anywhere on the row
    dash_duo.wait_for_contains_text("#reports-detail", f"#{flood} ", timeout=10)
    wait_until(lambda: _selected(dash_duo) == [flood], timeout=10, what="the clicked row highlighted")
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

    _pager(dash_duo, "Next")                                        # a new filter starts again on page 1
    wait_until(lambda: _active_page(dash_duo) == "2", timeout=10, what="page 2")
    overdue = q.QueueFilter(status="open", overdue_only=True)
    n_overdue = q.queue(pool, overdue, datetime.now(UTC))[0]
    assert n_overdue > 12                                           # a page 2 of the filtered list exists too
    _click(dash_duo, "#reports-overdue")
    dash_duo.wait_for_contains_text("#reports-total", f"{n_overdue} phản ánh", timeout=10)
    wait_until(lambda: _row_ids(dash_duo) == _sql_page(pool, overdue, 0), timeout=10, what="the filter's page 1")
    assert _active_page(dash_duo) == "1"
    assert not (errors := _severe(dash_duo)), errors
