"""The data-availability KPI in headless Chromium (issue 16): the wall's availability tile, the /devices column with its
flag and gap timelines, a device's own page, the ward page's daily chart. Screenshots (docs/screenshots/
completeness-*.png) are taken by this run.

The seed writes telemetry around the ingester, so the accounting is seeded here: 30 days of hours at 58 of the 60
expected readings for every device, and one station of ward 22366 nearly silent over the last day, with no reading at
all 6 to 9 hours ago and on the evening of three days ago (so its timelines show gaps, and the ward's last day falls
under the 90 % line too).
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
    db.execute("DELETE FROM ingest_accounting")   # this scenario's own figures, not the seed's ~99 %
    db.execute(
        """INSERT INTO ingest_accounting (device_id, hour, expected, received, stored, periodic)
           SELECT d, h, 60, n, n, n FROM unnest(%s::text[]) AS d,
                generate_series(time_bucket('1 hour', now() - interval '30 days'), now(), interval '1 hour') AS h,
                LATERAL (SELECT CASE WHEN d = %s AND h > now() - interval '1 day' THEN 2 ELSE 58 END AS n) AS x
           WHERE NOT (d = %s AND (h BETWEEN now() - interval '9 hours' AND now() - interval '6 hours'
                                  OR h BETWEEN now() - interval '76 hours' AND now() - interval '72 hours'))""",
        [[d.device_id for d in devices], LOW, LOW])
    db.execute("""INSERT INTO env_telemetry (ts, device_id, seq, received_at, pm25, pm10, temperature,
                                             relative_humidity)
                  SELECT now() - make_interval(mins => 30 * i), %s, 100 - i, now() - make_interval(mins => 30 * i),
                         20 + i, 35 + 2 * i, 29.5 - i / 10.0, 70 + i FROM generate_series(0, 11) AS i""", [LOW])
    db.commit()


def test_completeness_on_the_wall_devices_and_ward_pages(dash_duo: Any, db: psycopg.Connection, settings: Settings,
                                                         pool: ConnectionPool, seeded: list[seed.Device]) -> None:
    account(db, seeded)
    _start(dash_duo, settings, pool, db, "/wall")
    dash_duo.wait_for_contains_text("#wall-availability", "ĐỦ DỮ LIỆU 24 GIỜ", timeout=20)   # CSS upper case
    tile = text(dash_duo, "#wall-availability")
    assert "⚠ 1 / 36 thiết bị\ndưới 90 % (3 % số thiết bị)" in tile and "9" in tile.split("\n")[1], tile
    assert "Đủ dữ liệu" not in text(dash_duo, TILE.format("system"))
    fits = dash_duo.driver.execute_script(
        "const r = document.querySelector('#wall-availability').getBoundingClientRect();"
        "const f = document.querySelector('.ioc-feed').getBoundingClientRect();"
        "return [r.bottom <= window.innerHeight, f.right <= r.left, document.body.scrollHeight <= window.innerHeight];")
    assert fits == [True, True, True], fits   # beside the feed, inside the 1080 px wall, nothing scrolls
    shot(dash_duo, "completeness-wall")
    base = dash_duo.server.url.rstrip("/")
    access.sign_in(dash_duo.driver, base, access.viewer(db))   # the wall's kiosk token opens the wall only
    dash_duo.driver.get(base + "/devices")
    dash_duo.wait_for_element("#devices-search", timeout=20).send_keys("env-22366")
    dash_duo.wait_for_contains_text("#devices-total", "3 ", timeout=20)
    assert "Đủ dữ liệu 24h" in text(dash_duo, "#devices-table thead")
    flagged = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table .text-warning")]
    assert len(flagged) == 1 and flagged[0].startswith("⚠")
    strips = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table .ioc-tl-mini")
    assert len(strips) == 3 and len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-table .ioc-tl-gap")) >= 3
    dash_duo.driver.find_element(By.XPATH, f"//tr[td[normalize-space()='{LOW}']]").click()
    dash_duo.wait_for_element("#devices-detail .ioc-tl-week", timeout=20)
    week = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#devices-detail .ioc-tl-week tbody tr")
    assert len(week) == 7 and len(dash_duo.driver.find_elements(By.CSS_SELECTOR,
                                                                "#devices-detail .ioc-tl-week .ioc-tl-gap")) >= 7
    dash_duo.driver.execute_script("document.querySelector('#devices-detail').scrollIntoView({block: 'start'})")
    time.sleep(0.5)
    shot(dash_duo, "completeness-devices")
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#devices-open").click()
    dash_duo.wait_for_element("#device-readings", timeout=20)
    assert LOW in text(dash_duo, "#device-title") and "24 giờ: ⚠" in text(dash_duo, "#device-completeness")
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#device-page .ioc-tl-large .ioc-tl-gap")) >= 3
    readings = text(dash_duo, "#device-readings")
    assert "PM2.5 (µg/m³)" in readings and "Độ ẩm (%)" in readings and "Tiếng ồn" not in readings
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#device-readings tbody tr")) == 10
    assert not (found := errors(dash_duo)), found
    shot(dash_duo, "completeness-device")
    dash_duo.driver.get(base + "/ward/22366")
    wait_until(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ward-page .main-svg .trace")) >= 7,
               timeout=30, what="seven charts with traces")
    assert "Đủ dữ liệu theo ngày" in text(dash_duo, "#ward-page")
    assert not (found := errors(dash_duo)), found
    dash_duo.driver.execute_script(
        "document.querySelector('[id*=\\'completeness\\']').scrollIntoView({block: 'end'})")
    time.sleep(0.5)   # the scroll settles before the picture
    shot(dash_duo, "completeness-ward")
