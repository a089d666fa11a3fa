"""The disclosure documents, the hamlet filter and the staff pages in headless Chromium: /public/<ward> at 1920×1080
and 390×844 with the demo's documents (no CSP violation, no overflow on the phone), a comment sent through the real
form after a person's pause, and the signed-in staff pages; screenshots docs/screenshots/public-docs*.png and
staff-*.png."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from ioc.config import Settings
from pipelines.public import demo
from tests.dashboards.access import sign_in
from tests.reports import public_site
from tests.reports.helpers import TZ
from tests.reports.public_site import WARD, serving
from tests.reports.test_public_browser import csp_errors, driver, shot, size
from tests.security.helpers import make_user
from tests.support import wait_until

pytestmark = pytest.mark.browser
__all__ = ["driver"]     # the fixture, shared with the residents' page browser test


def test_documents_comments_and_hamlets_on_a_desktop_and_a_phone(driver: webdriver.Chrome, db: psycopg.Connection,
                                                                  settings: Settings, pool: ConnectionPool) -> None:
    public_site.build(db, datetime.now(UTC))
    demo.load(db, datetime.now(UTC), TZ)
    with serving(settings, pool) as base:
        size(driver, 1920, 1080, False)
        driver.get(f"{base}/public/{WARD}")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#documents .pub-doc")) == 5
        driver.execute_script("document.getElementById('documents').scrollIntoView(); window.scrollBy(0, -70)")
        shot(driver, "public-docs.png")
        assert csp_errors(driver) == []
        Select(driver.find_element(By.NAME, "hamlet")).select_by_value("Khu phố 1")
        driver.find_element(By.CSS_SELECTOR, ".pub-filters button").click()
        wait_until(lambda: "hamlet=Khu" in driver.current_url, what="the hamlet filter")

        size(driver, 390, 844, True)
        driver.get(f"{base}/public/{WARD}#documents")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        box = driver.find_element(By.CSS_SELECTOR, "#documents .pub-comment-box")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)   # not under the sticky header
        box.find_element(By.TAG_NAME, "summary").click()          # the form opens without any script
        form = box.find_element(By.CSS_SELECTOR, ".pub-comment")
        shot(driver, "public-docs-phone.png")
        time.sleep(2.2)                                           # the token refuses a post within 2 s of the page
        form.find_element(By.NAME, "body").send_keys("Đề nghị làm vỉa hè hẻm 5 trước mùa mưa.")
        form.find_element(By.TAG_NAME, "button").click()
        wait_until(lambda: "sent=" in driver.current_url, what="the thank-you page")
        assert "Góp ý đã được nhận" in driver.find_element(By.CSS_SELECTOR, ".pub-ok").text
        assert csp_errors(driver) == []
    assert db.execute("SELECT count(*) FROM disclosure_comments WHERE body LIKE 'Đề nghị làm vỉa hè hẻm 5%'"
                      ).fetchone() == (1,)


def test_the_staff_pages(driver: webdriver.Chrome, db: psycopg.Connection, settings: Settings,
                         pool: ConnectionPool) -> None:
    public_site.build(db, datetime.now(UTC))
    demo.load(db, datetime.now(UTC), TZ)
    make_user(db, "lan", "operator")
    db.commit()
    with serving(settings, pool) as base:
        size(driver, 1920, 1080, False)
        sign_in(driver, base, "lan")
        driver.get(f"{base}/staff/disclosures?ward={WARD}")
        assert len(driver.find_elements(By.CSS_SELECTOR, "tbody tr")) == 5
        driver.find_element(By.ID, "f-title_vi").send_keys("Kế hoạch tổ chức Tết cộng đồng")
        driver.find_element(By.CSS_SELECTOR, "form[enctype] button").click()
        wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".invalid-feedback"), what="the field errors")
        shot(driver, "staff-disclosures.png")
        doc = db.execute("SELECT id FROM disclosures WHERE category = 'land' AND ward_code = %s", [WARD]).fetchone()
        driver.get(f"{base}/staff/disclosures/{doc[0]}")
        assert len(driver.find_elements(By.CSS_SELECTOR, "tbody tr")) == 2
        shot(driver, "staff-comments.png")
        driver.get(f"{base}/staff/support-points?ward={WARD}")
        driver.find_element(By.ID, "f-name").send_keys("Điểm hỗ trợ mới")
        driver.find_element(By.ID, "f-lat").send_keys("109.19")
        driver.find_element(By.CSS_SELECTOR, "form[novalidate] button").click()
        wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".invalid-feedback"), what="the field errors")
        shot(driver, "staff-support-points.png")
