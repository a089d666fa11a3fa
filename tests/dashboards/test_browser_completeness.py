"""The data-availability KPI in headless Chromium (issue 16): the wall's system tile, the /devices column with its
flag, the ward page's daily chart. Screenshots (docs/screenshots/completeness-*.png) are taken by this run.

The seed writes telemetry around the ingester, so the accounting is seeded here: 30 days of hours at 58 of the 60
expected readings for every device, and one station of ward 22366 nearly silent over the last day (so the
ward's last day falls under the 90 % line too).
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium.webdriver.common.by import By

from ioc.config import Settings
from tests.dashboards import access, seed
from tests.dashboards.test_browser import TILE, _start, errors, shot, text
from tests.support import wait_until

pytestmark = pytest.mark.browser
LOW = "env-22366-0002"


def account(db: psycopg.Connection, devices: list[seed.Device]) -> None:
    db.execute("UPDATE devices SET registered_at = now() - interval '40 days'")
    db.execute(
        """INSERT INTO ingest_accounting (device_id, hour, expected, received, stored, periodic)
           SELECT d, h, 60, n, n, n FROM unnest(%s::text[]) AS d,
                generate_series(time_bucket('1 hour', now() - interval '30 days'), now(), interval '1 hour') AS h,
                LATERAL (SELECT CASE WHEN d = %s AND h > now() - interval '1 day' THEN 2 ELSE 58 END AS n) AS x""",
        [[d.device_id for d in devices], LOW])
    db.commit()


def test_completeness_on_the_wall_devices_and_ward_pages(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                         pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    account(db, seeded)
    _start(dash_duo, settings, pool, db, "/wall")
    dash_duo.wait_for_contains_text(f"{TILE.format('system')}", "Đủ dữ liệu 24h", timeout=20)
    assert "Đủ dữ liệu 24h: 9" in text(dash_duo, TILE.format("system"))
    shot(dash_duo, "completeness-wall")
    base = dash_duo.server.url.rstrip("/")
    access.sign_in(dash_duo.driver, base, access.viewer(db))   # the wall's kiosk token opens the wall only
    dash_duo.driver.get(base + "/devices")
    dash_duo.wait_for_element("#devices-search", timeout=20).send_keys("env-22366")
    dash_duo.wait_for_contains_text("#devices-total", "3 ", timeout=20)
    assert "Đủ dữ liệu 24h" in text(dash_duo, "#devices-table thead")
    flagged = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table .text-warning")]
    assert len(flagged) == 1 and flagged[0].startswith("⚠")
    shot(dash_duo, "completeness-devices")
    dash_duo.driver.get(base + "/ward/22366")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-page .main-svg .trace")) >= 7,
               timeout=30, what="seven charts with traces")
    assert "Đủ dữ liệu theo ngày" in text(dash_duo, "#ward-page")
    assert not (found := errors(dash_duo)), found
    dash_duo.driver.execute_script(
        "document.querySelector('[id*=\\'completeness\\']').scrollIntoView({block: 'end'})")
    time.sleep(0.5)   # the scroll settles before the picture
    shot(dash_duo, "completeness-ward")
