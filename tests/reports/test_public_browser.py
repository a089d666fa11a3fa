"""The residents' page in headless Chromium at 1920×1080 (a desktop) and 390×844 (a phone): it renders without
signing in, breaks no rule of its CSP, fits the phone's width, the filter form and the code box work; screenshots
docs/screenshots/public*.png."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from ioc.config import Settings
from tests.reports import public_site
from tests.reports.public_site import WARD, serving
from tests.support import wait_until

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def driver() -> Iterator[webdriver.Chrome]:
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1920,1080", "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=vi"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    made = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield made
    finally:
        made.quit()


def size(driver: webdriver.Chrome, width: int, height: int, mobile: bool) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def shot(driver: webdriver.Chrome, name: str, full: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if not full:
        driver.save_screenshot(str(SCREENSHOTS / name))
        return
    data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (SCREENSHOTS / name).write_bytes(base64.b64decode(data["data"]))


def csp_errors(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e["message"] or e["level"] == "SEVERE"]


def test_the_public_page_on_a_desktop_and_a_phone(driver: webdriver.Chrome, db: psycopg.Connection,
                                                  settings: Settings, pool: ConnectionPool) -> None:
    site = public_site.build(db, datetime.now(UTC))
    with serving(settings, pool) as base:
        size(driver, 1920, 1080, False)
        driver.get(f"{base}/public/{WARD}")
        assert driver.find_element(By.TAG_NAME, "h1").text
        assert len(driver.find_elements(By.CSS_SELECTOR, ".pub-map-report")) >= 5
        assert "/login" not in driver.current_url
        shot(driver, "public.png")
        assert csp_errors(driver) == []

        # the filter form: roads only
        Select(driver.find_element(By.NAME, "category")).select_by_value("roads")
        driver.find_element(By.CSS_SELECTOR, ".pub-filters button").click()
        wait_until(lambda: "category=roads" in driver.current_url, what="the filtered page")
        cats = {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".pub-report .pub-cat")}
        assert cats == {"Đường, vỉa hè"}

        # the code box, on a phone
        size(driver, 390, 844, True)
        driver.get(f"{base}/public/{WARD}")
        box = driver.find_element(By.ID, "pub-code")
        box.send_keys(f"PA-{site.ids[2]:06d}")
        driver.find_element(By.CSS_SELECTOR, ".pub-track button").click()
        wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".pub-tracked .pub-steps li"), what="the timeline")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        shot(driver, "public-phone.png")
        driver.execute_script("document.getElementById('reports').scrollIntoView()")
        shot(driver, "public-phone-reports.png")
        driver.get(f"{base}/public?lang=en")
        assert "Follow your report" in driver.page_source
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        shot(driver, "public-phone-index-en.png")
        size(driver, 1920, 1080, False)
        driver.get(f"{base}/public")
        shot(driver, "public-index.png")
        assert csp_errors(driver) == []
